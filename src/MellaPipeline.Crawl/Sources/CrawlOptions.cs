using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

/// <summary>The polite crawler's settings.</summary>
public sealed class CrawlOptions : IValidatableObject
{
    /// <summary>User-Agent header; its first word is the product token robots.txt rules name. Empty: the built-in MellaPipeline agent.</summary>
    public string UserAgent { get; set; } = string.Empty;

    /// <summary>0: the seeds only; 1: also the same-site pages they link to; and so on.</summary>
    [Range(0, 50)]
    public int MaxDepth { get; set; } = 1;

    /// <summary>Pages fetched per seed site, the seed included.</summary>
    [Range(1, 10_000_000)]
    public int MaxPagesPerSite { get; set; } = 1000;

    /// <summary>Pages fetched at once within one task.</summary>
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Requests per second to one host (token bucket); robots.txt Crawl-delay can lower it.</summary>
    [Range(0.001, 10_000.0)]
    public double RequestsPerSecondPerHost { get; set; } = 1;

    /// <summary>Requests in flight to one host.</summary>
    [Range(1, 64)]
    public int ConcurrencyPerHost { get; set; } = 2;

    [Range(0.05, 3600.0)]
    public double AttemptTimeoutSeconds { get; set; } = 20;

    /// <summary>All attempts for one URL together.</summary>
    [Range(0.05, 86_400.0)]
    public double TotalTimeoutSeconds { get; set; } = 90;

    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; doubles with each retry, with jitter.</summary>
    [Range(0.0, 600.0)]
    public double RetryBaseDelaySeconds { get; set; } = 1;

    /// <summary>A longer Retry-After is not waited for: the URL is reported with its status instead.</summary>
    [Range(0.0, 86_400.0)]
    public double MaxRetryAfterSeconds { get; set; } = 60;

    [Range(0, 30)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Largest page accepted, after decompression.</summary>
    [ByteSize]
    [Range(1L << 10, 1L << 30)]
    public long MaxPageBytes { get; set; } = 5L << 20;

    /// <summary>Slowest average body throughput of a page or image, from the request's start, enforced after the body's first second; 0 turns it off.</summary>
    [ByteSize]
    [Range(0L, 1L << 30)]
    public long MinBytesPerSecond { get; set; } = 20L << 10;

    public bool RespectRobotsTxt { get; set; } = true;

    /// <summary>Non-public IP addresses the crawler may connect to anyway (e.g. <c>127.0.0.1</c> for a local site). Empty by default: loopback, private, link-local and multicast networks are refused.</summary>
    public List<string> AllowAddresses { get; set; } = [];

    /// <summary>A folder to serve on 127.0.0.1 for the run (relative to the pipeline file): a sample site to crawl.</summary>
    public string ServeFolder { get; set; } = string.Empty;

    /// <summary>The host name the served folder answers to on port 80 (seed URLs use it, so they stay the same whatever port is used).</summary>
    public string ServeAs { get; set; } = string.Empty;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (int i = 0; i < AllowAddresses.Count; i++)
        {
            if (!System.Net.IPAddress.TryParse(AllowAddresses[i], out _))
            {
                yield return new ValidationResult($"'{AllowAddresses[i]}' is not an IP address", [$"allow_addresses[{i}]"]);
            }
        }

        if ((ServeFolder.Length > 0) != (ServeAs.Length > 0))
        {
            yield return new ValidationResult("serve_folder and serve_as go together", [ServeFolder.Length > 0 ? "serve_as" : "serve_folder"]);
        }
        else if (ServeAs.Length > 0 && Uri.CheckHostName(ServeAs) != UriHostNameType.Dns)
        {
            yield return new ValidationResult($"'{ServeAs}' is not a host name", ["serve_as"]);
        }
    }
}
