using MellaPipeline.Config;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Dedup;

/// <summary>
/// The cluster phase of the reduce, one step over every task's staged rows: reads the columns it
/// needs (never the images), sets repeated keys aside, clusters the perceptual hashes
/// (<see cref="ClusterDecisions"/>) and writes one <c>reduce/RRRRR.clusters</c> file per task.
/// Its figures, <c>reduce/clusters.json</c>, are its marker: written after every decision file.
/// </summary>
internal sealed partial class NearDuplicateClusterStep(DedupNearOptions settings, RunDirectory run, int worldSize, ILogger logger, DecontaminateOptions? decontaminate = null)
    : RunStep<ClusteringSummary>
{
    private static readonly StepCrashPoints ClusterPoints = new(Completed: CrashPoints.Clustered);

    /// <summary>Caption near-duplicates, decided once the image decisions are written.</summary>
    public DedupCaptionsOptions Captions { get; init; } = new();

    /// <summary>Threads the clustering may use at most (-1: no limit).</summary>
    public int Threads { get; init; } = -1;

    public override string Name => NearDuplicateReduce.StageName;

    public override string MarkerPath => run.ClustersSummaryPath;

    public override string? RejectsPath => null;

    public override string FiguresPath => run.ClustersSummaryPath;

    public override StepCrashPoints Points => ClusterPoints;

    /// <summary>Decision files are replaced whole (temp-then-rename), so an interrupted attempt leaves nothing to undo but their temporaries.</summary>
    public override void DiscardOutputs()
    {
        if (!Directory.Exists(run.ReduceDir))
        {
            return;
        }

        for (int rank = 0; rank < worldSize; rank++)
        {
            File.Delete(AtomicFile.TempPathFor(run.ClustersPath(rank)));
        }
    }

    public override async Task<ClusteringSummary> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var summary = await ClusterAsync(context, cancellationToken);
        await CaptionNearDuplicatePhase.RunAsync(Captions, run, worldSize, logger, cancellationToken);

        // The clustering's arrays (about 100 bytes a row) are garbage now; give their memory back before the filters start.
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect();
        return summary;
    }

    private async Task<ClusteringSummary> ClusterAsync(StepContext context, CancellationToken cancellationToken)
    {
        var tasks = Enumerable.Range(0, worldSize).Select(run.ReadStats).ToArray();
        var rows = new StagedRowTable(checked((int)tasks.Sum(t => t.Rows)));
        var taskEnds = new int[worldSize];
        var benchmark = BenchmarkScreen.Open(decontaminate, run);
        for (int rank = 0; rank < worldSize; rank++)
        {
            foreach (var shard in tasks[rank].Shards)
            {
                await foreach (var row in ShardReader.ReadImageRowsAsync(Path.Combine(run.StagingDir, shard.Path), cancellationToken))
                {
                    benchmark?.AddCaption(rows.Count, row.Text);
                    rows.Add(row);
                }
            }

            taskEnds[rank] = rows.Count;
        }

        int staged = rows.Count;
        DecontaminationFigures? decontamination = null;
        var screened = benchmark?.Decide(rows, out decontamination) ?? [];
        var repeats = rows.RemoveRepeatedKeys();
        if (settings.Enabled)
        {
            LogClustering(logger, rows.Count, settings.Threshold);
        }

        var decisions = ClusterDecisions.Decide(rows, settings, Threads);
        long dropped = 0;

        // i counts staged rows, u the rows clustered (those without a repeated key).
        for (int rank = 0, start = 0, u = 0; rank < worldSize; start = taskEnds[rank], rank++)
        {
            var bytes = new byte[(taskEnds[rank] - start) * DecisionFile.SlotBytes];
            for (int i = start; i < taskEnds[rank]; i++)
            {
                if (screened.TryGetValue(i, out var claimed))
                {
                    DecisionFile.Write(bytes, i - start, claimed);
                    continue;
                }

                if (repeats.TryGetValue(i, out int first))
                {
                    DecisionFile.Write(bytes, i - start, new RowEntry((ulong)TaskOf(first, taskEnds), RowDecision.RepeatedKey, default));
                    continue;
                }

                int kept = decisions.KeptRow[u];
                var decision = kept == u ? RowDecision.Kept : RowDecision.NearDuplicate;
                DecisionFile.Write(bytes, i - start, new RowEntry(decisions.ClusterOf(u), decision, rows.Keys[kept]));
                dropped += kept == u ? 0 : 1;
                u++;
            }

            AtomicFile.WriteAllBytes(run.ClustersPath(rank), bytes);
        }

        if (decontamination is not null)
        {
            LogDecontaminated(logger, decontamination.NearDuplicates, decontamination.TextOverlaps, decontamination.BenchmarkImages);
        }

        LogClustered(logger, rows.Count, decisions.Clusters, decisions.SharedClusters, decisions.RowsInSharedClusters, dropped, repeats.Count);
        return new ClusteringSummary(
            settings.Threshold, settings.Keep == NearDuplicateKeep.All ? "all" : "per_language", staged, rows.Count - rows.HashedCount,
            decisions.Clusters, decisions.SharedClusters, decisions.RowsInSharedClusters, dropped,
            Math.Round(context.Elapsed.TotalSeconds, 3), repeats.Count, decontamination, settings.Enabled ? new NearDuplicateRule(settings.Threshold).Id : null);
    }

    /// <summary>The rank of the task that staged row <paramref name="row"/>: the first whose end lies beyond it.</summary>
    private static int TaskOf(int row, int[] taskEnds)
    {
        int low = 0, high = taskEnds.Length;
        while (low < high)
        {
            int middle = (low + high) / 2;
            (low, high) = taskEnds[middle] > row ? (low, middle) : (middle + 1, high);
        }

        return low;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "decontamination: {Images} rows set aside as near duplicates of the {Benchmark} benchmark images, {Texts} for sharing a caption n-gram with the benchmark")]
    private static partial void LogDecontaminated(ILogger logger, long images, long texts, int benchmark);

    [LoggerMessage(Level = LogLevel.Information, Message = "near-duplicate clustering of {Rows} rows at threshold {Threshold}")]
    private static partial void LogClustering(ILogger logger, int rows, int threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "near-duplicate clusters: {Rows} rows in {Clusters} clusters; {Shared} clusters hold several images ({InShared} rows); {Dropped} rows dropped as duplicates, {Repeated} as repeated keys")]
    private static partial void LogClustered(ILogger logger, int rows, long clusters, long shared, long inShared, long dropped, int repeated);
}
