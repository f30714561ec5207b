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

namespace MellaPipeline.Cli.Pipelines;

/// <summary>
/// The image-text pair pipeline as a pipeline file configures it:
/// read inputs (pairs files, a crawl, web archives) → normalize_text → dedup_exact → load_images → write_shards.
/// </summary>
public static class PairPipeline
{
    // Loading the language models takes seconds: once per process, shared by its tasks, and only when an input needs it.
    private static readonly Lazy<LanguageIdentifier> Identifier = new(() => LanguageIdentifier.Create(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The perceptual hash every row gets; its algorithm id is written into each shard and the manifest.</summary>
    public static readonly IPerceptualHasher Hasher = new SkiaPerceptualHasher();

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
        var rows = text.Then(new LoadImageStage(options.Stages.LoadImages, fetcher, Hasher), options.Stages.LoadImages.Concurrency);

        await using var shards = new ParquetShardWriter(new ShardWriterOptions(task.Run.ShardsDir, task.Slice.Rank, options.Output, options.Name, Hasher.Algorithm));
        await rows.RunAsync(shards, new FlowSettings(task.Rejects, task.Counters, options.ChannelCapacity), cancellationToken);
        return new TaskOutput(shards.Shards);
    }
}
