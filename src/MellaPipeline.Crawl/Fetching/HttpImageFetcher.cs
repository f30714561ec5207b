using MellaPipeline.Images;

namespace MellaPipeline.Crawl.Fetching;

/// <summary>Image downloads through the polite client: robots.txt, rate limits, the SSRF guard and the size cap apply.</summary>
public sealed class HttpImageFetcher(PoliteHttpClient client) : IImageFetcher
{
    public async ValueTask<ImageDownload> DownloadAsync(string url, CancellationToken cancellationToken)
    {
        var result = await client.FetchAsync(new Uri(url), FetchKind.Image, cancellationToken);
        return result.Response is { } response
            ? new ImageDownload(response.Body, null, null)
            : new ImageDownload(null, result.Reason, result.Detail, OptedOut: result.Reason == FetchReasons.NoAi);
    }
}
