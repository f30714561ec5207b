using System.Globalization;
using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Dedup.Tests;

/// <summary>
/// A run directory whose tasks are complete: each task's rows written as staged shards with
/// <see cref="ParquetShardWriter"/>, its stats and marker beside them, as a map task leaves them.
/// </summary>
internal sealed class StagedRun : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>The dataset the staged and the filtered shards belong to.</summary>
    public static readonly ShardedDataset Dataset = new("reduce-test", new OutputOptions(), PerceptualHash.Definition);

    private StagedRun(DedupNearOptions options)
    {
        Options = options;
        Run = new RunDirectory(_dir.Path);
        Run.Create();
    }

    public DedupNearOptions Options { get; }
    public RunDirectory Run { get; }
    public int Tasks { get; private set; }

    /// <summary>The reduce's caption near-duplicate settings (off unless a test turns them on).</summary>
    public DedupCaptionsOptions Captions { get; set; } = new();

    public static DedupNearOptions OptionsWith(int threshold = 4, NearDuplicateKeep keep = NearDuplicateKeep.PerLanguage) =>
        new() { Threshold = threshold, Keep = keep };

    /// <summary>Stages <paramref name="tasks"/>' rows, task i getting the i-th list.</summary>
    public static async Task<StagedRun> StageAsync(DedupNearOptions options, params PairRecord[][] tasks)
    {
        var staged = new StagedRun(options) { Tasks = tasks.Length };
        for (int rank = 0; rank < tasks.Length; rank++)
        {
            await using var writer = new ParquetShardWriter(Dataset.WriterOptions(staged.Run.StagingDir, rank));
            foreach (var row in tasks[rank])
            {
                await writer.WriteAsync(row, CancellationToken.None);
            }

            await writer.CompleteAsync(CancellationToken.None);
            var stats = new TaskStats
            {
                Rank = rank, WorldSize = tasks.Length, Seconds = 0, InputRecords = tasks[rank].Length, Rows = tasks[rank].Length, Dropped = 0, Failed = 0,
                Reasons = new SortedDictionary<string, long>(StringComparer.Ordinal),
                Counts = LanguageSourceCounts.SumOf(writer.Shards.Select(s => s.Counts)), Stages = [], Shards = writer.Shards,
            };
            AtomicFile.WriteJson(staged.Run.StatsPath(rank), stats, Json.MellaJson.Indented);
            staged.Run.MarkComplete(rank);
        }

        return staged;
    }

    /// <summary><c>stages.decontaminate</c> for the reduce; off unless set.</summary>
    public DecontaminateOptions? Decontaminate { get; set; }

    public NearDuplicateReduce Reduce() => new(Options, Dataset, Run, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, Decontaminate) { Captions = Captions };

    /// <summary>Clusters, then filters every task, as the coordinator does.</summary>
    public async Task<TaskStats[]> ReduceAllAsync()
    {
        var reduce = Reduce();
        await reduce.ClusterAsync(Tasks, CancellationToken.None);
        var stats = new TaskStats[Tasks];
        for (int rank = 0; rank < Tasks; rank++)
        {
            stats[rank] = await reduce.FilterTaskAsync(rank, CancellationToken.None);
        }

        reduce.RemoveStaging();
        return stats;
    }

    /// <summary>Reduces both runs and asserts that they give the same dataset and the same rejects.</summary>
    public static async Task AssertSameReduceAsync(StagedRun one, StagedRun other)
    {
        await one.ReduceAllAsync();
        await other.ReduceAllAsync();

        Assert.Equal(await one.FinalClustersAsync(), await other.FinalClustersAsync());
        Assert.Equal(
            one.Rejects().Select(r => (r.Key, r.Reason, r.Detail)).Order(),
            other.Rejects().Select(r => (r.Key, r.Reason, r.Detail)).Order());
    }

    /// <summary>Every final row of the dataset: key → dup_cluster.</summary>
    public async Task<SortedDictionary<string, string>> FinalClustersAsync()
    {
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var shard in Directory.EnumerateFiles(Run.ShardsDir, "part-*.parquet").Order(StringComparer.Ordinal))
        {
            await foreach (var row in ShardReader.ReadAsync(shard))
            {
                rows.Add(row.Key, row.DupCluster);
            }
        }

        return rows;
    }

    /// <summary>Every reject line the filter wrote, all tasks.</summary>
    public List<Runtime.RejectRecord> Rejects() => Enumerable.Range(0, Tasks)
        .Select(Run.ReducedRejectsPath)
        .Where(File.Exists)
        .SelectMany(File.ReadAllLines)
        .Select(line => System.Text.Json.JsonSerializer.Deserialize<Runtime.RejectRecord>(line, Json.MellaJson.Compact)!)
        .ToList();

    /// <summary>A staged row; its key, image hash and perceptual hash are made from <paramref name="id"/> unless given.</summary>
    public static PairRecord Row(int id, ulong phash, int side = 100, string lang = "ru", string text = "Храм на площади", string? sha = null) => new()
    {
        Key = id.ToString("x32", CultureInfo.InvariantCulture),
        Origin = $"test:{id}",
        Lang = lang,
        Script = "Cyrl",
        Source = PairSources.Native,
        Text = text,
        ImageBytes = [1, 2, 3, (byte)id],
        Url = $"http://127.0.0.1/{id}.png",
        PageUrl = "http://127.0.0.1/page",
        Width = side,
        Height = side,
        OrigWidth = side,
        OrigHeight = side,
        Sha256 = sha ?? (0xa0000000UL + (ulong)id).ToString("x16", CultureInfo.InvariantCulture) + new string('0', 48),
        Phash = PerceptualHash.ToHex(phash),
        DupCluster = "", // as load_images stages it: a staged row with a cluster id is one a transient retry staged again
    };

    public void Dispose() => _dir.Dispose();
}
