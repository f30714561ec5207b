using System.IO.Hashing;
using System.Text;
using MellaPipeline.Runs;
using MellaPipeline.Config;
using MellaPipeline.Json;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runtime;

namespace MellaPipeline.Datasets.Splits;

/// <summary>One side of a split as written.</summary>
public sealed record SplitPart(long Rows, int Shards, long Bytes);

/// <summary>
/// The check that reads the written split back: how many clusters, images, web hosts and pair
/// keys appear on both sides, and whether the rows add up to the input's per language and source.
/// Hosts across the split are reported always, but fail the check only when grouping by domain.
/// </summary>
public sealed record SplitCheck(long ClustersInBoth, long ImagesInBoth, long DomainsInBoth, long KeysInBoth, bool RowsAddUp, bool Passed);

/// <summary><c>DIR/split.json</c>, written last: the settings, what went where, and the leakage check.</summary>
public sealed record SplitSummary(
    long Seed,
    double EvalPerLanguage,
    int? MinPerSource,
    SplitGrouping GroupBy,
    long Rows,
    long Groups,
    long GroupsInEval,
    SplitPart Train,
    SplitPart Eval,
    IReadOnlyList<StratumSplit> Strata,
    SplitCheck Check,
    SftSummary? Sft)
{
    public const string FileName = "split.json";
}

/// <summary>
/// <c>mella split</c>: plans the eval side (<see cref="SplitPlanner"/>), then copies every row
/// into <c>DIR/train/</c> or <c>DIR/eval/</c> (same schema, size-bounded shards, a manifest each)
/// and, unless turned off, into the SFT conversations of <c>DIR/sft/</c>; then reads the written
/// shards back and proves no cluster (or host, when grouped by domain) crosses the split.
/// <c>split.json</c> is written last, so a split without it is incomplete.
/// </summary>
public static class DatasetSplitter
{
    public const string TrainFolder = "train";
    public const string EvalFolder = "eval";

    /// <summary>The entries a split writes into its folder: the only ones <c>--overwrite</c> removes.</summary>
    public static readonly string[] Outputs = [TrainFolder, EvalFolder, SftExport.FolderName, SplitSummary.FileName];

    public static async Task<SplitSummary> SplitAsync(
        string dataset, string outDir, SplitSettings settings, RunProgress? progress, CancellationToken cancellationToken)
    {
        var step = new SplitStep(outDir, (context, ct) => WriteAsync(dataset, outDir, settings, progress, ct));
        var result = await new StepRunner(new RunDirectory(outDir)).RunAsync(step, cancellationToken);
        return result.Figures;
    }

    /// <summary>The step's body: plans, copies every row to its side, checks the sides; the runner writes <c>split.json</c>.</summary>
    private static async Task<SplitSummary> WriteAsync(
        string dataset, string outDir, SplitSettings settings, RunProgress? progress, CancellationToken cancellationToken)
    {
        var shards = ShardReader.FindShards(dataset);
        if (shards.Count == 0)
        {
            throw new InvalidDataException("no .parquet shards found");
        }

        var (pipeline, phashAlgorithm) = await ShardReader.ReadCurrentMetadataAsync(shards[0], cancellationToken);

        var plan = await SplitPlanner.PlanAsync(shards, settings, cancellationToken);

        string trainDir = Path.Combine(outDir, TrainFolder), evalDir = Path.Combine(outDir, EvalFolder);
        Directory.CreateDirectory(trainDir);
        Directory.CreateDirectory(evalDir);
        var output = new OutputOptions();
        SplitPart train, eval;
        SftSummary? sft = null;
        await using (var trainShards = new ParquetShardWriter(new ShardWriterOptions(trainDir, 0, output, pipeline, phashAlgorithm, TrainFolder + "-")))
        await using (var evalShards = new ParquetShardWriter(new ShardWriterOptions(evalDir, 0, output, pipeline, phashAlgorithm, EvalFolder + "-")))
        using (var conversations = settings.Sft ? new SftExport(Path.Combine(outDir, SftExport.FolderName)) : null)
        {
            int row = 0;
            for (int s = 0; s < shards.Count; s++)
            {
                var counters = new PipelineCounters();
                var copied = counters.For("split");
                progress?.Started(s, counters);
                await foreach (var record in ShardReader.ReadAsync(shards[s], cancellationToken))
                {
                    copied.CountIn();
                    bool toEval = plan.InEval[row++];
                    await (toEval ? evalShards : trainShards).WriteAsync(record, cancellationToken);
                    conversations?.Write(record, toEval);
                    copied.CountOk();
                }

                progress?.Finished(s, ranNow: true);
            }

            await trainShards.CompleteAsync(cancellationToken);
            await evalShards.CompleteAsync(cancellationToken);
            train = WriteManifest(trainDir, pipeline, phashAlgorithm, trainShards.Shards);
            eval = WriteManifest(evalDir, pipeline, phashAlgorithm, evalShards.Shards);
            sft = conversations?.Commit();
        }

        var check = await CheckAsync(trainDir, evalDir, plan.Strata, settings.GroupBy, cancellationToken);
        return new SplitSummary(
            settings.Seed, settings.EvalPerLanguage, settings.MinPerSource, settings.GroupBy, plan.InEval.Length, plan.Groups, plan.GroupsInEval,
            train, eval, plan.Strata, check, sft);
    }

    private static SplitPart WriteManifest(string folder, string pipeline, string phashAlgorithm, IReadOnlyList<ShardInfo> shards)
    {
        var manifest = DatasetManifest.FromShards(pipeline, phashAlgorithm, shards);
        manifest.Write(Path.Combine(folder, DatasetManifest.FileName));
        return new SplitPart(manifest.Rows, shards.Count, manifest.Bytes);
    }

    /// <summary>Reads both sides back from disk (not from the plan) and counts what they share; the rows must add up to <paramref name="strata"/>.</summary>
    public static async Task<SplitCheck> CheckAsync(string trainDir, string evalDir, IReadOnlyList<StratumSplit> strata, SplitGrouping groupBy, CancellationToken cancellationToken)
    {
        var evalIds = new SideIds();
        var evalCounts = new Dictionary<(string, string), long>();
        foreach (var shard in ShardReader.FindShards(evalDir))
        {
            await foreach (var row in ShardReader.ReadSplitRowsAsync(shard, cancellationToken))
            {
                evalIds.Add(row);
                evalCounts[(row.Lang, row.Source)] = evalCounts.GetValueOrDefault((row.Lang, row.Source)) + 1;
            }
        }

        var both = new SideIds();
        var trainCounts = new Dictionary<(string, string), long>();
        foreach (var shard in ShardReader.FindShards(trainDir))
        {
            await foreach (var row in ShardReader.ReadSplitRowsAsync(shard, cancellationToken))
            {
                evalIds.CollectShared(row, both);
                trainCounts[(row.Lang, row.Source)] = trainCounts.GetValueOrDefault((row.Lang, row.Source)) + 1;
            }
        }

        bool rowsAddUp = evalCounts.Values.Sum() + trainCounts.Values.Sum() == strata.Sum(s => s.Rows)
            && strata.All(s => evalCounts.GetValueOrDefault((s.Lang, s.Source)) == s.Eval && trainCounts.GetValueOrDefault((s.Lang, s.Source)) == s.Train);
        bool passed = both.Clusters.Count == 0 && both.Images.Count == 0 && both.Keys.Count == 0 && rowsAddUp
            && (groupBy != SplitGrouping.Domain || both.Hosts.Count == 0);
        return new SplitCheck(both.Clusters.Count, both.Images.Count, both.Hosts.Count, both.Keys.Count, rowsAddUp, passed);
    }

    /// <summary>64-bit ids of one side's clusters, images, hosts and keys.</summary>
    private sealed class SideIds
    {
        public HashSet<ulong> Clusters { get; } = [];

        public HashSet<ulong> Images { get; } = [];

        public HashSet<ulong> Hosts { get; } = [];

        public HashSet<ulong> Keys { get; } = [];

        public void Add(SplitRow row)
        {
            Clusters.Add(HexIds.Id64(row.DupCluster));
            Images.Add(HexIds.Id64(row.Sha256));
            Keys.Add(HexIds.Id64(row.Key));
            if (HostId(row) is { } host)
            {
                Hosts.Add(host);
            }
        }

        /// <summary>Adds to <paramref name="shared"/> whatever of a row from the other side is also on this one.</summary>
        public void CollectShared(SplitRow row, SideIds shared)
        {
            Take(Clusters, HexIds.Id64(row.DupCluster), shared.Clusters);
            Take(Images, HexIds.Id64(row.Sha256), shared.Images);
            Take(Keys, HexIds.Id64(row.Key), shared.Keys);
            if (HostId(row) is { } host)
            {
                Take(Hosts, host, shared.Hosts);
            }

            static void Take(HashSet<ulong> mine, ulong id, HashSet<ulong> shared)
            {
                if (mine.Contains(id))
                {
                    shared.Add(id);
                }
            }
        }

        private static ulong? HostId(SplitRow row) =>
            WebHosts.Of(row.PageUrl, row.Url) is { } host ? XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(host)) : null;
    }
}
