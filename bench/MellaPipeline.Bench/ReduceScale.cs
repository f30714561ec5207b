using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Dedup;
using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Json;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace MellaPipeline.Bench;

/// <summary>
/// The pipeline's near-duplicate reduce at reference-dataset scale: <c>stage</c> writes N synthetic
/// metadata rows as the staged shards and stats of T finished tasks (every tenth row gets a 1–3
/// bit variant of the hash of the row eight before it, same language); <c>reduce</c>, run as its own process so that its peak RSS is
/// its own, clusters them and filters every task into its final shards, as <c>mella run</c> does.
/// </summary>
internal static class ReduceScale
{
    private static readonly ShardedDataset Dataset = new("bench", new OutputOptions(), PerceptualHash.Definition);

    public static async Task<int> StageAsync(string runDir, long rows, int tasks)
    {
        if (Directory.Exists(runDir))
        {
            Directory.Delete(runDir, recursive: true);
        }

        var run = new RunDirectory(runDir);
        run.Create();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, tasks).Select(rank => Task.Run(async () =>
        {
            long begin = rows * rank / tasks, end = rows * (rank + 1) / tasks;
            var synthetic = new SyntheticRows(seed: rank);
            var random = new Random(1000 + rank);
            ulong planted = 0;
            await using var writer = new ParquetShardWriter(Dataset.WriterOptions(run.StagingDir, rank));
            for (long i = begin; i < end; i++)
            {
                var row = synthetic.Next(i);
                if (i % 10 == 0)
                {
                    planted = ulong.Parse(row.Phash!, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                }
                else if (i % 10 == 8)
                {
                    ulong variant = planted;
                    for (int flips = 1 + random.Next(3); flips > 0; flips--)
                    {
                        variant ^= 1UL << random.Next(64);
                    }

                    row = row with { Phash = PerceptualHash.ToHex(variant) };
                }

                await writer.WriteAsync(row, default);
            }

            await writer.CompleteAsync(default);
            var stats = new TaskStats
            {
                Rank = rank, WorldSize = tasks, Seconds = 0, InputRecords = end - begin, Rows = end - begin, Dropped = 0, Failed = 0,
                Reasons = new SortedDictionary<string, long>(StringComparer.Ordinal), Counts = LanguageSourceCounts.SumOf(writer.Shards.Select(s => s.Counts)),
                Stages = [], Shards = writer.Shards,
            };
            AtomicFile.WriteJson(run.StatsPath(rank), stats, MellaJson.Indented);
            run.MarkComplete(rank);
        })));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"staged rows={rows} tasks={tasks} seconds={clock.Elapsed.TotalSeconds:F1}"));
        return 0;
    }

    /// <param name="captions">Whether <c>dedup_captions</c> runs too (its figures are printed from <c>reduce/caption-duplicates.json</c>).</param>
    public static async Task<int> ReduceAsync(string runDir, int tasks, int threshold, bool captions = false)
    {
        var run = new RunDirectory(runDir);
        var reduce = new NearDuplicateReduce(new DedupNearOptions { Threshold = threshold }, Dataset, run, NullLogger.Instance)
        {
            Captions = new DedupCaptionsOptions { Enabled = captions },
        };
        var clock = Stopwatch.StartNew();
        var clusters = await reduce.ClusterAsync(tasks, default);
        double clusterSeconds = clock.Elapsed.TotalSeconds;
        double clusterRss = ProcessMemory.PeakRssMegabytes();
        var stats = await Task.WhenAll(Enumerable.Range(0, tasks).Select(rank => reduce.FilterTaskAsync(rank, default)));
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"rows={clusters.Rows} clusters={clusters.Clusters} shared_clusters={clusters.SharedClusters} dropped={clusters.RowsDropped} kept={stats.Sum(s => s.Rows)}"));
        Console.WriteLine(string.Create(inv,
            $"cluster_seconds={clusterSeconds:F1} cluster_peak_rss_mb={clusterRss:F0} total_seconds={clock.Elapsed.TotalSeconds:F1} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        if (captions)
        {
            Console.WriteLine("caption_duplicates " + File.ReadAllText(Path.Combine(run.ReduceDir, "caption-duplicates.json")).ReplaceLineEndings(" "));
        }

        return 0;
    }
}
