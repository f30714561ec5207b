using System.Net;
using MellaPipeline.Config;
using MellaPipeline.Crawl.Fetching;

namespace MellaPipeline.Crawl.Sources;

/// <summary>Turns a pipeline file's crawl settings into the crawler's options.</summary>
public static class CrawlSettings
{
    public static HttpFetchOptions ToFetchOptions(Config.CrawlOptions crawl, long maxImageBytes, IPEndPoint? servedSite = null) => new()
    {
        UserAgent = crawl.UserAgent.Length > 0 ? crawl.UserAgent : HttpFetchOptions.DefaultUserAgent,
        MaxRedirects = crawl.MaxRedirects,
        AttemptTimeout = TimeSpan.FromSeconds(crawl.AttemptTimeoutSeconds),
        TotalTimeout = TimeSpan.FromSeconds(crawl.TotalTimeoutSeconds),
        MaxRetries = crawl.MaxRetries,
        RetryBaseDelay = TimeSpan.FromSeconds(crawl.RetryBaseDelaySeconds),
        MaxRetryAfter = TimeSpan.FromSeconds(crawl.MaxRetryAfterSeconds),
        PerHostRequestsPerSecond = crawl.RequestsPerSecondPerHost,
        PerHostConcurrency = crawl.ConcurrencyPerHost,
        MaxPageBytes = crawl.MaxPageBytes,
        MinBytesPerSecond = crawl.MinBytesPerSecond,
        MaxImageBytes = maxImageBytes,
        RespectRobotsTxt = crawl.RespectRobotsTxt,
        AllowedAddresses = [.. crawl.AllowAddresses.Select(IPAddress.Parse), .. servedSite is null ? [] : new[] { servedSite.Address }],
        HostOverrides = servedSite is null
            ? new Dictionary<string, IPEndPoint>()
            : new Dictionary<string, IPEndPoint> { [$"{crawl.ServeAs}:80"] = servedSite },
    };

    public static Crawling.CrawlOptions ToCrawlOptions(Config.CrawlOptions crawl) => new()
    {
        MaxDepth = crawl.MaxDepth,
        MaxPagesPerSite = crawl.MaxPagesPerSite,
        Concurrency = crawl.Concurrency,
    };
}
