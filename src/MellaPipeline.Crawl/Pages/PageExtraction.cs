using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Html;

namespace MellaPipeline.Crawl.Pages;

/// <summary>From served bytes to an extracted page: charset decoding, AngleSharp extraction, robots directives.</summary>
public static class PageExtraction
{
    /// <summary>The product token scoped robots directives must name to apply to us.</summary>
    public const string DefaultProductToken = "mellapipeline";

    public static ExtractedPage Extract(FetchedPage page, string productToken = DefaultProductToken, bool collectLinks = false)
    {
        var decoded = HtmlDecoder.Decode(page.Body, page.Charset);
        var extracted = AltTextExtractor.Extract(decoded.Text, new Uri(page.Url), page.ContentLanguage, collectLinks);
        var robots = RobotsDirectives.Parse([page.RobotsHeader, .. extracted.MetaRobots], productToken);
        return extracted with { Robots = robots };
    }
}
