using System.Text.Json;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Pages;

namespace MellaPipeline.Crawl.Archives;

/// <summary>
/// What an archive holds for alt-text extraction: an HTML page (from a WARC/ARC response record),
/// a page already parsed by Common Crawl (a WAT metadata record with its <c>IMG@/src</c> links and
/// their <c>alt</c>), or a problem. Records of other kinds (requests, non-HTML responses, error
/// statuses, warcinfo) are counted as skipped.
/// </summary>
public readonly record struct ArchiveItem(FetchedPage? Html, ExtractedPage? Parsed, ArchiveProblem? Problem);

/// <summary>Tallies of one archive read.</summary>
public sealed class ArchiveCounts
{
    public int Records { get; set; }
    public int Pages { get; set; }
    public int Skipped { get; set; }
    public int Problems { get; set; }
}

public static class ArchivePages
{
    /// <summary>Whether a file name looks like a WARC, WAT or ARC file (compressed or not).</summary>
    public static bool IsArchiveName(string name)
    {
        string lower = name.ToLowerInvariant();
        if (lower.EndsWith(".gz", StringComparison.Ordinal))
        {
            lower = lower[..^3];
        }

        return lower.EndsWith(".warc", StringComparison.Ordinal) || lower.EndsWith(".wat", StringComparison.Ordinal)
            || lower.EndsWith(".arc", StringComparison.Ordinal) || lower.EndsWith(".warc.wat", StringComparison.Ordinal);
    }

    public static IEnumerable<ArchiveItem> Read(string path, ArchiveCounts counts, ArchiveReaderOptions? options = null, string productToken = PageExtraction.DefaultProductToken) =>
        Read(File.OpenRead(path), counts, options ?? new ArchiveReaderOptions(), productToken);

    public static IEnumerable<ArchiveItem> Read(Stream stream, ArchiveCounts counts, ArchiveReaderOptions options, string productToken = PageExtraction.DefaultProductToken)
    {
        foreach (var entry in ArchiveReader.Read(stream, options))
        {
            if (entry.Problem is { } problem)
            {
                counts.Problems++;
                yield return new ArchiveItem(null, null, problem);
                continue;
            }

            var record = entry.Record!;
            counts.Records++;
            ArchiveItem? item = record.Type switch
            {
                "response" => FromResponse(record, options),
                "metadata" or "resource" when ContentTypes.MediaType(record.ContentType) == "application/json" => FromWat(record, productToken),
                _ => null,
            };

            if (item is { } found)
            {
                if (found.Problem is not null)
                {
                    counts.Problems++;
                }
                else
                {
                    counts.Pages++;
                }

                yield return found;
            }
            else
            {
                counts.Skipped++;
            }
        }
    }

    private static ArchiveItem? FromResponse(ArchiveRecord record, ArchiveReaderOptions options)
    {
        if (record.TargetUri is null || !Uri.TryCreate(record.TargetUri, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return null;
        }

        var response = ArchivedHttpResponse.Parse(record.Block, options.MaxRecordBytes, out var reason, out var detail);
        if (response is null)
        {
            return new ArchiveItem(null, null, new ArchiveProblem(record.Offset, reason!, detail!, record.TargetUri));
        }

        if (response.Status is < 200 or > 299 || !ContentTypes.IsHtml(response.Header("Content-Type"), response.Body))
        {
            return null;
        }

        return new ArchiveItem(
            new FetchedPage(url.AbsoluteUri, response.Status, response.Header("Content-Type"), response.Header("Content-Language"), response.Header("X-Robots-Tag"), response.Body),
            null, null);
    }

    /// <summary>
    /// A WAT record (Common Crawl's JSON metadata of a response): <c>Envelope.Payload-Metadata.
    /// HTTP-Response-Metadata</c> holds the headers and <c>HTML-Metadata</c> with <c>Head.Metas</c>
    /// (including <c>HTML@/lang</c>), <c>Head.Base</c> and <c>Links</c>.
    /// </summary>
    private static ArchiveItem? FromWat(ArchiveRecord record, string productToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(record.Block);
        }
        catch (JsonException e)
        {
            return new ArchiveItem(null, null, new ArchiveProblem(record.Offset, ArchiveReasons.WatJsonInvalid, e.Message, record.TargetUri));
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("Envelope", out var envelope) || envelope.ValueKind != JsonValueKind.Object)
            {
                return new ArchiveItem(null, null, new ArchiveProblem(record.Offset, ArchiveReasons.WatJsonInvalid, "no Envelope object", record.TargetUri));
            }

            var warcHeader = Path(envelope, "WARC-Header-Metadata");
            if (String(warcHeader, "WARC-Type") != "response")
            {
                return null;
            }

            string? target = String(warcHeader, "WARC-Target-URI") ?? record.TargetUri;
            var http = Path(envelope, "Payload-Metadata", "HTTP-Response-Metadata");
            var html = Path(http, "HTML-Metadata");
            if (target is null || !Uri.TryCreate(target, UriKind.Absolute, out var pageUrl) || html is null)
            {
                return null;
            }

            if (int.TryParse(String(Path(http, "Response-Message"), "Status"), out int status) && status is < 200 or > 299)
            {
                return null;
            }

            var headers = Path(http, "Headers");
            var head = Path(html, "Head");
            var baseUrl = String(head, "Base") is { } baseHref && Uri.TryCreate(pageUrl, baseHref, out var resolvedBase) ? resolvedBase : pageUrl;

            string? htmlLang = null;
            var metaRobots = new List<string>();
            if (head is { } headElement && headElement.TryGetProperty("Metas", out var metas) && metas.ValueKind == JsonValueKind.Array)
            {
                foreach (var meta in metas.EnumerateArray())
                {
                    string? name = String(meta, "name")?.Trim().ToLowerInvariant();
                    string? content = String(meta, "content");
                    if (name == "html@/lang")
                    {
                        htmlLang ??= content?.Trim();
                    }
                    else if (name is "robots" or PageExtraction.DefaultProductToken or "ccbot" && content is not null)
                    {
                        metaRobots.Add(content);
                    }
                }
            }

            htmlLang ??= String(headers, "Content-Language");
            var images = new List<ExtractedImage>();
            if (html.Value.TryGetProperty("Links", out var links) && links.ValueKind == JsonValueKind.Array)
            {
                foreach (var link in links.EnumerateArray())
                {
                    if (!string.Equals(String(link, "path"), "IMG@/src", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    string? source = String(link, "url");
                    images.Add(new ExtractedImage(images.Count, source, AltTextExtractor.ResolveImageUrl(baseUrl, source), String(link, "alt"), String(link, "title"), null, null, null));
                }
            }

            var page = new ExtractedPage(pageUrl.AbsoluteUri, htmlLang, images) { MetaRobots = metaRobots };
            return new ArchiveItem(null, page with { Robots = RobotsDirectives.Parse([String(headers, "X-Robots-Tag"), .. metaRobots], productToken) }, null);
        }
    }

    private static JsonElement? Path(JsonElement? element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element is not { ValueKind: JsonValueKind.Object } current || !current.TryGetProperty(name, out var next))
            {
                return null;
            }

            element = next;
        }

        return element;
    }

    private static string? String(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } current && current.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
