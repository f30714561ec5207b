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
/// bit variant of the hash of the row eight before it, same language) — with <c>--images DIR</c> each row carries the bytes of one
/// of the JPEGs there in turn (the hashes stay the synthetic ones, so the rows stay distinct), and with <c>--config FILE</c> the
/// run gets that <c>config.json</c>, so that <c>mella run PIPELINE --reduce</c> reduces it; <c>reduce</c>, run as its own process so that its peak RSS is
/// its own, clusters them and filters every task into its final shards, as <c>mella run</c> does.
/// </summary>
internal static class ReduceScale
{
    private static readonly ShardedDataset Dataset = new("bench", new OutputOptions(), PerceptualHash.Definition);

    public static async Task<int> StageAsync(string runDir, long rows, int tasks, string? imagesDir = null, string? configPath = null)
    {
        if (Directory.Exists(runDir))
        {
            Directory.Delete(runDir, recursive: true);
        }

        // Each distinct photo once, in name order (real_photos.py writes a source's passes side by side, some identical at a small
        // MAX_SIDE): a photo comes back only after all the others, far beyond any compressor's window, as distinct photos would.
        var images = imagesDir is null ? [] : Directory.GetFiles(imagesDir, "*.jpg").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)
            .DistinctBy(Convert.ToHexString).ToArray();
        if (imagesDir is not null && images.Length == 0)
        {
            await Console.Error.WriteLineAsync($"reduce-stage: no .jpg files in {imagesDir}");
            return 2;
        }

        var run = new RunDirectory(runDir);
        run.Create();
        if (configPath is not null)
        {
            File.Copy(configPath, run.ConfigPath);
        }

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

                await writer.WriteAsync(images.Length == 0 ? row : row with { ImageBytes = Distinct(images[i % images.Length], i) }, default);
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
        long staged = Directory.EnumerateFiles(run.StagingDir).Sum(f => new FileInfo(f).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"staged rows={rows} tasks={tasks} images={images.Length} staged_bytes={staged} seconds={clock.Elapsed.TotalSeconds:F1}"));
        return 0;
    }

    /// <summary>The JPEG with a comment segment naming the row after its SOI marker: still a valid JPEG, bytes of its own.</summary>
    private static byte[] Distinct(byte[] jpeg, long row)
    {
        byte[] note = System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"row {row}"));
        var bytes = new byte[jpeg.Length + 4 + note.Length];
        jpeg.AsSpan(0, 2).CopyTo(bytes);
        bytes[2] = 0xFF;
        bytes[3] = 0xFE;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4), (ushort)(2 + note.Length));
        note.CopyTo(bytes.AsSpan(6));
        jpeg.AsSpan(2).CopyTo(bytes.AsSpan(6 + note.Length));
        return bytes;
    }

    /// <summary>
    /// A decontamination benchmark for a staged run: <paramref name="count"/> hash lines, of which
    /// <paramref name="planted"/> are near copies (0–10 bits) of spread-out staged rows' hashes and
    /// the rest random; the planted rows' keys go to <paramref name="truthPath"/>.
    /// </summary>
    public static async Task<int> BenchmarkHashesAsync(string runDir, int tasks, int count, int planted, string outPath, string truthPath)
    {
        var run = new RunDirectory(runDir);
        var random = new Random(count);
        var staged = new List<(string Key, ulong Hash)>();
        long seen = 0, every = Enumerable.Range(0, tasks).Sum(r => run.ReadStats(r).Rows) / planted;
        for (int rank = 0; rank < tasks; rank++)
        {
            foreach (var shard in run.ReadStats(rank).Shards)
            {
                await foreach (var row in ShardReader.ReadImageRowsAsync(Path.Combine(run.StagingDir, shard.Path)))
                {
                    if (seen++ % every == 3 && staged.Count < planted && row.Phash is not null)
                    {
                        staged.Add((row.Key, ulong.Parse(row.Phash, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)));
                    }
                }
            }
        }

        await using var output = new StreamWriter(outPath);
        for (int i = 0; i < count; i++)
        {
            ulong hash = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            if (i % (count / staged.Count) == 0 && i / (count / staged.Count) < staged.Count)
            {
                hash = staged[i / (count / staged.Count)].Hash;
                foreach (int bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(random.Next(11)))
                {
                    hash ^= 1UL << bit;
                }
            }

            await output.WriteLineAsync($"{PerceptualHash.ToHex(hash)}\tbench-{i:D7}");
        }

        await File.WriteAllLinesAsync(truthPath, staged.Select(s => s.Key));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"benchmark_hashes={count} planted={staged.Count}"));
        return 0;
    }

    /// <param name="captions">Whether <c>dedup_captions</c> runs too (its figures are printed from <c>reduce/caption-duplicates.json</c>).</param>
    public static async Task<int> ReduceAsync(string runDir, int tasks, int threshold, string? against = null, string? truthPath = null, bool captions = false)
    {
        var run = new RunDirectory(runDir);
        var decontaminate = against is null ? null : new DecontaminateOptions { Against = [against] };
        var reduce = new NearDuplicateReduce(new DedupNearOptions { Threshold = threshold }, Dataset, run, NullLogger.Instance, decontaminate)
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
        if (clusters.Decontamination is { } figures && truthPath is not null)
        {
            var planted = File.ReadAllLines(truthPath).ToHashSet(StringComparer.Ordinal);
            int found = Enumerable.Range(0, tasks).Select(run.ReducedRejectsPath).SelectMany(File.ReadLines)
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
                .Count(r => r.GetProperty("reason").GetString() == "benchmark_near_duplicate" && planted.Contains(r.GetProperty("key").GetString()!));
            Console.WriteLine(string.Create(inv,
                $"benchmark_images={figures.BenchmarkImages} near_duplicates={figures.NearDuplicates} decontamination_seconds={figures.Seconds:F1} planted={planted.Count} recall={(double)found / planted.Count:F4}"));
        }

        if (captions)
        {
            Console.WriteLine("caption_duplicates " + File.ReadAllText(Path.Combine(run.ReduceDir, "caption-duplicates.json")).ReplaceLineEndings(" "));
        }

        return 0;
    }
}
