using System.Globalization;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace MellaPipeline.Crawl.Extraction;

/// <summary>
/// Finds every <c>&lt;img&gt;</c> of a page with AngleSharp (an HTML5 parser, so broken markup is
/// read the way browsers read it) and resolves its URL against the page, honouring
/// <c>&lt;base href&gt;</c>: <c>src</c> first, unless it is missing or a data-URI placeholder; then
/// the lazy-load attributes sites use (<c>data-src</c>, <c>data-lazy-src</c>, <c>data-original</c>,
/// <c>data-srcset</c>); then the largest <c>srcset</c> candidate, of the image or of its
/// <c>&lt;picture&gt;</c>'s sources.
/// </summary>
public static class AltTextExtractor
{
    private static readonly string[] LazySourceAttributes = ["data-src", "data-lazy-src", "data-original", "data-lazy", "data-url"];

    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    /// <param name="html">The decoded page.</param>
    /// <param name="pageUrl">Where the page was fetched from (absolute), for resolving relative URLs.</param>
    /// <param name="contentLanguage">The HTTP Content-Language, used when the page declares no <c>lang</c>.</param>
    /// <param name="collectLinks">Also list the page's links (for a crawler that follows them).</param>
    public static ExtractedPage Extract(string html, Uri pageUrl, string? contentLanguage = null, bool collectLinks = false)
    {
        using var document = Parser.ParseDocument(html);
        var baseUrl = pageUrl;
        if (document.QuerySelector("base[href]")?.GetAttribute("href") is { } baseHref
            && Uri.TryCreate(pageUrl, baseHref.Trim(), out var resolvedBase))
        {
            baseUrl = resolvedBase;
        }

        string? htmlLang = document.DocumentElement?.GetAttribute("lang")?.Trim() is { Length: > 0 } lang
            ? lang
            : document.DocumentElement?.GetAttribute("xml:lang")?.Trim() is { Length: > 0 } xmlLang
                ? xmlLang
                : document.QuerySelector("meta[http-equiv='content-language' i]")?.GetAttribute("content")?.Trim() is { Length: > 0 } metaLang
                    ? metaLang
                    : contentLanguage;

        var images = new List<ExtractedImage>();
        int index = 0;
        foreach (var img in document.QuerySelectorAll("img"))
        {
            images.Add(Describe(img, index++, baseUrl));
        }

        var metaRobots = document.QuerySelectorAll("meta[name][content]")
            .Where(m => m.GetAttribute("name")!.Trim().ToLowerInvariant() is "robots" or "mellapipeline" or "ccbot")
            .Select(m => m.GetAttribute("content")!)
            .ToList();

        var links = new List<string>();
        if (collectLinks)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var anchor in document.QuerySelectorAll("a[href]"))
            {
                if (Uri.TryCreate(baseUrl, anchor.GetAttribute("href")!.Trim(), out var target) && target.Scheme is "http" or "https")
                {
                    var withoutFragment = new UriBuilder(target) { Fragment = string.Empty }.Uri.AbsoluteUri;
                    if (seen.Add(withoutFragment))
                    {
                        links.Add(withoutFragment);
                    }
                }
            }
        }

        return new ExtractedPage(pageUrl.AbsoluteUri, htmlLang, images) { MetaRobots = metaRobots, Links = links, BodyText = BodyText(document.Body) };
    }

    /// <summary>How much of a page's visible text is kept for identifying its language: enough for a sure answer, cheap to identify.</summary>
    public const int BodyTextLimit = 4096;

    /// <summary>The text nodes of <paramref name="body"/> in document order, outside elements that are never shown, up to <see cref="BodyTextLimit"/> characters.</summary>
    private static string BodyText(IElement? body)
    {
        var text = new System.Text.StringBuilder();
        var pending = new Stack<INode>();
        if (body is not null)
        {
            pending.Push(body);
        }

        while (pending.Count > 0 && text.Length < BodyTextLimit)
        {
            var node = pending.Pop();
            if (node is IText { Data: var data } && !string.IsNullOrWhiteSpace(data))
            {
                text.Append(data.AsSpan(0, Math.Min(data.Length, BodyTextLimit - text.Length))).Append(' ');
            }
            else if (node is IElement { LocalName: not ("script" or "style" or "noscript" or "template" or "svg") })
            {
                for (int i = node.ChildNodes.Length - 1; i >= 0; i--)
                {
                    pending.Push(node.ChildNodes[i]);
                }
            }
        }

        return text.ToString().TrimEnd();
    }

    private static ExtractedImage Describe(IElement img, int index, Uri baseUrl)
    {
        string? src = img.GetAttribute("src");
        string? lazy = LazySourceAttributes.Select(img.GetAttribute).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        string? sourceAttribute = string.IsNullOrWhiteSpace(src) ? lazy : src;

        string? chosen = null;
        if (!string.IsNullOrWhiteSpace(src) && !IsPlaceholder(src))
        {
            chosen = src;
        }
        else if (lazy is not null)
        {
            chosen = lazy;
        }
        else if (BestFromSrcset(img.GetAttribute("srcset") ?? img.GetAttribute("data-srcset")) is { } fromSrcset)
        {
            chosen = fromSrcset;
        }
        else if (img.ParentElement is IHtmlPictureElement picture)
        {
            chosen = picture.QuerySelectorAll("source")
                .Select(s => BestFromSrcset(s.GetAttribute("srcset") ?? s.GetAttribute("data-srcset")))
                .FirstOrDefault(s => s is not null);
        }

        chosen ??= string.IsNullOrWhiteSpace(src) ? null : src; // a data: URI is still reported, then filtered

        string? absolute = ResolveImageUrl(baseUrl, chosen);
        string? figcaption = img.Closest("figure")?.QuerySelector("figcaption")?.TextContent;
        return new ExtractedImage(
            index,
            sourceAttribute,
            absolute,
            img.GetAttribute("alt"),
            img.GetAttribute("title"),
            string.IsNullOrWhiteSpace(figcaption) ? null : figcaption,
            Dimension(img.GetAttribute("width")),
            Dimension(img.GetAttribute("height")));
    }

    /// <summary>An image reference made absolute against the page's base: http(s) URLs, or a data URI kept as written (to be filtered); null otherwise.</summary>
    public static string? ResolveImageUrl(Uri baseUrl, string? reference)
    {
        if (reference is null || !Uri.TryCreate(baseUrl, reference.Trim(), out var url) || url.Scheme is not ("http" or "https" or "data"))
        {
            return null;
        }

        return url.Scheme == "data" ? reference.Trim() : url.AbsoluteUri;
    }

    private static bool IsPlaceholder(string src) =>
        src.TrimStart().StartsWith("data:", StringComparison.OrdinalIgnoreCase) || src.Trim() == "#" || src.Trim() == "about:blank";

    /// <summary>The candidate with the largest width (<c>800w</c>) or density (<c>2x</c>) descriptor.</summary>
    public static string? BestFromSrcset(string? srcset)
    {
        if (string.IsNullOrWhiteSpace(srcset))
        {
            return null;
        }

        string? best = null;
        double bestSize = double.MinValue;
        foreach (var candidate in srcset.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = candidate.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            double size = 1;
            if (parts.Length > 1 && parts[1].Length > 1
                && double.TryParse(parts[1][..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                size = parts[1][^1] is 'w' or 'W' ? value : value * 1000; // density beats nothing, widths compare with widths
            }

            if (size > bestSize)
            {
                best = parts[0];
                bestSize = size;
            }
        }

        return best;
    }

    private static int? Dimension(string? value) =>
        int.TryParse(value?.Trim().TrimEnd('x', 'p'), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0 ? n : null;
}
