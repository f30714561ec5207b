using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

/// <summary>Where the pipeline reads from.</summary>
public sealed class InputOptions : IValidatableObject
{
    /// <summary>
    /// Input format: <c>pairs</c> is JSONL of image-text pairs; <c>crawl</c> crawls the seed URLs
    /// listed in <see cref="Paths"/> for native alt text; <c>warc</c> reads WARC/ARC/WAT files.
    /// </summary>
    public InputKind Kind { get; set; } = InputKind.Pairs;

    /// <summary>
    /// Files or folders, relative to the pipeline file. <c>pairs</c>: every <c>*.jsonl</c> inside;
    /// <c>crawl</c>: seed lists (<c>.txt</c> one URL a line, <c>.jsonl</c> with <c>url</c>, <c>.csv</c> or <c>.parquet</c> with a <c>url</c> column);
    /// <c>warc</c>: <c>.warc</c>, <c>.arc</c>, <c>.wat</c> files, gzipped or not.
    /// </summary>
    [Required]
    [MinLength(1)]
    public List<string> Paths { get; set; } = [];

    /// <summary>How the crawler behaves (kind <c>crawl</c>; its limits also apply to image downloads).</summary>
    public CrawlOptions Crawl { get; set; } = new();

    /// <summary>Native alt-text rules (kinds <c>crawl</c> and <c>warc</c>).</summary>
    public AltTextOptions AltText { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Kind != InputKind.Crawl && (Crawl.ServeFolder.Length > 0 || Crawl.ServeAs.Length > 0))
        {
            yield return new ValidationResult("serving a local site needs input kind 'crawl'", ["crawl.serve_folder"]);
        }
    }
}

public enum InputKind
{
    Pairs,
    Crawl,
    Warc,
}
