using MellaPipeline.Config;
using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Imaging;
using MellaPipeline.LanguageId;
using MellaPipeline.Runs;

namespace MellaPipeline.Orchestration;

/// <summary>
/// What one map task opens once and lends to its input kinds and stages: the pipeline's options,
/// the HTTP client when an input fetches pages (null otherwise), the language identifier (loaded on
/// first use), the image processor and the task itself (its run directory and slice).
/// </summary>
public sealed class MapTaskResources(PipelineOptions options, PoliteHttpClient? client, Func<LanguageIdentifier> identifier, ImageProcessor processor, TaskContext task)
{
    public TaskContext Task { get; } = task;

    public PipelineOptions Options { get; } = options;

    public PoliteHttpClient? Client { get; } = client;

    public LanguageIdentifier Identifier => identifier();

    public ImageProcessor Processor { get; } = processor;

    /// <summary>The pipeline's target languages.</summary>
    public IReadOnlySet<string> Languages { get; } = options.Languages.ToHashSet(StringComparer.Ordinal);
}
