namespace MellaPipeline.Records;

/// <summary>The web host a pair comes from, as coverage counts it and <c>mella split --group-by domain</c> groups it.</summary>
public static class WebHosts
{
    /// <summary>The lower-case host of the page, or without a page of the image URL, with <c>www.</c> dropped; null when neither is an absolute URL.</summary>
    public static string? Of(string? pageUrl, string? imageUrl)
    {
        string? url = pageUrl ?? imageUrl;
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return null;
        }

        string host = uri.Host.ToLowerInvariant();
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }
}
