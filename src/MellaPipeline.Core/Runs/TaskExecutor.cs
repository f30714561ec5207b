using MellaPipeline.Runtime;

namespace MellaPipeline.Runs;

/// <summary>What a task body hands back: the shards it renamed into place, in order.</summary>
public sealed record TaskOutput(IReadOnlyList<ShardInfo> Shards);

/// <summary>What a task body gets: its slice, where to put rejects, counters to fill.</summary>
public sealed record TaskContext(TaskSlice Slice, RunDirectory Run, IRejectSink Rejects, PipelineCounters Counters);

/// <summary>How a task attempt ended.</summary>
public enum TaskResult
{
    Completed,
    AlreadyComplete,
}

/// <summary>
/// Runs one map task of a run on the <see cref="StepRunner"/>: its marker is
/// <c>completions/RRRRR</c>, its rejects <c>rejects/RRRRR.jsonl</c>, its figures
/// <c>stats/RRRRR.json</c>, and it reaches the <c>task.*</c> crash points.
/// </summary>
public sealed class TaskExecutor(RunDirectory run)
{
    private readonly StepRunner _runner = new(run);

    public async Task<TaskResult> RunAsync(
        TaskSlice slice,
        PipelineCounters counters,
        Func<TaskContext, CancellationToken, Task<TaskOutput>> body,
        CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(new MapTaskStep(run, slice, body), counters, cancellationToken);
        return result.AlreadyComplete ? TaskResult.AlreadyComplete : TaskResult.Completed;
    }

    /// <summary>One task's slice of the input through the pipeline's stages into its shards.</summary>
    private sealed class MapTaskStep(RunDirectory run, TaskSlice slice, Func<TaskContext, CancellationToken, Task<TaskOutput>> body) : RunStep<TaskStats>
    {
        private static readonly StepCrashPoints TaskPoints = new(
            CrashPoints.TaskStarted, CrashPoints.TaskRejectsWritten, CrashPoints.TaskStatsWritten, CrashPoints.TaskCompleted);

        public override string Name => "task";

        public override string MarkerPath => run.CompletionPath(slice.Rank);

        public override string RejectsPath => run.RejectsPath(slice.Rank);

        public override string FiguresPath => run.StatsPath(slice.Rank);

        public override StepCrashPoints Points => TaskPoints;

        public override void DiscardOutputs() => run.DiscardTaskOutputs(slice.Rank);

        public override async Task<TaskStats> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
        {
            var output = await body(new TaskContext(slice, context.Run, context.Rejects, context.Counters), cancellationToken);
            return TaskStats.From(slice, context.Elapsed, context.Counters, output.Shards);
        }
    }
}
