using System.Net;
using MellaPipeline.Config;

namespace MellaPipeline.Crawl.Fetching;

/// <summary>
/// How <see cref="PoliteHttpClient"/> behaves towards the sites it visits: a pipeline's
/// <c>input.crawl</c> settings (<see cref="CrawlOptions"/>, made into this once by <see cref="From"/>)
/// plus what only the run knows (the image size limit, a folder served for the run). Its defaults
/// are <see cref="CrawlOptions"/>' own, so a client built in code behaves as a pipeline file that
/// says nothing.
/// </summary>
public sealed record HttpFetchOptions
{
    private static readonly CrawlOptions Defaults = new();
    private static readonly LoadImagesOptions ImageDefaults = new();

    public const string DefaultUserAgent = "MellaPipeline/1.0 (research dataset crawler; honours robots.txt, X-Robots-Tag noai/noimageai)";

    /// <summary>Sent with every request; its first word (before <c>/</c>) is the product token robots.txt groups and scoped robots directives name.</summary>
    public string UserAgent { get; init; } = DefaultUserAgent;

    public string ProductToken => UserAgent.Split('/', ' ')[0].Trim().ToLowerInvariant();

    public int MaxRedirects { get; init; } = Defaults.MaxRedirects;

    /// <summary>One request, from sending to the last body byte.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(Defaults.AttemptTimeoutSeconds);

    /// <summary>One URL, all attempts and waits included.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(Defaults.TotalTimeoutSeconds);

    /// <summary>Retries after a transient failure (connection error, timeout, 408, 429, 5xx).</summary>
    public int MaxRetries { get; init; } = Defaults.MaxRetries;

    /// <summary>First backoff delay; it doubles with each retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(Defaults.RetryBaseDelaySeconds);

    /// <summary>A server asking (<c>Retry-After</c>) for a longer wait than this is not retried: the URL is reported instead.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(Defaults.MaxRetryAfterSeconds);

    /// <summary>Requests per second to one host (a token bucket); a robots.txt <c>Crawl-delay</c> can only slow it down; <see cref="double.PositiveInfinity"/> spaces them not at all.</summary>
    public double PerHostRequestsPerSecond { get; init; } = Defaults.RequestsPerSecondPerHost;

    /// <summary>Requests in flight to one host at a time.</summary>
    public int PerHostConcurrency { get; init; } = Defaults.ConcurrencyPerHost;

    /// <summary>
    /// Image downloads in flight at once, all hosts together (<c>load_images.concurrency</c>). A
    /// download takes its place only once its host's own limit lets it go, so requests waiting for
    /// a busy host never keep other hosts waiting. Pages and robots.txt are not counted: the
    /// crawler bounds its page fetches itself.
    /// </summary>
    public int ImageConcurrency { get; init; } = ImageDefaults.Concurrency;

    /// <summary>How long a host name's addresses are used before it is resolved again (<see cref="DnsCache"/>).</summary>
    public TimeSpan DnsTtl { get; init; } = DnsCache.DefaultTtl;

    /// <summary>Slowest average body throughput accepted after the body's first second (<c>too_slow</c>, retried like a timeout); 0 turns the rule off.</summary>
    public long MinBytesPerSecond { get; init; } = Defaults.MinBytesPerSecond;

    public long MaxPageBytes { get; init; } = Defaults.MaxPageBytes;

    public long MaxImageBytes { get; init; } = ImageDefaults.MaxBytes;

    public bool RespectRobotsTxt { get; init; } = Defaults.RespectRobotsTxt;

    /// <summary>Non-public addresses the crawler may still connect to (e.g. <c>127.0.0.1</c> for a local test site). Empty by default.</summary>
    public IReadOnlyList<IPAddress> AllowedAddresses { get; init; } = [];

    /// <summary>Fixed answers for name resolution, <c>host:port</c> → endpoint (like curl's <c>--resolve</c>); still subject to the address guard.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> HostOverrides { get; init; } = new Dictionary<string, IPEndPoint>();

    /// <summary>The client's options for a pipeline's crawl settings; <paramref name="servedSite"/> is a folder served on loopback for the run (<c>serve_folder</c>), <paramref name="imageConcurrency"/> the run's <c>load_images.concurrency</c>.</summary>
    public static HttpFetchOptions From(CrawlOptions crawl, long maxImageBytes, IPEndPoint? servedSite = null, int? imageConcurrency = null) => new()
    {
        ImageConcurrency = imageConcurrency ?? ImageDefaults.Concurrency,
        UserAgent = crawl.UserAgent.Length > 0 ? crawl.UserAgent : DefaultUserAgent,
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
}

/// <summary>Reason codes of <see cref="PoliteHttpClient"/>: names for entries of the registry, <see cref="Stages.ReasonCodes"/>.</summary>
public static class FetchReasons
{
    public const string RobotsDisallowed = Stages.ReasonCodes.RobotsDisallowed;
    public const string RobotsUnavailable = Stages.ReasonCodes.RobotsUnavailable;
    public const string AddressBlocked = Stages.ReasonCodes.AddressBlocked;
    public const string DnsFailed = Stages.ReasonCodes.DnsFailed;
    public const string ConnectFailed = Stages.ReasonCodes.ConnectFailed;
    public const string HttpError = Stages.ReasonCodes.HttpError;
    public const string Timeout = Stages.ReasonCodes.Timeout;
    public const string RedirectLimit = Stages.ReasonCodes.RedirectLimit;
    public const string RedirectLoop = Stages.ReasonCodes.RedirectLoop;
    public const string RedirectInvalid = Stages.ReasonCodes.RedirectInvalid;
    public const string SchemeUnsupported = Stages.ReasonCodes.SchemeUnsupported;
    public const string ContentTypeUnexpected = Stages.ReasonCodes.ContentTypeUnexpected;
    public const string TooLarge = Stages.ReasonCodes.TooLarge;
    public const string TooSlow = Stages.ReasonCodes.TooSlow;

    /// <summary>An image whose own <c>X-Robots-Tag</c> says <c>noai</c> or <c>noimageai</c> (reported as <c>image_noai</c>).</summary>
    public const string NoAi = Stages.ReasonCodes.NoAi;

    /// <summary><c>http_404</c>, <c>http_503</c>…: the final status when it is not a success.</summary>
    public static string ForStatus(int status) => Stages.ReasonCodes.Http(status);
}
