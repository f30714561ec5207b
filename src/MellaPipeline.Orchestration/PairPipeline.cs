using MellaPipeline.Config;
using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Crawl.Sources;
using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.Input;
using MellaPipeline.LanguageId;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration;

/// <summary>
/// The image-text pair pipeline as a pipeline file configures it:
/// read inputs (pairs files, a crawl, web archives) → normalize_text → dedup_exact → load_images → write_shards,
/// then, once every task is done, dedup_near over all tasks' rows (<see cref="Dedup.NearDuplicateReduce"/>).
/// Tasks write to <c>staging/</c> and the reduce writes <c>shards/</c>.
/// </summary>
public static class PairPipeline
{
    // Loading the language models takes seconds: once per process, shared by its tasks, and only when an input needs it.
    internal static readonly Lazy<LanguageIdentifier> Identifier = new(() => LanguageIdentifier.Create(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Decodes, hashes and stores every row's image as <c>load_images</c> says; its hash algorithm id goes into each shard and the manifest.</summary>
    public static ImageProcessor ProcessorFor(PipelineOptions options) => new(
        ImageHasher.DecoderFor(options.Stages.LoadImages.Decoder), StoredImageSettings.From(options.Stages.LoadImages));

    /// <summary>Runs one task: its slice of the input through every stage into its shards.</summary>
    public static async Task<TaskOutput> RunTaskAsync(PipelineOptions options, TaskContext task, CancellationToken cancellationToken)
    {
        var inputs = options.InputList();
        var web = inputs.FirstOrDefault(i => i.Kind is InputKind.Crawl or InputKind.Warc);
        var served = inputs.FirstOrDefault(i => i.Crawl.ServeFolder.Length > 0);
        await using var site = served is null ? null : new StaticSiteServer(served.Crawl.ServeFolder);
        using var client = web is null ? null : new PoliteHttpClient(CrawlSettings.ToFetchOptions(web.Crawl, options.Stages.LoadImages.MaxBytes, site?.Endpoint));

        var languages = options.Languages.ToHashSet(StringComparer.Ordinal);
        var sources = inputs.Select(input => input.Kind == InputKind.Pairs
            ? (IRecordSource<PairCandidate>)new PairsJsonlSource(LineRangeReader.ExpandInputs(input.Paths))
            : new NativeAltSource(input, languages, Identifier.Value, client)).ToList();
        var source = sources.Count == 1 ? sources[0] : new ConcatenatedSource<PairCandidate>(sources);

        var text = PipelineFlow<PairCandidate>.From(source, task.Slice)
            .Then(new NormalizeTextStage(options.Stages.NormalizeText, options.Languages));
        if (options.Stages.DedupExact.Enabled)
        {
            text = text.Then(new ExactDedupStage<PairCandidate>());
        }

        var fetcher = client is null ? null : new HttpImageFetcher(client);
        var processor = ProcessorFor(options);
        var rows = text.Then(new LoadImageStage(options.Stages.LoadImages, fetcher, processor), options.Stages.LoadImages.Concurrency);

        await using var shards = new ParquetShardWriter(new ShardWriterOptions(task.Run.StagingDir, task.Slice.Rank, options.Output, options.Name, processor.HashAlgorithm));
        await rows.RunAsync(shards, new FlowSettings(task.Rejects, task.Counters, options.ChannelCapacity), cancellationToken);
        return new TaskOutput(shards.Shards);
    }
}
