using MellaPipeline.Config;
using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Crawl.Sources;
using MellaPipeline.Imaging;
using MellaPipeline.LanguageId;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;

namespace MellaPipeline.Orchestration;

/// <summary>
/// The image-text pair pipeline as a pipeline file configures it: read inputs (the kinds in
/// <see cref="PairPipelineSteps.InputKinds"/>) → the candidate stages (normalize_text,
/// dedup_exact) → load_images → write_shards, then, once every task is done, dedup_near over all
/// tasks' rows (<see cref="Dedup.NearDuplicateReduce"/>). Tasks write to <c>staging/</c> and the
/// reduce writes <c>shards/</c>.
/// </summary>
public static class PairPipeline
{
    // Loading the language models takes seconds: once per process, shared by its tasks, and only when an input needs it.
    internal static readonly Lazy<LanguageIdentifier> Identifier = new(() => LanguageIdentifier.Create(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Decodes, hashes and stores every row's image as <c>load_images</c> says; its hash algorithm id goes into each shard and the manifest.</summary>
    public static ImageProcessor ProcessorFor(PipelineOptions options) => new(
        ImageHasher.DecoderFor(options.Stages.LoadImages.Decoder), StoredImageSettings.From(options.Stages.LoadImages));

    /// <summary>The perceptual-hash algorithm id the run's shards name: none when <c>load_images</c> reads no image.</summary>
    public static string PhashAlgorithmFor(PipelineOptions options) =>
        options.Stages.LoadImages.Enabled ? ProcessorFor(options).HashAlgorithm : ShardSchema.NoPhashAlgorithm;

    /// <summary>Runs one task: its slice of the input through every stage into its shards.</summary>
    /// <param name="keepKey">When set, only the input records whose key it accepts go on (asked in input order): a transient retry's samples.</param>
    public static async Task<TaskOutput> RunTaskAsync(PipelineOptions options, TaskContext task, CancellationToken cancellationToken, Func<string, bool>? keepKey = null)
    {
        var inputs = options.InputList().Select(input => (Input: input, Kind: PairPipelineSteps.KindOf(input))).ToList();
        var web = inputs.FirstOrDefault(i => i.Kind.FetchesPages).Input;
        var served = inputs.FirstOrDefault(i => i.Input.Crawl.ServeFolder.Length > 0).Input;
        await using var site = served is null ? null : new StaticSiteServer(served.Crawl.ServeFolder);
        using var client = web is null ? null : new PoliteHttpClient(HttpFetchOptions.From(web.Crawl, options.Stages.LoadImages.MaxBytes, site?.Endpoint, options.Stages.LoadImages.Concurrency));
        var resources = new MapTaskResources(options, client, () => Identifier.Value, ProcessorFor(options), task);

        var sources = inputs.Select(i => i.Kind.Open(i.Input, resources)).ToList();
        var source = sources.Count == 1 ? sources[0] : new ConcatenatedSource<PairCandidate>(sources);
        source = keepKey is null ? source : new Retry.KeyFilteredSource<PairCandidate>(source, keepKey);
        var candidates = PipelineFlow<PairCandidate>.From(source, task.Slice);
        foreach (var stage in PairPipelineSteps.CandidateStages)
        {
            candidates = stage.AppendTo(candidates, resources);
        }

        var rows = PairPipelineSteps.ImageStage.AppendTo(candidates, resources);
        foreach (var stage in PairPipelineSteps.RowStages)
        {
            rows = stage.AppendTo(rows, resources);
        }

        await using var shards = new ParquetShardWriter(
            new ShardedDataset(options.Name, options.Output, PhashAlgorithmFor(options)).WriterOptions(task.Run.StagingDir, task.Slice.Rank));
        await rows.RunAsync(shards, new FlowSettings(task.Rejects, task.Counters, options.ChannelCapacity), cancellationToken);
        return new TaskOutput(shards.Shards);
    }
}
