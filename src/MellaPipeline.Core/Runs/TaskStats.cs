using MellaPipeline.Runtime;

namespace MellaPipeline.Runs;

/// <summary>Counters of one stage in <c>stats/RRRRR.json</c>.</summary>
public sealed record StageStats(
    string Name,
    long In,
    long Ok,
    long Dropped,
    long Failed,
    double BusySeconds,
    SortedDictionary<string, long> Reasons)
{
    public static StageStats From(StageCounters counters) => new(
        counters.Name,
        counters.In,
        counters.Ok,
        counters.Dropped,
        counters.Failed,
        Math.Round(counters.Busy.TotalSeconds, 3),
        new SortedDictionary<string, long>(counters.Reasons.ToDictionary(), StringComparer.Ordinal));

    public StageStats Plus(StageStats other) =>
        new(Name, In + other.In, Ok + other.Ok, Dropped + other.Dropped, Failed + other.Failed,
            Math.Round(BusySeconds + other.BusySeconds, 3), SumReasons([Reasons, other.Reasons]));

    /// <summary>Reason counts of several stages, tasks or runs added up, in reason order.</summary>
    public static SortedDictionary<string, long> SumReasons(IEnumerable<IReadOnlyDictionary<string, long>> parts)
    {
        var total = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (reason, count) in part)
            {
                total[reason] = total.GetValueOrDefault(reason) + count;
            }
        }

        return total;
    }
}

/// <summary>
/// What one task did: <c>stats/RRRRR.json</c>. The numbers add up: every input record is either a
/// row or a reject, <c>input_records == rows + dropped + failed</c>.
/// </summary>
public sealed record TaskStats
{
    public required int Rank { get; init; }
    public required int WorldSize { get; init; }
    public required double Seconds { get; init; }
    public required long InputRecords { get; init; }
    public required long Rows { get; init; }
    public required long Dropped { get; init; }
    public required long Failed { get; init; }
    public required SortedDictionary<string, long> Reasons { get; init; }
    public required LanguageSourceCounts Counts { get; init; }
    public required IReadOnlyList<StageStats> Stages { get; init; }
    public required IReadOnlyList<ShardInfo> Shards { get; init; }

    public static TaskStats From(TaskSlice slice, TimeSpan elapsed, PipelineCounters counters, IReadOnlyList<ShardInfo> shards)
    {
        var stages = counters.Stages.Select(StageStats.From).ToArray();
        var reasons = StageStats.SumReasons(stages.Select(s => s.Reasons));

        return new TaskStats
        {
            Rank = slice.Rank,
            WorldSize = slice.WorldSize,
            Seconds = Math.Round(elapsed.TotalSeconds, 3),
            InputRecords = stages.Length > 0 ? stages[0].In : 0,
            Rows = shards.Sum(s => s.Rows),
            Dropped = stages.Sum(s => s.Dropped),
            Failed = stages.Sum(s => s.Failed),
            Reasons = reasons,
            Counts = LanguageSourceCounts.SumOf(shards.Select(s => s.Counts)),
            Stages = stages,
            Shards = shards,
        };
    }

    /// <summary>
    /// These stats with one more stage run after the task (the near-duplicate filter): its
    /// counters join the task's, and <paramref name="shards"/> replace the task's shards.
    /// </summary>
    public TaskStats AfterStage(StageStats stage, IReadOnlyList<ShardInfo> shards)
    {
        var reasons = StageStats.SumReasons([Reasons, stage.Reasons]);
        return this with
        {
            Seconds = Math.Round(Seconds + stage.BusySeconds, 3),
            Rows = shards.Sum(s => s.Rows),
            Dropped = Dropped + stage.Dropped,
            Failed = Failed + stage.Failed,
            Reasons = reasons,
            Counts = LanguageSourceCounts.SumOf(shards.Select(s => s.Counts)),
            // A stage these stats already end with (the near-duplicate filter run again after a transient retry) adds up into one.
            Stages = Stages.Count > 0 && Stages[^1].Name == stage.Name ? [.. Stages.Take(Stages.Count - 1), Stages[^1].Plus(stage)] : [.. Stages, stage],
            Shards = shards,
        };
    }
}
