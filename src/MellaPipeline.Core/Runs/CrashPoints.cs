using System.Diagnostics;

namespace MellaPipeline.Runs;

/// <summary>
/// Named places where a run can be made to die with SIGKILL, to prove that resuming after a crash
/// at that exact moment gives the same dataset. Set <c>MELLA_CRASH_AT=point</c> (first time the
/// point is reached) or <c>point:N</c> (the N-th time). Unset, a point costs one field read.
/// </summary>
public static class CrashPoints
{
    public const string EnvironmentVariable = "MELLA_CRASH_AT";

    public const string TaskStarted = "task.started";
    public const string ShardTempWritten = "shard.temp_written";
    public const string ShardRenamed = "shard.renamed";
    public const string TaskRejectsWritten = "task.rejects_written";
    public const string TaskStatsWritten = "task.stats_written";
    public const string TaskCompleted = "task.completed";
    public const string Clustered = "reduce.clustered";
    public const string RankFiltered = "reduce.rank_filtered";
    public const string ManifestWritten = "reduce.manifest_written";
    public const string RetryFetched = "retry.fetched";
    public const string RetryRestaged = "retry.restaged";
    public const string RetrySwapping = "retry.swapping";

    public static readonly IReadOnlyList<string> All =
        [TaskStarted, ShardTempWritten, ShardRenamed, TaskRejectsWritten, TaskStatsWritten, TaskCompleted, Clustered, RankFiltered, ManifestWritten,
         RetryFetched, RetryRestaged, RetrySwapping];

    private static readonly (string Point, int Occurrence)? Armed = Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));
    private static int _hits;

    public static void Reach(string point)
    {
        if (Armed is not { } armed || armed.Point != point)
        {
            return;
        }

        if (Interlocked.Increment(ref _hits) == armed.Occurrence)
        {
            Process.GetCurrentProcess().Kill();
        }
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        int colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value.AsSpan(colon + 1), out int n) && n > 0
            ? (value[..colon], n)
            : (value, 1);
    }
}
