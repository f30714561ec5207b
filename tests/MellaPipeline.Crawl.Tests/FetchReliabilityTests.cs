using System.Net;
using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Crawl.Tests;

/// <summary>
/// What the polite client does with answers that go wrong after their headers, on a real socket
/// server: a reset mid-body and a trickle are retried like a failed connection, a trickle is cut
/// by the throughput floor long before the attempt timeout, and an image's own X-Robots-Tag
/// opt-out is decided before its body is read. The floor runs on a <see cref="WatchedClock"/>: a
/// trickling server sends a chunk and stalls, and the test moves the clock past the floor.
/// </summary>
public sealed class FetchReliabilityTests : IAsyncLifetime
{
    private readonly RawHttpServer _server = new();
    private readonly byte[] _png = SyntheticPng.Create(64, 48, seed: 7);
    private readonly WatchedClock _clock = new();

    /// <summary>The throughput floor's first second, armed when a body starts.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A generous attempt timeout that never fires here: what cuts a trickle is the throughput
    /// floor. No request spacing, so the only short timers are the floor and the backoff.
    /// </summary>
    private static HttpFetchOptions Options => new()
    {
        AllowedAddresses = [IPAddress.Loopback],
        AttemptTimeout = TimeSpan.FromSeconds(60),
        TotalTimeout = TimeSpan.FromSeconds(120),
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetries = 3,
        PerHostRequestsPerSecond = double.PositiveInfinity,
        PerHostConcurrency = 4,
    };

    public Task InitializeAsync()
    {
        _server.Map("/robots.txt", "User-agent: *\nAllow: /\n"u8.ToArray(), "text/plain");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Uri Url(string path) => new(_server.Root, path);

    [Fact]
    public async Task A_reset_mid_body_is_retried_and_the_url_succeeds()
    {
        _server.Map("/reset-twice.png", e => e.Attempt <= 2 ? e.ResetMidBodyAsync(_png, "image/png") : e.RespondAsync(200, _png, "image/png"));
        using var client = new PoliteHttpClient(Options);

        var result = await client.FetchAsync(Url("/reset-twice.png"), FetchKind.Image, CancellationToken.None);

        Assert.True(result.Succeeded, result.Reason + " " + result.Detail);
        Assert.Equal(_png, result.Response!.Body);
        Assert.Equal(3, result.Requests);
        Assert.Equal(3, _server.CountOf("/reset-twice.png"));
    }

    [Fact]
    public async Task A_connection_that_always_resets_is_asked_once_plus_max_retries_and_is_transient()
    {
        _server.Map("/reset.png", e => e.ResetMidBodyAsync(_png, "image/png"));
        using var client = new PoliteHttpClient(Options with { MaxRetries = 2 });

        var result = await client.FetchAsync(Url("/reset.png"), FetchKind.Image, CancellationToken.None);

        Assert.Equal(FetchReasons.HttpError, result.Reason);
        Assert.True(ReasonCodes.IsTransient(ReasonCodes.ImageFetch(result.Reason!)));
        Assert.Equal(3, _server.CountOf("/reset.png"));
        Assert.Equal(3, result.Requests);
    }

    [Fact]
    public async Task A_trickling_body_is_cut_as_too_slow_and_retried()
    {
        // 200 bytes and then nothing: well within the attempt timeout, far below the floor.
        _server.Map("/trickle.png", e => StallAfterAsync(e, new byte[8 * 1024], "image/png", 200));
        using var client = new PoliteHttpClient(Options with { MaxRetries = 1 }, _clock);

        var fetch = client.FetchAsync(Url("/trickle.png"), FetchKind.Image, CancellationToken.None);
        await CutByTheFloorAsync("/trickle.png", attempt: 1, fetch);
        await BackOffAsync();
        await CutByTheFloorAsync("/trickle.png", attempt: 2, fetch);
        var result = await WatchedClock.Within(fetch, "the fetch");

        Assert.Equal(FetchReasons.TooSlow, result.Reason);
        // Measured on the clock; the byte count depends on whether the chunk was read before the cut.
        Assert.EndsWith(" bytes in 1.0 s, below the 20480 bytes/s floor", result.Detail);
        Assert.True(ReasonCodes.IsTransient(ReasonCodes.ImageFetch(result.Reason!)));
        Assert.Equal(2, _server.CountOf("/trickle.png"));
    }

    [Fact]
    public async Task A_page_that_trickles_first_and_then_answers_in_full_succeeds()
    {
        var page = "<html lang=\"cs\"><body>Dobrý den</body></html>"u8.ToArray();
        _server.Map("/slow-then-fast.html", e => e.Attempt == 1
            ? StallAfterAsync(e, [.. page, .. new byte[8 * 1024]], "text/html", 100)
            : e.RespondAsync(200, page, "text/html"));
        using var client = new PoliteHttpClient(Options, _clock);

        var fetch = client.FetchAsync(Url("/slow-then-fast.html"), FetchKind.Page, CancellationToken.None);
        await CutByTheFloorAsync("/slow-then-fast.html", attempt: 1, fetch);
        await BackOffAsync();
        var result = await WatchedClock.Within(fetch, "the fetch");

        Assert.True(result.Succeeded, result.Reason + " " + result.Detail);
        Assert.Equal(page, result.Response!.Body);
        Assert.Equal(2, _server.CountOf("/slow-then-fast.html"));
    }

    [Fact]
    public async Task Min_bytes_per_second_0_turns_the_floor_off()
    {
        // 3000 bytes at 200 bytes per 100 ms of the clock: 2 KB/s, a tenth of the default floor.
        var body = new byte[3000];
        var sent = new SemaphoreSlim(0);
        var next = new SemaphoreSlim(0);
        _server.Map("/trickle.png", async e =>
        {
            await e.WriteHeadAsync(200, "image/png", body.Length);
            for (int offset = 0; offset < body.Length; offset += 200)
            {
                await e.WriteAsync(body.AsMemory(offset, 200));
                sent.Release();
                await next.WaitAsync(e.Stopping);
            }
        });
        using var client = new PoliteHttpClient(Options with { MinBytesPerSecond = 0 }, _clock);

        var fetch = client.FetchAsync(Url("/trickle.png"), FetchKind.Image, CancellationToken.None);
        for (int chunk = 0; chunk < body.Length / 200; chunk++)
        {
            await WatchedClock.Within(sent.WaitAsync(), $"chunk {chunk + 1}");
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            next.Release();
        }

        var result = await WatchedClock.Within(fetch, "the fetch");

        Assert.True(result.Succeeded, result.Reason + " " + result.Detail);
        Assert.Equal(body, result.Response!.Body);
        Assert.Equal(1, _server.CountOf("/trickle.png"));
    }

    /// <summary>Announces <paramref name="body"/>, sends its first <paramref name="chunk"/> bytes and then nothing until the server stops.</summary>
    private async Task StallAfterAsync(RawExchange exchange, byte[] body, string contentType, int chunk)
    {
        await exchange.WriteHeadAsync(200, contentType, body.Length);
        await exchange.WriteAsync(body.AsMemory(0, chunk));
        _clock.Poke();
        await Task.Delay(Timeout.InfiniteTimeSpan, exchange.Stopping);
    }

    /// <summary>
    /// With attempt <paramref name="attempt"/> stalled and the floor's first second armed (nothing
    /// else is that short: the attempt timeout is a minute), the body is not cut a tick before
    /// that second is over, and is cut at it.
    /// </summary>
    private async Task CutByTheFloorAsync(string path, int attempt, Task fetch)
    {
        await _clock.UntilPendingAsync(p => _server.CountOf(path) == attempt && p.Contains(Grace), $"attempt {attempt} stalled under the floor");
        _clock.Advance(Grace - TimeSpan.FromTicks(1));
        Assert.False(fetch.IsCompleted);
        Assert.Equal(attempt, _server.CountOf(path));
        _clock.Advance(TimeSpan.FromTicks(1));
    }

    /// <summary>Moves the clock over the retry's backoff (10 ms with jitter: shorter than anything else armed).</summary>
    private async Task BackOffAsync()
    {
        await _clock.UntilPendingAsync(p => p is [var first, ..] && first < Grace, "the retry backing off");
        _clock.AdvanceToNextTimer();
    }

    [Theory]
    [InlineData("noai", FetchReasons.NoAi)]
    [InlineData("noimageai", FetchReasons.NoAi)]
    [InlineData("noindex, noimageai", FetchReasons.NoAi)]
    [InlineData("MellaPipeline: noai", FetchReasons.NoAi)]
    [InlineData("otherbot: noai, noimageai", null)]
    [InlineData("nofollow", null)]
    public async Task An_image_opting_out_in_its_own_X_Robots_Tag_is_refused_on_its_headers(string header, string? reason)
    {
        var headers = new Dictionary<string, string> { ["X-Robots-Tag"] = header };
        // An opted-out image sends its headers and then nothing: reading the body would end in too_slow, not noai.
        _server.Map("/img.png", async e =>
        {
            await e.WriteHeadAsync(200, "image/png", _png.Length, headers);
            if (reason is not null)
            {
                await Task.Delay(Timeout.Infinite, e.Stopping);
            }

            await e.WriteAsync(_png);
        });
        using var client = new PoliteHttpClient(Options);

        var result = await client.FetchAsync(Url("/img.png"), FetchKind.Image, CancellationToken.None);

        Assert.Equal(reason, result.Reason);
        Assert.Equal(1, _server.CountOf("/img.png"));
    }

    [Fact]
    public async Task A_page_is_not_refused_for_its_own_noai_header_here_its_pairs_are_dropped_by_extraction()
    {
        var page = "<html lang=\"cs\"><body>Dobrý den</body></html>"u8.ToArray();
        _server.Map("/noai.html", page, "text/html", new Dictionary<string, string> { ["X-Robots-Tag"] = "noai" });
        using var client = new PoliteHttpClient(Options);

        var result = await client.FetchAsync(Url("/noai.html"), FetchKind.Page, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("noai", result.Response!.RobotsHeader);
    }
}
