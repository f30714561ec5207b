using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using MellaPipeline.Crawl.Pages;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace MellaPipeline.Crawl.Fetching;

/// <summary>What a fetch is for: it decides the accepted content types and the size cap.</summary>
public enum FetchKind
{
    Page,
    Image,
    Robots,
}

/// <summary>The outcome of fetching one URL: the response (success) or a reason code.</summary>
/// <param name="Url">The URL asked for.</param>
/// <param name="Response">Status, final URL, headers and body, on success.</param>
/// <param name="Requests">HTTP requests sent for this URL, retries and redirects included.</param>
public sealed record FetchResult(string Url, FetchedPage? Response, string? Reason, string? Detail, int Requests)
{
    public bool Succeeded => Response is not null;
}

/// <summary>
/// An HTTP client that behaves well on other people's servers and safely on ours: an honest user
/// agent, robots.txt fetched once per host and obeyed, a token bucket and a concurrency limit per
/// host, retries with exponential backoff and jitter that honour <c>Retry-After</c> (Polly via
/// Microsoft.Extensions.Http.Resilience), per-attempt and total timeouts, redirect limits and loop
/// detection, content-type checks and size caps on the decompressed body. Every connection goes
/// through an SSRF guard that checks the resolved address (every redirect hop included) and
/// refuses loopback, private, link-local, multicast and reserved networks unless an address is
/// explicitly allowed. Name resolution goes through a <see cref="DnsCache"/> and connections are
/// kept alive and pooled per host, so a URL list of many images per host costs one lookup per TTL
/// and a handful of connections per host. Image downloads in flight are bounded for all hosts
/// together (<see cref="HttpFetchOptions.ImageConcurrency"/>) as well as per host; a download
/// takes a place in the first only once its host's limit lets it go, so a busy or stalled host
/// never keeps the others waiting. Every wait (timeouts, backoff, <c>Retry-After</c>, the token bucket, the
/// throughput floor) runs on the injected <see cref="TimeProvider"/>, so tests advance a fake clock
/// instead of waiting.
/// </summary>
public sealed class PoliteHttpClient : IDisposable
{
    private readonly HttpFetchOptions _options;
    private readonly string _productToken;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly AddressGuard _guard;
    private readonly DnsCache _dns;
    private readonly SemaphoreSlim _imageSlots;
    private int _connections;
    private readonly ConcurrentDictionary<string, Lazy<Task<RobotsRules>>> _robots = new();
    private readonly ConcurrentDictionary<string, HostGate> _gates = new();

    /// <param name="options">How to behave towards the sites visited.</param>
    /// <param name="time">The clock of every wait; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="dns">Where host names are resolved; a cache of the system resolver's answers for <see cref="HttpFetchOptions.DnsTtl"/> on <paramref name="time"/> when null.</param>
    public PoliteHttpClient(HttpFetchOptions options, TimeProvider? time = null, DnsCache? dns = null)
    {
        _options = options;
        _productToken = options.ProductToken; // read on every X-Robots-Tag: worked out once
        _time = time ?? TimeProvider.System;
        _guard = new AddressGuard(options.AllowedAddresses);
        _dns = dns ?? new DnsCache(options.DnsTtl, _time);
        _imageSlots = new SemaphoreSlim(Math.Max(1, options.ImageConcurrency));
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            UseProxy = false,
            UseCookies = false,

            // The handler's own timers run on the real clock (it takes no TimeProvider); the attempt timeout, on _time, bounds a connect too.
            ConnectTimeout = options.AttemptTimeout,
            // Connections are kept alive and reused; the pool per host is as large as the host's
            // concurrency, so a request never waits for a connection its host's limit allows.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(1, options.PerHostConcurrency),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Clear();
        _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);

        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(0, options.MaxRetries),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.MaxRetryAfter,

            // The strategy's own Retry-After parsing reads the system clock for the date form; ours reads _time.
            ShouldRetryAfterHeader = false,
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter is { } retryAfter
                ? TimeSpan.FromTicks(Math.Max(0, RetryAfterDelay(retryAfter).Ticks))
                : (TimeSpan?)null),
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome)),
        };
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(retry);
        }

        _pipeline = builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout }).Build();
    }

    /// <summary>The product token robots.txt groups and scoped robots directives must name to apply to us.</summary>
    public string ProductToken => _productToken;

    /// <summary>Connections opened so far (each one reused for as many requests as its host keeps it open).</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connections);

    public async Task<FetchResult> FetchAsync(Uri url, FetchKind kind, CancellationToken cancellationToken)
    {
        int requests = 0;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var current = url;
        for (int hop = 0; ; hop++)
        {
            if (current.Scheme is not ("http" or "https"))
            {
                return Fail(FetchReasons.SchemeUnsupported, current.Scheme);
            }

            if (!visited.Add(current.AbsoluteUri))
            {
                return Fail(FetchReasons.RedirectLoop, $"{current.AbsoluteUri} again after {hop} redirects");
            }

            if (hop > _options.MaxRedirects)
            {
                return Fail(FetchReasons.RedirectLimit, $"more than {_options.MaxRedirects} redirects");
            }

            if (kind != FetchKind.Robots && _options.RespectRobotsTxt)
            {
                var robots = await RobotsFor(current, cancellationToken);
                if (robots.FailureReason is { } robotsFailure)
                {
                    return Fail(robotsFailure, robots.FailureDetail);
                }

                if (!robots.Rules.IsAllowed(current))
                {
                    return Fail(FetchReasons.RobotsDisallowed, $"robots.txt of {current.Authority} disallows {current.PathAndQuery}");
                }
            }

            var gate = GateFor(current);
            long cap = kind == FetchKind.Image ? _options.MaxImageBytes : _options.MaxPageBytes;

            // The body is read inside the retried attempt, so a reset or a trickle mid-body is
            // retried like a failed connection. A verdict on a complete answer (wrong type, too
            // large, opted out) comes with a 2xx, which the retry strategy leaves alone.
            (string Reason, string Detail)? refused = null;
            byte[]? body = null;
            HttpResponseMessage response;
            var place = await gate.EnterAsync(kind == FetchKind.Image ? _imageSlots : null, cancellationToken);
            try
            {
                var target = current;
                response = await _pipeline.ExecuteAsync(
                    async token =>
                    {
                        (refused, body) = (null, null);
                        await gate.Pacer.WaitTurnAsync(token);
                        requests++;
                        long started = _time.GetTimestamp();
                        using var request = new HttpRequestMessage(HttpMethod.Get, target);
                        request.Headers.Accept.ParseAdd(kind switch
                        {
                            FetchKind.Page => "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                            FetchKind.Image => "image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8",
                            _ => "text/plain,*/*;q=0.5",
                        });
                        var answer = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                        if (!answer.IsSuccessStatusCode)
                        {
                            return answer;
                        }

                        refused = Refusal(answer, kind, cap);
                        if (refused is null)
                        {
                            try
                            {
                                body = await ReadCappedAsync(answer.Content, cap, new ThroughputFloor(_options.MinBytesPerSecond, started, _time), token);
                            }
                            catch
                            {
                                answer.Dispose();
                                throw;
                            }

                            refused = body is null ? (FetchReasons.TooLarge, $"body over {cap} bytes") : null;
                        }

                        return answer;
                    },
                    cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Classify(e) is { } failure)
            {
                return Fail(failure.Reason, failure.Detail);
            }
            finally
            {
                // Held through the retries' waits too: a host that asked us to back off gets fewer requests, not more.
                place.Release();
            }

            using (response)
            {
                int status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (!Uri.TryCreate(current, location, out var next))
                    {
                        return Fail(FetchReasons.RedirectInvalid, location.OriginalString);
                    }

                    current = next;
                    continue;
                }

                if (status is < 200 or > 299)
                {
                    string detail = response.Headers.RetryAfter is { } retryAfter && RetryAfterDelay(retryAfter) > _options.MaxRetryAfter
                        ? $"Retry-After {RetryAfterDelay(retryAfter)} is longer than the {_options.MaxRetryAfter} limit"
                        : $"{status} {response.ReasonPhrase}";
                    return Fail(FetchReasons.ForStatus(status), detail);
                }

                if (refused is { } verdict)
                {
                    return Fail(verdict.Reason, verdict.Detail);
                }

                string? contentType = response.Content.Headers.ContentType?.ToString();
                string? robotsHeader = response.Headers.TryGetValues("X-Robots-Tag", out var tags) ? string.Join(", ", tags) : null;
                string? language = response.Content.Headers.ContentLanguage.Count > 0 ? string.Join(", ", response.Content.Headers.ContentLanguage) : null;
                return new FetchResult(url.AbsoluteUri, new FetchedPage(current.AbsoluteUri, status, contentType, language, robotsHeader, body!), null, null, requests);
            }
        }

        FetchResult Fail(string reason, string? detail) => new(url.AbsoluteUri, null, reason, detail, requests);
    }

    /// <summary>Why a successful answer is not used, decided on its headers before its body is read; null when it may be.</summary>
    private (string Reason, string Detail)? Refusal(HttpResponseMessage response, FetchKind kind, long cap)
    {
        string? contentType = response.Content.Headers.ContentType?.ToString();
        string? media = ContentTypes.MediaType(contentType);
        bool acceptable = kind switch
        {
            FetchKind.Page => media is null or "text/html" or "application/xhtml+xml" or "application/octet-stream" or "text/plain",
            FetchKind.Image => media is null or "application/octet-stream" || media.StartsWith("image/", StringComparison.Ordinal),
            _ => true,
        };
        if (!acceptable)
        {
            return (FetchReasons.ContentTypeUnexpected, contentType!);
        }

        // An image's own X-Robots-Tag is its owner's opt-out: its body is never downloaded.
        if (kind == FetchKind.Image && response.Headers.TryGetValues("X-Robots-Tag", out var tags)
            && RobotsDirectives.Parse(tags, _productToken) is { NoAi: true } or { NoImageAi: true })
        {
            return (FetchReasons.NoAi, $"X-Robots-Tag: {string.Join(", ", tags)}");
        }

        if (response.Content.Headers.ContentLength > cap)
        {
            return (FetchReasons.TooLarge, $"Content-Length {response.Content.Headers.ContentLength} > {cap}");
        }

        return null;
    }

    /// <summary>The decompressed body, or null when it is over <paramref name="cap"/>; throws <see cref="BodyTooSlowException"/> for a trickle.</summary>
    private async Task<byte[]?> ReadCappedAsync(HttpContent content, long cap, ThroughputFloor floor, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);

        // A linked source's CancelAfter runs on the real clock; one made with _time follows it.
        using var floorTimer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var pace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, floorTimer.Token);
        var output = new MemoryStream();
        var buffer = new byte[81920];
        while (true)
        {
            if (floor.Enabled)
            {
                var left = floor.TimeLeft(output.Length);
                if (left <= TimeSpan.Zero)
                {
                    throw new BodyTooSlowException(floor.Describe(output.Length));
                }

                floorTimer.CancelAfter(left);
            }

            int read;
            try
            {
                read = await stream.ReadAsync(buffer, pace.Token);
            }
            catch (OperationCanceledException) when (floorTimer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new BodyTooSlowException(floor.Describe(output.Length));
            }

            if (read == 0)
            {
                return output.ToArray();
            }

            output.Write(buffer, 0, read);
            if (output.Length > cap)
            {
                return null;
            }
        }
    }

    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is { } exception && Find<AddressBlockedException>(exception) is not null)
        {
            return false;
        }

        if (outcome.Result is { } response && response.Headers.RetryAfter is { } retryAfter && RetryAfterDelay(retryAfter) > _options.MaxRetryAfter)
        {
            return false;
        }

        // A body cut off mid-way (reset, too slow) is as transient as a failed connection.
        return outcome.Exception is IOException || HttpClientResiliencePredicates.IsTransient(outcome);
    }

    private TimeSpan RetryAfterDelay(RetryConditionHeaderValue value) =>
        value.Delta ?? (value.Date is { } date ? date - _time.GetUtcNow() : TimeSpan.Zero);

    private static (string Reason, string Detail)? Classify(Exception e)
    {
        if (Find<AddressBlockedException>(e) is { } blocked)
        {
            return (FetchReasons.AddressBlocked, blocked.Message);
        }

        if (e is BodyTooSlowException slow)
        {
            return (FetchReasons.TooSlow, slow.Message);
        }

        if (e is IOException io)
        {
            return (FetchReasons.HttpError, io.Message);
        }

        if (e is TimeoutRejectedException or TaskCanceledException or OperationCanceledException)
        {
            return (FetchReasons.Timeout, e.Message);
        }

        if (e is HttpRequestException request)
        {
            return request.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => (FetchReasons.DnsFailed, request.Message),
                HttpRequestError.ConnectionError => (FetchReasons.ConnectFailed, request.Message),
                _ when Find<SocketException>(e) is { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => (FetchReasons.DnsFailed, request.Message),
                _ => (FetchReasons.HttpError, request.Message),
            };
        }

        return null;
    }

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        string host = context.DnsEndPoint.Host;
        int port = context.DnsEndPoint.Port;
        IPAddress[] addresses;
        if (_options.HostOverrides.TryGetValue($"{host}:{port}", out var fixedEndpoint))
        {
            addresses = [fixedEndpoint.Address];
            port = fixedEndpoint.Port;
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            addresses = await _dns.ResolveAsync(host, cancellationToken);
        }

        var allowed = addresses.Where(_guard.IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw addresses.Length == 0
                ? new HttpRequestException(HttpRequestError.NameResolutionError, $"{host} has no address")
                : new AddressBlockedException(host, addresses[0]);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken);
            Interlocked.Increment(ref _connections);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private Task<RobotsRules> RobotsFor(Uri url, CancellationToken cancellationToken)
    {
        string origin = url.GetLeftPart(UriPartial.Authority);
        return _robots.GetOrAdd(origin, _ => new Lazy<Task<RobotsRules>>(() => FetchRobotsAsync(new Uri(origin + "/robots.txt"), cancellationToken))).Value;
    }

    private async Task<RobotsRules> FetchRobotsAsync(Uri robotsUrl, CancellationToken cancellationToken)
    {
        var result = await FetchAsync(robotsUrl, FetchKind.Robots, cancellationToken);
        if (result.Response is { } response)
        {
            var rules = RobotsTxt.Parse(RobotsTxt.Decode(response.Body), _productToken);
            if (rules.CrawlDelaySeconds is > 0 and var delay)
            {
                GateFor(robotsUrl).SlowDownTo(delay);
            }

            return new RobotsRules(rules, null, null);
        }

        // RFC 9309: a 4xx robots.txt means no rules; a server error or no answer means assume complete disallow.
        if (result.Reason is { } reason && reason.StartsWith("http_4", StringComparison.Ordinal))
        {
            return new RobotsRules(RobotsTxt.AllowAll, null, null);
        }

        return result.Reason is FetchReasons.AddressBlocked or FetchReasons.DnsFailed or FetchReasons.ConnectFailed
            ? new RobotsRules(RobotsTxt.DisallowAll, result.Reason, result.Detail)
            : new RobotsRules(RobotsTxt.DisallowAll, FetchReasons.RobotsUnavailable, $"robots.txt: {result.Reason} {result.Detail}");
    }

    private HostGate GateFor(Uri url) =>
        _gates.GetOrAdd(url.Authority, _ => new HostGate(_options.PerHostConcurrency, _options.PerHostRequestsPerSecond, _time));

    public void Dispose()
    {
        _http.Dispose();
        _imageSlots.Dispose();
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    /// <summary>The places a request holds (<see cref="HostGate.EnterAsync"/>), released together.</summary>
    private readonly record struct Place(SemaphoreSlim Host, SemaphoreSlim? Shared)
    {
        public void Release()
        {
            Shared?.Release();
            Host.Release();
        }
    }

    private sealed record RobotsRules(RobotsTxt Rules, string? FailureReason, string? FailureDetail);

    /// <summary>A host's concurrency limit and token bucket.</summary>
    private sealed class HostGate(int concurrency, double requestsPerSecond, TimeProvider time) : IDisposable
    {
        public SemaphoreSlim Concurrency { get; } = new(Math.Max(1, concurrency));

        /// <summary>
        /// A place among this host's requests and then, when <paramref name="shared"/> is given, one
        /// among every host's: taken in that order, so a request waiting for a busy host holds no
        /// place the other hosts' requests could use.
        /// </summary>
        public async Task<Place> EnterAsync(SemaphoreSlim? shared, CancellationToken cancellationToken)
        {
            await Concurrency.WaitAsync(cancellationToken);
            try
            {
                if (shared is not null)
                {
                    await shared.WaitAsync(cancellationToken);
                }
            }
            catch
            {
                Concurrency.Release();
                throw;
            }

            return new Place(Concurrency, shared);
        }

        public RequestPacer Pacer { get; } = new(Spacing(requestsPerSecond), time);

        public void SlowDownTo(double secondsPerRequest) => Pacer.SlowDownTo(Spacing(1 / secondsPerRequest));

        /// <summary>At most 1000 s between requests, whatever a robots.txt asks: a host is slowed, not abandoned.</summary>
        private static TimeSpan Spacing(double perSecond) => TimeSpan.FromSeconds(1 / Math.Max(perSecond, 0.001));

        public void Dispose() => Concurrency.Dispose();
    }
}
