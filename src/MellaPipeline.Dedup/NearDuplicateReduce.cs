using MellaPipeline.Parquet;
using MellaPipeline.Config;
using MellaPipeline.Runs;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Dedup;

/// <summary>The figures of one near-duplicate clustering: <c>reduce/clusters.json</c>.</summary>
/// <param name="Rows">Every staged row, repeated keys included.</param>
/// <param name="RowsDropped">Rows dropped as near duplicates.</param>
/// <param name="RepeatedKeys">Rows dropped because an earlier row has their key (<c>duplicate_pair</c>); they are not clustered.</param>
/// <param name="Decontamination">With <c>stages.decontaminate</c>: the rows set aside before clustering as benchmark near duplicates and text overlaps.</param>
public sealed record ClusteringSummary(
    int Threshold, string Keep, long Rows, long RowsWithoutHash, long Clusters, long SharedClusters, long RowsInSharedClusters, long RowsDropped, double Seconds,
    long RepeatedKeys = 0,
    DecontaminationFigures? Decontamination = null,
    string? Rule = null);

/// <summary>
/// The reduce that runs once every task is complete, as two phases on the <see cref="StepRunner"/>:
/// near-duplicate clustering over all tasks' rows (<see cref="NearDuplicateClusterStep"/>, one
/// step), then a filter over each task's staged shards (<see cref="NearDuplicateFilterStep"/>, one
/// step per rank). It runs with <c>dedup_near</c> off too, without clustering (each row is its own
/// cluster), because it is the only step that sees every task's keys: without it the same input
/// line read by two tasks would be two rows.
/// <para>
/// <b>Clusters</b>: a row's cluster id is the smallest SHA-256 prefix among the cluster's images
/// (<see cref="DuplicateKeep"/>), so it depends on the cluster's images only, not on the number of
/// tasks or the order of rows. With <see cref="NearDuplicateKeep.PerLanguage"/> one row is kept per
/// cluster, language and source, by <see cref="DuplicateKeep"/>'s rule: the largest image (original
/// pixels), then the longest caption (grapheme clusters), then the smallest key.
/// </para>
/// <para>
/// <b>Keys</b>: keys are unique in a dataset whatever the keep policy. A row whose key an earlier
/// row already has — by rank, then row order, so the choice is deterministic — is not clustered
/// and becomes a <c>duplicate_pair</c> reject: the same input line read by two tasks (or twice by
/// one, with <c>dedup_exact</c> off) gives one row.
/// </para>
/// </summary>
public sealed class NearDuplicateReduce(DedupNearOptions settings, ShardedDataset dataset, RunDirectory run, ILogger logger, DecontaminateOptions? decontaminate = null)
{
    public const string StageName = "dedup_near";

    private readonly StepRunner _runner = new(run);

    /// <summary><c>stages.dedup_captions</c>: caption near-duplicates, clustered after the images (<see cref="CaptionNearDuplicatePhase"/>); off by default.</summary>
    public DedupCaptionsOptions Captions { get; init; } = new();

    /// <summary>Threads the clustering may use at most (the run's <c>--workers</c>; -1: no limit).</summary>
    public int ClusterThreads { get; init; } = -1;

    /// <summary>Clusters the rows of all <paramref name="worldSize"/> tasks, unless an earlier attempt already did.</summary>
    public async Task<ClusteringSummary> ClusterAsync(int worldSize, CancellationToken cancellationToken)
    {
        // The benchmark is recorded once, before the clustering that uses it; once clustered, the recorded one stands.
        if (decontaminate?.IsOn() == true && !File.Exists(run.ClustersSummaryPath))
        {
            var benchmark = new BenchmarkStep(decontaminate, run, logger);
            benchmark.DiscardIfChanged();
            await _runner.RunAsync(benchmark, cancellationToken);
        }

        return (await _runner.RunAsync(new NearDuplicateClusterStep(settings, run, worldSize, logger, decontaminate) { Captions = Captions, Threads = ClusterThreads }, cancellationToken)).Figures;
    }

    /// <summary>Whether the clustering is done (its summary is its marker): each task's filter may run then, in any order, side by side.</summary>
    public bool IsClustered => File.Exists(run.ClustersSummaryPath);

    /// <summary>Filters the staged rows of task <paramref name="rank"/> into its final shards, unless done before; returns its stats.</summary>
    public async Task<TaskStats> FilterTaskAsync(int rank, CancellationToken cancellationToken) =>
        (await _runner.RunAsync(new NearDuplicateFilterStep(dataset, run, rank), cancellationToken)).Figures;

    /// <summary>Removes the staging folder once every task's rows are filtered (it is empty by then).</summary>
    public void RemoveStaging()
    {
        if (Directory.Exists(run.StagingDir) && !Directory.EnumerateFileSystemEntries(run.StagingDir).Any())
        {
            Directory.Delete(run.StagingDir);
        }
    }
}
