using System.Diagnostics;
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
/// Runs one task of a run with the guarantees of SPEC §4: a task that is marked complete is
/// skipped; any other task first discards what an earlier, interrupted attempt left, then runs,
/// then commits rejects, then stats, and writes its completion marker last. A crash at any point
/// therefore leaves either a complete task or one that the next attempt redoes from scratch.
/// </summary>
public sealed class TaskExecutor(RunDirectory run)
{
    public async Task<TaskResult> RunAsync(
        TaskSlice slice,
        PipelineCounters counters,
        Func<TaskContext, CancellationToken, Task<TaskOutput>> body,
        CancellationToken cancellationToken)
    {
        if (run.IsComplete(slice.Rank))
        {
            return TaskResult.AlreadyComplete;
        }

        run.DiscardTaskOutputs(slice.Rank);
        CrashPoints.Reach(CrashPoints.TaskStarted);
        var clock = Stopwatch.StartNew();
        TaskOutput output;
        await using (var rejects = new JsonlRejectWriter(run.RejectsPath(slice.Rank)))
        {
            output = await body(new TaskContext(slice, run, rejects, counters), cancellationToken);
            await rejects.CommitAsync();
        }

        CrashPoints.Reach(CrashPoints.TaskRejectsWritten);
        var stats = TaskStats.From(slice, clock.Elapsed, counters, output.Shards);
        AtomicFile.WriteJson(run.StatsPath(slice.Rank), stats, Json.MellaJson.Indented);
        CrashPoints.Reach(CrashPoints.TaskStatsWritten);
        run.MarkComplete(slice.Rank);
        CrashPoints.Reach(CrashPoints.TaskCompleted);
        return TaskResult.Completed;
    }
}
