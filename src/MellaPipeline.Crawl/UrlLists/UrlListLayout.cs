using MellaPipeline.Config;

namespace MellaPipeline.Crawl.UrlLists;

/// <summary>
/// Which column of a URL list plays which part, worked out once per file from its column names and
/// the input's <c>*_column</c> settings: the image URL and its caption (required), the language
/// hint, the page, the source and the columns kept in <c>source_meta</c> (optional). A
/// <c>mella extract</c> table is recognised by its own columns (<c>image_url</c>, <c>alt_text</c>,
/// <c>status</c>): its URL, alt text, page and <c>html_lang</c> play those parts, and only its
/// <c>kept</c> rows become candidates.
/// </summary>
public sealed record UrlListLayout(
    string Url,
    string Caption,
    string? Lang,
    string? PageUrl,
    string? Source,
    IReadOnlyList<string> Keep,
    string? ExtractStatus,
    string? AltRaw)
{
    public static readonly IReadOnlyList<string> UrlNames = ["url", "URL"];
    public static readonly IReadOnlyList<string> CaptionNames = ["caption", "text", "TEXT"];
    public static readonly IReadOnlyList<string> LangNames = ["lang", "language", "LANGUAGE"];
    public static readonly IReadOnlyList<string> PageUrlNames = ["page_url"];

    /// <summary>The columns of a <c>mella extract --out x.parquet</c> table (SPEC §2) that identify one.</summary>
    public static readonly IReadOnlyList<string> ExtractColumns = ["image_url", "alt_text", "status"];

    /// <summary>Every column a reader must read for this layout (each once, in this order).</summary>
    public IReadOnlyList<string> Columns { get; } =
        new[] { Url, Caption, Lang, PageUrl, Source, ExtractStatus, AltRaw }.OfType<string>().Concat(Keep).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The layout of a file with these <paramref name="columns"/>, or the one-line reason there is
    /// none (a column the settings name, or a required one, is missing).
    /// </summary>
    public static (UrlListLayout? Layout, string? Problem) Resolve(InputOptions input, IReadOnlyCollection<string> columns)
    {
        var has = columns.ToHashSet(StringComparer.Ordinal);
        string? Named(string? setting, string key, out string? problem)
        {
            problem = setting is not null && !has.Contains(setting) ? $"no column '{setting}' ({key}); columns: {List(columns)}" : null;
            return setting;
        }

        string? First(IReadOnlyList<string> names) => names.FirstOrDefault(has.Contains);

        var explicitColumns = new[] { input.UrlColumn, input.CaptionColumn, input.LangColumn, input.PageUrlColumn };
        if (explicitColumns.All(c => c is null) && ExtractColumns.All(has.Contains))
        {
            return (new UrlListLayout(
                "image_url", "alt_text", has.Contains("html_lang") ? "html_lang" : null, has.Contains("page_url") ? "page_url" : null,
                Named(input.SourceColumn, "source_column", out string? sourceProblem), input.KeepColumns, "status", has.Contains("alt_raw") ? "alt_raw" : null),
                sourceProblem ?? MissingKept(input, has, columns)) is var (layout, extractProblem) && extractProblem is null ? (layout, null) : (null, extractProblem);
        }

        string? url = Named(input.UrlColumn, "url_column", out string? p1) ?? First(UrlNames);
        string? caption = Named(input.CaptionColumn, "caption_column", out string? p2) ?? First(CaptionNames);
        string? lang = Named(input.LangColumn, "lang_column", out string? p3) ?? First(LangNames);
        string? page = Named(input.PageUrlColumn, "page_url_column", out string? p4) ?? First(PageUrlNames);
        string? source = Named(input.SourceColumn, "source_column", out string? p5);
        string? problem = p1 ?? p2 ?? p3 ?? p4 ?? p5
            ?? (url is null ? $"no image URL column: none of {Quoted(UrlNames)} (set url_column); columns: {List(columns)}" : null)
            ?? (caption is null ? $"no caption column: none of {Quoted(CaptionNames)} (set caption_column); columns: {List(columns)}" : null)
            ?? MissingKept(input, has, columns);
        return problem is null ? (new UrlListLayout(url!, caption!, lang, page, source, input.KeepColumns, null, null), null) : (null, problem);
    }

    private static string? MissingKept(InputOptions input, HashSet<string> has, IReadOnlyCollection<string> columns) =>
        input.KeepColumns.FirstOrDefault(c => !has.Contains(c)) is { } missing ? $"no column '{missing}' (keep_columns); columns: {List(columns)}" : null;

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static string List(IReadOnlyCollection<string> columns) =>
        columns.Count == 0 ? "(none)" : string.Join(", ", columns.Take(24)) + (columns.Count > 24 ? $", … ({columns.Count} in all)" : "");
}
