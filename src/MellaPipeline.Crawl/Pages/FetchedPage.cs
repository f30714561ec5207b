namespace MellaPipeline.Crawl.Pages;

/// <summary>
/// A page's bytes as they were served, whether fetched now by the crawler or stored in an archive,
/// with the response headers extraction needs.
/// </summary>
/// <param name="Url">The final URL (after redirects).</param>
/// <param name="RobotsHeader">The <c>X-Robots-Tag</c> header(s), joined with commas.</param>
public sealed record FetchedPage(
    string Url,
    int Status,
    string? ContentType,
    string? ContentLanguage,
    string? RobotsHeader,
    byte[] Body)
{
    /// <summary>The <c>charset</c> parameter of the Content-Type, or null.</summary>
    public string? Charset => ContentTypes.Charset(ContentType);
}

/// <summary>Content-Type helpers.</summary>
public static class ContentTypes
{
    public static string? MediaType(string? contentType) =>
        contentType?.Split(';', 2)[0].Trim().ToLowerInvariant() is { Length: > 0 } media ? media : null;

    public static string? Charset(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        foreach (var parameter in contentType.Split(';').Skip(1))
        {
            var pair = parameter.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && pair[0].Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                return pair[1].Trim('"', '\'');
            }
        }

        return null;
    }

    /// <summary>HTML by declaration, or, with no declaration, by the first bytes.</summary>
    public static bool IsHtml(string? contentType, ReadOnlySpan<byte> body)
    {
        var media = MediaType(contentType);
        if (media is "text/html" or "application/xhtml+xml")
        {
            return true;
        }

        if (media is not null && media is not ("application/octet-stream" or "text/plain" or "unk" or "unknown"))
        {
            return false;
        }

        var head = System.Text.Encoding.Latin1.GetString(body[..Math.Min(body.Length, 512)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            || (head.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && head.Contains("<html", StringComparison.OrdinalIgnoreCase));
    }
}
