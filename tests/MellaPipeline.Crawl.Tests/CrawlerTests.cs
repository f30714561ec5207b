using MellaPipeline.Config;
using System.Collections.Concurrent;
using System.Net;
using MellaPipeline.Crawl.Crawling;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Crawl.Pages;
using MellaPipeline.LanguageId;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Crawl.Tests;

/// <summary>
/// Crawls a local test site (HttpListener on 127.0.0.1) full of the things real sites do: robots.txt
/// rules, X-Robots-Tag and meta robots, 429 with Retry-After, 503 bursts, slow and oversized
/// responses, redirect loops, and links and redirects to a second loopback address (127.0.0.2)
/// that the SSRF guard must never connect to. Every client runs on a <see cref="WatchedClock"/>: the
/// timeouts, Retry-After waits and request spacing happen on it, advanced by the tests, never by
/// waiting.
/// </summary>
public sealed class CrawlerTests : IAsyncLifetime
{
    private readonly LocalHttpServer _site = new();
    private readonly ConnectionTrap _trap = new();
    private readonly WatchedClock _clock = new();
    private readonly TaskCompletionSource _slowMayAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _rateLimitedHits;
    private int _flakyHits;
    private int _slowHits;

    /// <summary>
    /// Retries without backoff and no request spacing, so only the pages that are about time
    /// (slow, 429 with Retry-After) wait on the clock; the spacing has its own test.
    /// </summary>
    private static HttpFetchOptions Options => new()
    {
        AllowedAddresses = [IPAddress.Loopback],
        AttemptTimeout = TimeSpan.FromSeconds(3),
        TotalTimeout = TimeSpan.FromSeconds(20),
        RetryBaseDelay = TimeSpan.Zero,
        MaxRetries = 2,
        MaxRetryAfter = TimeSpan.FromSeconds(3),
        PerHostRequestsPerSecond = double.PositiveInfinity,
        PerHostConcurrency = 4,
        MaxPageBytes = 64 * 1024,
        MaxRedirects = 4,
    };

    public Task InitializeAsync()
    {
        string Page(string lang, string body) => $"<!doctype html><html lang=\"{lang}\"><head><title>t</title></head><body>{body}</body></html>";

        _site.Map("/robots.txt", "User-agent: *\nDisallow: /\n\nUser-agent: mellapipeline\nDisallow: /private/\nAllow: /\n", "text/plain");
        _site.Map("/", Page("cs", """
            <img src="/img/praha.jpg" alt="Pražský hrad a Karlův most při západu slunce">
            <a href="/vi.html">vi</a> <a href="/private/secret.html">secret</a> <a href="/noai.html">noai</a>
            <a href="/noindex.html">noindex</a> <a href="/flaky.html">503</a>
            <a href="/down.html">down</a> <a href="/huge.html">huge</a> <a href="/huge-chunked.html">huge chunked</a>
            <a href="/loop-a">loop</a> <a href="/redirect-away">away</a> <a href="/photo.png">png</a> <a href="/missing.html">404</a>
            <a href="/retry-later.html">retry later</a> <a href="/vi.html#top">same page</a>
            """ + $"<a href=\"{_trap.Url}outside.html\">outside</a>"));
        _site.Map("/vi.html", Page("vi", "<img src=\"/img/halong.jpg\" alt=\"Vịnh Hạ Long nhìn từ trên cao vào buổi sáng\"><a href=\"/deeper.html\">deeper</a>"));
        _site.Map("/deeper.html", Page("vi", "<img src=\"/img/d.jpg\" alt=\"Phố cổ Hội An về đêm với đèn lồng\">"));
        _site.Map("/private/secret.html", Page("cs", "<img src=\"/s.jpg\" alt=\"Tajná fotografie\">"));
        _site.Map("/noai.html", Page("hu", "<img src=\"/img/bp.jpg\" alt=\"A budapesti Parlament épülete éjjel\">"), headers: new Dictionary<string, string> { ["X-Robots-Tag"] = "noai" });
        _site.Map("/noindex.html", Page("ru", "<meta name=\"robots\" content=\"noindex, nofollow\"><img src=\"/img/m.jpg\" alt=\"Красная площадь зимой\"><a href=\"/only-from-noindex.html\">x</a>"));
        _site.Map("/only-from-noindex.html", Page("ru", "never fetched"));
        _site.Map("/clocked.html", Page("cs", "<a href=\"/slow.html\">slow</a> <a href=\"/rate-limited.html\">429</a>"));
        _site.Map("/rate-limited.html", async context =>
        {
            if (Interlocked.Increment(ref _rateLimitedHits) == 1)
            {
                await LocalHttpServer.Respond(context, "slow down", "text/plain", 429, new Dictionary<string, string> { ["Retry-After"] = "1" });
                return;
            }

            await LocalHttpServer.Respond(context, Page("ko", "<img src=\"/img/seoul.jpg\" alt=\"서울 남산타워의 야경과 도시의 불빛\">"));
        });
        _site.Map("/flaky.html", async context =>
        {
            if (Interlocked.Increment(ref _flakyHits) <= 2)
            {
                await LocalHttpServer.Respond(context, "busy", "text/plain", 503);
                return;
            }

            await LocalHttpServer.Respond(context, Page("ar", "<img src=\"/img/cairo.jpg\" alt=\"أهرامات الجيزة عند غروب الشمس\">"));
        });
        _site.Map("/down.html", "down", "text/plain", 503);
        _site.Map("/retry-later.html", "come back tomorrow", "text/plain", 429, new Dictionary<string, string> { ["Retry-After"] = "86400" });
        _site.Map("/slow.html", async context =>
        {
            // Answers only when the test ends: any outcome but a timeout is the client's doing.
            Interlocked.Increment(ref _slowHits);
            _clock.Poke();
            await _slowMayAnswer.Task;
            await LocalHttpServer.Respond(context, Page("th", "late"));
        });
        _site.Map("/huge.html", Page("cs", new string('x', 200 * 1024)));
        _site.Map("/huge-chunked.html", async context =>
        {
            context.Response.ContentType = "text/html";
            context.Response.SendChunked = true;
            var chunk = new byte[16 * 1024];
            for (int i = 0; i < 16; i++)
            {
                await context.Response.OutputStream.WriteAsync(chunk);
            }

            context.Response.Close();
        });
        _site.Map("/loop-a", context => Redirect(context, "/loop-b"));
        _site.Map("/loop-b", context => Redirect(context, "/loop-a"));
        _site.Map("/redirect-away", context => Redirect(context, _trap.Url + "landing.html"));
        _site.Map("/photo.png", "\x89PNG", "image/png");
        return Task.CompletedTask;
    }

    private static Task Redirect(HttpListenerContext context, string location)
    {
        context.Response.StatusCode = 302;
        context.Response.RedirectLocation = location;
        context.Response.Close();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _slowMayAnswer.TrySetResult();
        await _site.DisposeAsync();
        _trap.Dispose();
    }

    [Fact]
    public async Task Every_page_is_extracted_or_rejected_with_its_reason_and_nothing_forbidden_is_requested()
    {
        // The clock never moves: nothing here may depend on time passing.
        using var client = new PoliteHttpClient(Options, _clock);
        var crawler = new SiteCrawler(client, new CrawlOptions { MaxDepth = 1, MaxPagesPerSite = 50, Concurrency = 8 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var pages = new List<CrawledPage>();
        await foreach (var page in crawler.CrawlAsync([_site.Root.AbsoluteUri, _trap.Url + "seed.html"], timeout.Token))
        {
            pages.Add(page);
        }

        var outcome = pages.Select(p => $"{new Uri(p.Url).AbsolutePath}{(new Uri(p.Url).Port == _trap.Port ? "@trap" : "")} = {p.Reason ?? "extracted"} {p.Detail}".Trim()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new Dictionary<string, string>
        {
            ["/"] = "extracted",
            ["/seed.html@trap"] = FetchReasons.AddressBlocked,
            ["/vi.html"] = "extracted",
            ["/private/secret.html"] = FetchReasons.RobotsDisallowed,
            ["/noai.html"] = "extracted",
            ["/noindex.html"] = "extracted",
            ["/flaky.html"] = "extracted",
            ["/down.html"] = "http_503",
            ["/huge.html"] = FetchReasons.TooLarge,
            ["/huge-chunked.html"] = FetchReasons.TooLarge,
            ["/loop-a"] = FetchReasons.RedirectLoop,
            ["/redirect-away"] = FetchReasons.AddressBlocked,
            ["/photo.png"] = FetchReasons.ContentTypeUnexpected,
            ["/missing.html"] = "http_404",
            ["/retry-later.html"] = "http_429",
        }.Select(e => $"{e.Key} = {e.Value}").Order(StringComparer.Ordinal).ToList(), outcome.Select(o => o.Split(' ')[0] + " = " + o.Split(' ')[2]).ToList());

        // Never asked for: disallowed by robots.txt, linked only from a nofollow page, beyond the depth limit, on a blocked address.
        Assert.Equal(0, _site.CountOf("/private/secret.html"));
        Assert.Equal(0, _site.CountOf("/only-from-noindex.html"));
        Assert.Equal(0, _site.CountOf("/deeper.html"));
        Assert.Equal(0, _trap.Connections);
        Assert.Equal(1, _site.CountOf("/robots.txt"));
        Assert.Equal(1, _site.CountOf("/retry-later.html"));
        Assert.Equal(1, _site.CountOf("/vi.html"));
        Assert.All(_site.Requests, r => Assert.Equal(HttpFetchOptions.DefaultUserAgent, r.UserAgent));

        Assert.Equal(3, _site.CountOf("/flaky.html"));
        Assert.Equal(3, _site.CountOf("/down.html"));

        var identifier = LanguageIdentifier.Create();
        var records = pages.Where(p => p.Page is not null).SelectMany(p => AltTextRecord.FromPage(p.Page!, identifier)).ToDictionary(r => new Uri(r.PageUrl).AbsolutePath);
        Assert.Equal(("kept", "cs"), (records["/"].Status, records["/"].Lang));
        Assert.Equal(("kept", "vi"), (records["/vi.html"].Status, records["/vi.html"].Lang));
        Assert.Equal(("kept", "ar"), (records["/flaky.html"].Status, records["/flaky.html"].Lang));
        Assert.Equal(PageStatus.RobotsNoAi, records["/noai.html"].Status);
        Assert.Equal(PageStatus.RobotsNoIndex, records["/noindex.html"].Status);
        Assert.Equal(_site.Root + "img/praha.jpg", records["/"].ImageUrl);
    }

    [Fact]
    public async Task A_page_slower_than_the_attempt_timeout_times_out_and_a_429_is_fetched_after_its_Retry_After()
    {
        using var client = new PoliteHttpClient(Options, _clock);
        var crawler = new SiteCrawler(client, new CrawlOptions { MaxDepth = 1, Concurrency = 4 });
        var crawl = Collect(crawler.CrawlAsync([new Uri(_site.Root, "/clocked.html").AbsoluteUri], CancellationToken.None));

        // Both pages are parked on the clock: the 429 on its one-second Retry-After, the slow page on its attempt timeout.
        await _clock.UntilPendingAsync(p => p.Contains(TimeSpan.FromSeconds(1)) && Volatile.Read(ref _slowHits) == 1, "the 429 waiting, the slow page asked");
        _clock.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.Equal(1, _site.CountOf("/rate-limited.html"));
        _clock.Advance(TimeSpan.FromTicks(1));

        // The retried 429 page is done once only the slow page's two timers (total, attempt) are left.
        await _clock.UntilPendingAsync(p => p.Count == 2 && _site.CountOf("/rate-limited.html") == 2, "the 429 page fetched again");
        var left = Options.AttemptTimeout - TimeSpan.FromSeconds(1);
        for (int attempt = 1; attempt <= 1 + Options.MaxRetries; attempt++)
        {
            await _clock.UntilPendingAsync(_ => Volatile.Read(ref _slowHits) == attempt, $"attempt {attempt} of the slow page");
            Assert.Equal(left, _clock.Pending[0]);
            _clock.Advance(left - TimeSpan.FromTicks(1));
            Assert.False(crawl.IsCompleted);
            Assert.Equal(attempt, Volatile.Read(ref _slowHits));
            _clock.Advance(TimeSpan.FromTicks(1));
            left = Options.AttemptTimeout;
        }

        var pages = (await WatchedClock.Within(crawl, "the crawl")).ToDictionary(p => new Uri(p.Url).AbsolutePath);
        Assert.Equal(FetchReasons.Timeout, pages["/slow.html"].Reason);
        Assert.Equal(3, _site.CountOf("/slow.html"));
        Assert.Equal(2, _site.CountOf("/rate-limited.html"));
        var page = pages["/rate-limited.html"].Page;
        Assert.Equal(("ko", "서울 남산타워의 야경과 도시의 불빛"), (page?.HtmlLang, page?.Images.Single().AltRaw));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retry_after_is_waited_for_on_the_clock_as_seconds_or_as_a_date(bool asDate)
    {
        var wait = TimeSpan.FromSeconds(2);
        string retryAfter = asDate ? (_clock.GetUtcNow() + wait).ToString("R") : "2";
        _site.Map("/busy.html", context =>
        {
            _clock.Poke();
            return _site.CountOf("/busy.html") == 1
                ? LocalHttpServer.Respond(context, "slow down", "text/plain", 429, new Dictionary<string, string> { ["Retry-After"] = retryAfter })
                : LocalHttpServer.Respond(context, "<html lang=\"cs\"><body>ok</body></html>");
        });
        using var client = new PoliteHttpClient(Options, _clock);

        var fetch = client.FetchAsync(new Uri(_site.Root, "/busy.html"), FetchKind.Page, CancellationToken.None);
        await _clock.UntilArmedAsync(wait);
        _clock.Advance(wait - TimeSpan.FromTicks(1));
        Assert.False(fetch.IsCompleted);
        Assert.Equal(1, _site.CountOf("/busy.html"));
        _clock.Advance(TimeSpan.FromTicks(1));
        var result = await WatchedClock.Within(fetch, "the retried fetch");

        Assert.True(result.Succeeded, result.Reason + " " + result.Detail);
        Assert.Equal(2, result.Requests);
    }

    [Fact]
    public async Task A_Retry_After_date_beyond_the_limit_is_reported_without_a_retry()
    {
        string tomorrow = (_clock.GetUtcNow() + TimeSpan.FromDays(1)).ToString("R");
        _site.Map("/tomorrow.html", "come back tomorrow", "text/plain", 429, new Dictionary<string, string> { ["Retry-After"] = tomorrow });
        using var client = new PoliteHttpClient(Options, _clock);

        var result = await WatchedClock.Within(client.FetchAsync(new Uri(_site.Root, "/tomorrow.html"), FetchKind.Page, CancellationToken.None), "the fetch");

        Assert.Equal("http_429", result.Reason);
        Assert.Equal($"Retry-After {TimeSpan.FromDays(1)} is longer than the {Options.MaxRetryAfter} limit", result.Detail);
        Assert.Equal(1, _site.CountOf("/tomorrow.html"));
    }

    [Theory]
    [InlineData(null, new[] { 0, 500, 1000 })]
    [InlineData("2", new[] { 0, 2000, 4000, 6000 })]
    public async Task Requests_to_one_host_are_spaced_by_its_rate_or_a_longer_crawl_delay(string? crawlDelay, int[] expectedMs)
    {
        var arrivals = new ConcurrentQueue<DateTimeOffset>();
        var start = _clock.GetUtcNow();
        void Arrived()
        {
            arrivals.Enqueue(_clock.GetUtcNow());
            _clock.Poke();
        }

        await using var host = new LocalHttpServer();
        host.Map("/robots.txt", context =>
        {
            Arrived();
            return LocalHttpServer.Respond(context, $"User-agent: *\nCrawl-delay: {crawlDelay}\nAllow: /\n", "text/plain");
        });
        host.Map("/p.html", context =>
        {
            Arrived();
            return LocalHttpServer.Respond(context, "<html lang=\"cs\"><body>ok</body></html>");
        });
        using var client = new PoliteHttpClient(
            Options with { PerHostRequestsPerSecond = 2, RespectRobotsTxt = crawlDelay is not null, AttemptTimeout = TimeSpan.FromSeconds(30), TotalTimeout = TimeSpan.FromSeconds(60) },
            _clock);

        var fetches = Task.WhenAll(Enumerable.Range(0, 3).Select(i => client.FetchAsync(new Uri(host.Root, $"/p.html?{i}"), FetchKind.Page, CancellationToken.None)));
        for (int i = 1; i < expectedMs.Length; i++)
        {
            // Every request still to come must have taken its turn before the clock moves: one
            // that takes it after the advance waits from a later "now", and the spacing tested
            // would depend on which request the thread pool happened to resume last.
            var gap = TimeSpan.FromMilliseconds(expectedMs[i] - expectedMs[i - 1]);
            var waits = expectedMs[i..].Select(ms => TimeSpan.FromMilliseconds(ms - expectedMs[i - 1])).ToList();
            await _clock.UntilPendingAsync(p => arrivals.Count == i && waits.All(p.Contains), $"requests {i + 1} to {expectedMs.Length} waiting their turns");
            _clock.Advance(gap - TimeSpan.FromTicks(1));
            Assert.Equal(i, arrivals.Count);
            _clock.Advance(TimeSpan.FromTicks(1));
        }

        var results = await WatchedClock.Within(fetches, "the fetches");

        Assert.All(results, r => Assert.True(r.Succeeded, r.Reason + " " + r.Detail));
        Assert.Equal(expectedMs, arrivals.Select(a => (int)(a - start).TotalMilliseconds));
    }

    [Fact]
    public async Task A_turn_off_a_whole_millisecond_is_waited_for_in_full()
    {
        using var client = new PoliteHttpClient(Options with { PerHostRequestsPerSecond = 1, RespectRobotsTxt = false }, _clock);
        var first = await WatchedClock.Within(client.FetchAsync(new Uri(_site.Root, "/vi.html"), FetchKind.Page, CancellationToken.None), "the first fetch");
        Assert.True(first.Succeeded, first.Reason + " " + first.Detail);

        // The second request's turn is one second after the first, a tick less than a second from now.
        _clock.Advance(TimeSpan.FromTicks(1));
        var second = client.FetchAsync(new Uri(_site.Root, "/vi.html?again"), FetchKind.Page, CancellationToken.None);
        await _clock.UntilPendingAsync(p => p.Any(t => t < Options.AttemptTimeout), "the second request waiting its turn");
        Assert.True(_clock.Pending[0] >= TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1), $"the turn is waited for only {_clock.Pending[0]}");

        _clock.AdvanceToNextTimer();
        var result = await WatchedClock.Within(second, "the second fetch");
        Assert.True(result.Succeeded, result.Reason + " " + result.Detail);
        Assert.Equal(2, _site.CountOf("/vi.html"));
    }

    private static async Task<List<CrawledPage>> Collect(IAsyncEnumerable<CrawledPage> crawl)
    {
        var pages = new List<CrawledPage>();
        await foreach (var page in crawl)
        {
            pages.Add(page);
        }

        return pages;
    }

    [Fact]
    public async Task The_page_budget_and_depth_bound_the_crawl()
    {
        using var client = new PoliteHttpClient(Options);
        var crawler = new SiteCrawler(client, new CrawlOptions { MaxDepth = 5, MaxPagesPerSite = 3 });

        var pages = new List<CrawledPage>();
        await foreach (var page in crawler.CrawlAsync([_site.Root.AbsoluteUri, "not a url", "ftp://example.org/x"], CancellationToken.None))
        {
            pages.Add(page);
        }

        Assert.Equal([SiteCrawler.SeedInvalid, SiteCrawler.SeedInvalid], pages.Take(2).Select(p => p.Reason));
        Assert.Equal(3, pages.Count(p => p.Url.StartsWith(_site.Root.AbsoluteUri, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_an_allowance_loopback_is_blocked_before_any_connection()
    {
        using var client = new PoliteHttpClient(Options with { AllowedAddresses = [] });

        var result = await client.FetchAsync(_site.Root, FetchKind.Page, CancellationToken.None);

        Assert.Equal(FetchReasons.AddressBlocked, result.Reason);
        Assert.Empty(_site.Requests);
    }

    [Fact]
    public async Task Host_overrides_reach_a_served_folder_under_a_stable_name()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("news"));
        File.WriteAllText(dir.File("news/index.html"), "<html lang=\"sr\"><img src=\"a.jpg\" alt=\"Калемегдан у сумрак\"></html>");
        File.WriteAllText(dir.File("robots.txt"), "User-agent: *\nDisallow: /hidden/\n");
        File.WriteAllText(dir.File("_headers"), "/news/\n  X-Robots-Tag: noimageai\n");
        await using var server = new StaticSiteServer(dir.Path);
        using var client = new PoliteHttpClient(Options with
        {
            HostOverrides = new Dictionary<string, IPEndPoint> { ["demo-site.test:80"] = server.Endpoint },
        });

        var page = await client.FetchAsync(new Uri("http://demo-site.test/news/"), FetchKind.Page, CancellationToken.None);
        var hidden = await client.FetchAsync(new Uri("http://demo-site.test/hidden/x.html"), FetchKind.Page, CancellationToken.None);
        var outside = await client.FetchAsync(new Uri("http://demo-site.test/../../etc/passwd"), FetchKind.Page, CancellationToken.None);

        Assert.True(page.Succeeded, page.Reason + " " + page.Detail);
        Assert.Equal(("http://demo-site.test/news/", "noimageai"), (page.Response!.Url, page.Response.RobotsHeader));
        Assert.Equal(FetchReasons.RobotsDisallowed, hidden.Reason);
        Assert.Equal("http_404", outside.Reason);
    }
}
