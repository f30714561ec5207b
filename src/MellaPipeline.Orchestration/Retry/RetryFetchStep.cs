using MellaPipeline.Config;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;

namespace MellaPipeline.Orchestration.Retry;

/// <summary>Where a sample downloaded again goes back into its task's rows: after this many of the dataset's rows of that task.</summary>
public sealed record RetryPosition(string Key, long After);

/// <summary>
/// What downloading a task's transient rejects again did: <c>retry/stats/RRRRR.json</c>. <see cref="Stats"/>
/// counts only the samples retried; <see cref="Positions"/> places each of them among the task's rows.
/// </summary>
public sealed record RetryFigures(TaskStats Stats, long Wanted, IReadOnlyList<RetryPosition> Positions);

/// <summary>
/// Phase one of a transient retry, for one task: reads the task's own input slice again and sends
/// only the samples in <paramref name="wanted"/> (keys with a transient <c>load_images</c> reject)
/// through the map stages, into the retry round's folder laid out like a run
/// (<paramref name="round"/>: <c>retry/staging</c>, <c>retry/rejects</c>, <c>retry/stats</c>,
/// <c>retry/completions</c>). Nothing of the run itself is touched.
/// </summary>
internal sealed class RetryFetchStep(PipelineOptions options, RunDirectory run, RunDirectory round, TaskSlice slice, IReadOnlySet<string> wanted)
    : RunStep<RetryFigures>
{
    private static readonly StepCrashPoints FetchPoints = new(Completed: CrashPoints.RetryFetched);

    public override string Name => "retry_transient";

    public override StepCrashPoints Points => FetchPoints;

    public override string MarkerPath => round.CompletionPath(slice.Rank);

    public override string RejectsPath => round.RejectsPath(slice.Rank);

    public override string FiguresPath => round.StatsPath(slice.Rank);

    public override void DiscardOutputs()
    {
        Directory.CreateDirectory(round.RejectsDir);
        Directory.CreateDirectory(round.StatsDir);
        round.DiscardTaskOutputs(slice.Rank);
    }

    public override async Task<RetryFigures> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        // The keys of the task's dataset rows, to count how many of them come before each retried sample in input order.
        var rows = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shard in run.ReadReducedStats(slice.Rank).Shards)
        {
            await foreach (var row in ShardReader.ReadSplitRowsAsync(Path.Combine(run.ShardsDir, shard.Path), cancellationToken))
            {
                rows.Add(row.Key);
            }
        }

        var positions = new List<RetryPosition>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        long seen = 0;
        bool Keep(string key)
        {
            // Keys are unique in the dataset; an input that repeats a key (dedup_exact dropped the repeat) counts it once.
            if (rows.Remove(key))
            {
                seen++;
                return false;
            }

            if (wanted.Contains(key) && placed.Add(key))
            {
                positions.Add(new RetryPosition(key, seen));
                return true;
            }

            return false;
        }

        var output = await PairPipeline.RunTaskAsync(options, new TaskContext(slice, round, context.Rejects, context.Counters), cancellationToken, Keep);
        return new RetryFigures(TaskStats.From(slice, context.Elapsed, context.Counters, output.Shards), wanted.Count, positions);
    }
}
