namespace MellaPipeline.Runs;

/// <summary>
/// <c>summary.json</c>: the stats of every task added up, written once all tasks are complete.
/// It is the last file a run writes; its presence means the run is finished.
/// </summary>
public sealed record RunSummary
{
    public required string Pipeline { get; init; }
    public required int Tasks { get; init; }
    public required long InputRecords { get; init; }
    public required long Rows { get; init; }
    public required long Dropped { get; init; }
    public required long Failed { get; init; }
    public required long Shards { get; init; }
    public required long ShardBytes { get; init; }
    public required SortedDictionary<string, long> Reasons { get; init; }
    public required LanguageSourceCounts Counts { get; init; }
    public required IReadOnlyList<StageStats> Stages { get; init; }

    /// <summary>Failed records as a fraction of input records.</summary>
    public required double FailedFraction { get; init; }

    /// <summary>The configured limit on <see cref="FailedFraction"/>.</summary>
    public required double FailureBudget { get; init; }

    public bool WithinFailureBudget => FailedFraction <= FailureBudget;

    public static RunSummary Aggregate(string pipeline, IReadOnlyList<TaskStats> tasks, double failureBudget)
    {
        var reasons = StageStats.SumReasons(tasks.Select(t => t.Reasons));
        var stages = new List<StageStats>();
        foreach (var task in tasks.OrderBy(t => t.Rank))
        {
            foreach (var stage in task.Stages)
            {
                int index = stages.FindIndex(s => s.Name == stage.Name);
                if (index < 0)
                {
                    stages.Add(stage);
                }
                else
                {
                    stages[index] = stages[index].Plus(stage);
                }
            }
        }

        long input = tasks.Sum(t => t.InputRecords);
        long failed = tasks.Sum(t => t.Failed);
        return new RunSummary
        {
            Pipeline = pipeline,
            Tasks = tasks.Count,
            InputRecords = input,
            Rows = tasks.Sum(t => t.Rows),
            Dropped = tasks.Sum(t => t.Dropped),
            Failed = failed,
            Shards = tasks.Sum(t => t.Shards.Count),
            ShardBytes = tasks.Sum(t => t.Shards.Sum(s => s.Bytes)),
            Reasons = reasons,
            Counts = LanguageSourceCounts.SumOf(tasks.Select(t => t.Counts)),
            Stages = stages,
            FailedFraction = input == 0 ? 0 : Math.Round((double)failed / input, 6),
            FailureBudget = failureBudget,
        };
    }
}
