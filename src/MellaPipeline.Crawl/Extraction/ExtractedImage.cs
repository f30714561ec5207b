namespace MellaPipeline.Crawl.Extraction;

/// <summary>One <c>&lt;img&gt;</c> of a page, as written: nothing is filtered or normalised here.</summary>
/// <param name="Index">Position among the page's <c>img</c> elements, in document order.</param>
/// <param name="SourceAttribute">The raw <c>src</c> (or, when it is missing, the lazy-load attribute) value.</param>
/// <param name="ImageUrl">The absolute URL chosen (src, lazy-load attributes, srcset, picture sources), or null.</param>
/// <param name="AltRaw">The <c>alt</c> attribute with entities decoded, or null when the attribute is absent.</param>
/// <param name="Title">The <c>title</c> attribute.</param>
/// <param name="Figcaption">Text of the enclosing <c>figure</c>'s <c>figcaption</c>.</param>
/// <param name="DeclaredWidth">The <c>width</c> attribute, when a number.</param>
/// <param name="DeclaredHeight">The <c>height</c> attribute, when a number.</param>
public sealed record ExtractedImage(
    int Index,
    string? SourceAttribute,
    string? ImageUrl,
    string? AltRaw,
    string? Title,
    string? Figcaption,
    int? DeclaredWidth,
    int? DeclaredHeight);

/// <summary>A parsed page: its declared language and its images.</summary>
public sealed record ExtractedPage(string PageUrl, string? HtmlLang, IReadOnlyList<ExtractedImage> Images)
{
    /// <summary>Contents of the page's <c>&lt;meta name="robots"&gt;</c> (and crawler-named) tags.</summary>
    public IReadOnlyList<string> MetaRobots { get; init; } = [];

    /// <summary>The header and meta robots directives together; set by <see cref="Pages.PageExtraction"/>.</summary>
    public Pages.RobotsDirectives Robots { get; init; } = Pages.RobotsDirectives.None;

    /// <summary>Absolute http(s) URLs of the page's <c>&lt;a href&gt;</c> links, without fragments, when asked for.</summary>
    public IReadOnlyList<string> Links { get; init; } = [];

    /// <summary>
    /// The start of the page's visible body text (at most <see cref="AltTextExtractor.BodyTextLimit"/>
    /// characters; scripts, styles and templates left out), whose language is a prior for alts too
    /// short to decide; empty when the page was not parsed here (WAT metadata).
    /// </summary>
    public string BodyText { get; init; } = string.Empty;
}
