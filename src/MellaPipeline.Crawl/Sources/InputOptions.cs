using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

/// <summary>Where the pipeline reads from.</summary>
public sealed class InputOptions : IValidatableObject
{
    /// <summary>
    /// Input format: <c>pairs</c> is JSONL of image-text pairs; <c>crawl</c> crawls the seed URLs
    /// listed in <see cref="Paths"/> for native alt text; <c>warc</c> reads WARC/ARC/WAT files;
    /// <c>urls</c> reads URL lists (LAION, WIT, COYO, img2dataset's, <c>mella extract</c> output) whose images are downloaded.
    /// </summary>
    public InputKind Kind { get; set; } = InputKind.Pairs;

    /// <summary>
    /// Files or folders, relative to the pipeline file. <c>pairs</c>: every <c>*.jsonl</c> inside;
    /// <c>crawl</c>: seed lists (<c>.txt</c> one URL a line, <c>.jsonl</c> with <c>url</c>, <c>.csv</c> or <c>.parquet</c> with a <c>url</c> column);
    /// <c>warc</c>: <c>.warc</c>, <c>.arc</c>, <c>.wat</c> files, gzipped or not; <c>urls</c>: URL lists (<c>.parquet</c>,
    /// <c>.csv</c>, <c>.tsv</c>, <c>.jsonl</c>, the text ones optionally <c>.gz</c>).
    /// </summary>
    [Required]
    [MinLength(1)]
    public List<string> Paths { get; set; } = [];

    /// <summary>How the crawler behaves (kind <c>crawl</c>; its limits also apply to image downloads).</summary>
    public CrawlOptions Crawl { get; set; } = new();

    /// <summary>Native alt-text rules (kinds <c>crawl</c>, <c>warc</c> and <c>urls</c>).</summary>
    public AltTextOptions AltText { get; set; } = new();

    /// <summary>Kind <c>urls</c>: the image URL column; by default <c>url</c>, else <c>URL</c>.</summary>
    public string? UrlColumn { get; set; }

    /// <summary>Kind <c>urls</c>: the caption column; by default <c>caption</c>, else <c>text</c>, else <c>TEXT</c>.</summary>
    public string? CaptionColumn { get; set; }

    /// <summary>Kind <c>urls</c>: the language column, a hint for ambiguous text like <c>&lt;html lang&gt;</c>, never the answer; by default <c>lang</c>, else <c>language</c>, else <c>LANGUAGE</c>, else none.</summary>
    public string? LangColumn { get; set; }

    /// <summary>Kind <c>urls</c>: the column naming the page the image was on; by default <c>page_url</c>, else none.</summary>
    public string? PageUrlColumn { get; set; }

    /// <summary>Kind <c>urls</c>: the column saying <c>native</c> or <c>mllm</c>; none by default (every row is <c>native</c>).</summary>
    public string? SourceColumn { get; set; }

    /// <summary>Kind <c>urls</c>: columns carried into each row's <c>source_meta</c> JSON (LAION's <c>similarity</c>, <c>punsafe</c>, …).</summary>
    [MaxLength(64)]
    public List<string> KeepColumns { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Kind != InputKind.Crawl && (Crawl.ServeFolder.Length > 0 || Crawl.ServeAs.Length > 0))
        {
            yield return new ValidationResult("serving a local site needs input kind 'crawl'", ["crawl.serve_folder"]);
        }

        if (Kind != InputKind.Urls)
        {
            var columnKeys = new (string Key, bool Set)[]
            {
                ("url_column", UrlColumn is not null), ("caption_column", CaptionColumn is not null), ("lang_column", LangColumn is not null),
                ("page_url_column", PageUrlColumn is not null), ("source_column", SourceColumn is not null), ("keep_columns", KeepColumns.Count > 0),
            };
            foreach (var (key, _) in columnKeys.Where(c => c.Set))
            {
                yield return new ValidationResult("applies to input kind 'urls' only", [key]);
            }
        }
    }
}

public enum InputKind
{
    Pairs,
    Crawl,
    Warc,
    Urls,
}
