using System.Net;
using System.Runtime.CompilerServices;
using MellaPipeline.Config;
using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace MellaPipeline.Crawl.Tests;

/// <summary>
/// Downloads over many hosts at once, on real socket servers on 127.0.0.1…127.0.0.8 that hold
/// every answer until the test lets it go, so what is in flight is counted, not timed: the DNS
/// cache honours its TTL on a fake clock and still lets the address guard see every answer, the
/// per-host limit holds while hundreds of downloads are in flight across hosts, and a stalled
/// host neither takes the places of the others nor, in load_images' flow, holds up their
/// downloads, while the output keeps the input order.
/// </summary>
public sealed class ManyHostsTests : IAsyncLifetime
{
    private readonly byte[] _png = SyntheticPng.Create(64, 48, seed: 11);
    private readonly List<HeldHost> _hosts = [];
    private readonly HeldHost.Tally _tally = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            host.Release();
            await host.DisposeAsync();
        }
    }

    /// <summary>
    /// No request spacing, no robots.txt, and timeouts on a fake clock that never moves unless the
    /// test moves it (the handler's connect timeout runs on the real clock: long), so only the
    /// limits under test decide what runs.
    /// </summary>
    private static HttpFetchOptions Options(int perHost, int total, int hosts = 8) => new()
    {
        AllowedAddresses = [.. Enumerable.Range(1, hosts).Select(i => IPAddress.Parse($"127.0.0.{i}"))],
        RespectRobotsTxt = false,
        PerHostRequestsPerSecond = double.PositiveInfinity,
        PerHostConcurrency = perHost,
        ImageConcurrency = total,
        AttemptTimeout = TimeSpan.FromMinutes(10),
        TotalTimeout = TimeSpan.FromMinutes(30),
        MaxRetries = 0,
        MinBytesPerSecond = 0,
    };

    private HeldHost Host(int lastOctet, int paths)
    {
        var host = new HeldHost($"127.0.0.{lastOctet}", paths, _png, _tally);
        _hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task Dns_answers_are_reused_for_their_ttl_and_asked_again_after_it()
    {
        await using var named = new NamedHost(Host(1, 1));
        await named.FetchOkAsync();
        await named.FetchOkAsync();
        named.Clock.Advance(TimeSpan.FromSeconds(59));
        await named.FetchOkAsync();
        Assert.Equal(1, named.Resolver.Calls);

        named.Clock.Advance(TimeSpan.FromSeconds(1));
        await named.FetchOkAsync();
        Assert.Equal(2, named.Resolver.Calls);

        // The server closes every connection, so each fetch connected anew and asked the cache.
        Assert.Equal(4, named.Client.ConnectionsOpened);
        Assert.Equal(4, named.Server.Requests);
    }

    [Fact]
    public async Task An_answer_that_turns_private_after_the_ttl_is_refused()
    {
        await using var named = new NamedHost(Host(1, 1));
        await named.FetchOkAsync();
        named.Resolver.Answer = IPAddress.Parse("10.20.30.40");
        named.Clock.Advance(TimeSpan.FromSeconds(60));
        var rebound = await named.FetchAsync();

        Assert.Equal(FetchReasons.AddressBlocked, rebound.Reason);
        Assert.Equal(2, named.Resolver.Calls);
        Assert.Equal(1, named.Server.Requests);
    }

    [Fact]
    public async Task Connections_are_kept_alive_and_reused_across_requests()
    {
        await using var site = new LocalHttpServer();
        site.Map("/img.png", _png, "image/png");
        using var client = new PoliteHttpClient(Options(perHost: 2, total: 2) with { AllowedAddresses = [IPAddress.Loopback] }, new FakeTimeProvider());
        for (int i = 0; i < 20; i++)
        {
            var result = await WatchedClock.Within(client.FetchAsync(new Uri(site.Root, $"img.png?i={i}"), FetchKind.Image, CancellationToken.None), $"fetch {i}");
            Assert.True(result.Succeeded, $"{result.Reason} {result.Detail}");
        }

        Assert.Equal(20, site.CountOf("/img.png"));
        Assert.Equal(1, client.ConnectionsOpened);
    }

    [Fact]
    public async Task Per_host_limit_holds_with_hundreds_in_flight_across_hosts()
    {
        const int PerHost = 32, Total = 200;
        var hosts = Enumerable.Range(1, 8).Select(i => Host(i, 120)).ToList();
        using var client = new PoliteHttpClient(Options(PerHost, Total), new FakeTimeProvider());

        // The first hundred URLs are all on one host: were its waiting requests holding places of
        // the total, the other hosts would get only what is left of it.
        var urls = Enumerable.Range(0, 100).Select(i => hosts[0].Url(i))
            .Concat(Enumerable.Range(0, 700).Select(i => hosts[1 + (i % 7)].Url(i / 7)))
            .ToList();
        var fetches = urls.Select(url => client.FetchAsync(url, FetchKind.Image, CancellationToken.None)).ToList();

        await WatchedClock.Within(_tally.UntilAsync(() => _tally.InFlight >= Total), $"{Total} downloads in flight");
        Assert.Equal(Total, hosts.Sum(h => h.InFlight));
        Assert.Equal(PerHost, hosts[0].InFlight);
        Assert.True(hosts.Count(h => h.InFlight > 0) >= Total / PerHost + 1, string.Join(", ", hosts.Select(h => h.InFlight)));

        foreach (var host in hosts)
        {
            host.Release();
        }

        var results = await WatchedClock.Within(Task.WhenAll(fetches), "every download");
        Assert.All(results, r => Assert.True(r.Succeeded, $"{r.Url}: {r.Reason} {r.Detail}"));
        Assert.All(hosts, h => Assert.InRange(h.MostInFlight, 1, PerHost));
        Assert.Equal(Total, _tally.MostInFlight);
    }

    [Fact]
    public async Task A_stalled_host_does_not_hold_up_the_downloads_behind_it_and_order_is_kept()
    {
        // load_images' flow with concurrency 4: a window of 32 records. Six URLs on a host that
        // answers nothing until released come first (two in flight, its limit; four waiting),
        // then 26 on a healthy host: all of those download while the stalled host holds.
        const int Concurrency = 4, Stalled = 6, Healthy = 26;
        var stalled = Host(2, Stalled);
        var healthy = Host(1, Healthy);
        healthy.Release();
        using var client = new PoliteHttpClient(Options(perHost: 2, total: Concurrency, hosts: 2), new FakeTimeProvider());
        var candidates = Enumerable.Range(0, Stalled).Select(i => Candidate($"s{i}", stalled.Url(i)))
            .Concat(Enumerable.Range(0, Healthy).Select(i => Candidate($"h{i}", healthy.Url(i))))
            .ToList();
        var stage = new LoadImageStage(new LoadImagesOptions { Concurrency = Concurrency }, new HttpImageFetcher(client));
        var sink = new KeySink();
        var run = PipelineFlow<PairCandidate>.From(new ListSource(candidates), new TaskSlice(0, 1))
            .ThenSelfLimited(stage, Concurrency)
            .RunAsync(sink, new FlowSettings(new NoRejects(), new PipelineCounters(), ChannelCapacity: 4), CancellationToken.None);

        await WatchedClock.Within(_tally.UntilAsync(() => healthy.Requests >= Healthy), $"the healthy host's {Healthy} downloads while the other one stalls");
        Assert.Equal(2, stalled.InFlight);
        Assert.Empty(sink.Keys);

        stalled.Release();
        await WatchedClock.Within(run, "the run");
        Assert.Equal(candidates.Select(c => c.Key), sink.Keys);
        Assert.Equal(2, stalled.MostInFlight);
    }

    private static PairCandidate Candidate(string key, Uri url) =>
        new(key, url.AbsoluteUri, "native", "a caption", "cs", "Latn", url.AbsoluteUri, null, null, null, null);

    /// <summary>
    /// A released host reached by the name <c>images.test</c> through a client whose DNS cache
    /// (TTL 60 s, on <see cref="Clock"/>) asks <see cref="Resolver"/>; only 127.0.0.1 is allowed.
    /// </summary>
    private sealed class NamedHost : IAsyncDisposable
    {
        private readonly Uri _url;

        public NamedHost(HeldHost server)
        {
            Server = server;
            server.Release();
            Client = new PoliteHttpClient(
                Options(perHost: 2, total: 2) with { AllowedAddresses = [IPAddress.Loopback] }, Clock, new DnsCache(TimeSpan.FromSeconds(60), Clock, Resolver.ResolveAsync));
            _url = new Uri($"http://images.test:{server.Root.Port}/img/0.png");
        }

        public HeldHost Server { get; }

        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        public CountingResolver Resolver { get; } = new(IPAddress.Loopback);

        public PoliteHttpClient Client { get; }

        public Task<FetchResult> FetchAsync() => WatchedClock.Within(Client.FetchAsync(_url, FetchKind.Image, CancellationToken.None), $"a fetch of {_url}");

        public async Task FetchOkAsync()
        {
            var result = await FetchAsync();
            Assert.True(result.Succeeded, $"{result.Reason} {result.Detail}");
        }

        public ValueTask DisposeAsync()
        {
            Client.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A resolver whose answer the test sets, counting how often it is asked.</summary>
    private sealed class CountingResolver(IPAddress answer)
    {
        private int _calls;

        public IPAddress Answer { get; set; } = answer;

        public int Calls => Volatile.Read(ref _calls);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new[] { Answer });
        }
    }

    private sealed class ListSource(IReadOnlyList<PairCandidate> candidates) : IRecordSource<PairCandidate>
    {
        public string Name => "list";

        public async IAsyncEnumerable<StageOutcome<PairCandidate>> ReadAsync(TaskSlice slice, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var candidate in candidates)
            {
                await Task.Yield();
                yield return StageOutcome<PairCandidate>.Ok(candidate);
            }
        }
    }

    private sealed class KeySink : IRecordSink<PairRecord>
    {
        private readonly List<string> _keys = [];

        public IReadOnlyList<string> Keys
        {
            get
            {
                lock (_keys)
                {
                    return [.. _keys];
                }
            }
        }

        public string Name => "keys";

        public ValueTask WriteAsync(PairRecord record, CancellationToken cancellationToken)
        {
            lock (_keys)
            {
                _keys.Add(record.Key);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class NoRejects : IRejectSink
    {
        public void Write(RejectRecord reject) => throw new InvalidOperationException($"unexpected reject {reject.Reason}: {reject.Detail}");
    }

    /// <summary>
    /// A <see cref="RawHttpServer"/> on one loopback address serving <c>/img/N.png</c>, whose
    /// answers wait until <see cref="Release"/>; it counts requests in flight (now and most ever,
    /// and in a <see cref="Tally"/> over the hosts of one test) and signals each change there.
    /// </summary>
    private sealed class HeldHost : IAsyncDisposable
    {
        private readonly RawHttpServer _server;
        private readonly Tally _tally;
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _most;

        public HeldHost(string address, int paths, byte[] body, Tally tally)
        {
            _server = new RawHttpServer(address);
            _tally = tally;
            for (int i = 0; i < paths; i++)
            {
                _server.Map($"/img/{i}.png", async exchange =>
                {
                    // A request is in flight while the server holds it unanswered. It stops counting before the
                    // answer goes out: counted after, the client could read the whole answer, free its per-host slot
                    // and send the next request before this handler ran its last line, and the host would seem to
                    // hold one request more than the client ever let it have.
                    Count(+1);
                    bool holding = true;
                    try
                    {
                        await _released.Task.WaitAsync(exchange.Stopping);
                        holding = false;
                        Count(-1);
                        await exchange.RespondAsync(200, body, "image/png");
                    }
                    finally
                    {
                        if (holding)
                        {
                            Count(-1);
                        }
                    }
                });
            }
        }

        public Uri Root => _server.Root;

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MostInFlight => Volatile.Read(ref _most);

        /// <summary>Requests received, counted before they are answered.</summary>
        public int Requests => _server.Counts.Values.Sum();

        public Uri Url(int i) => new(_server.Root, $"img/{i}.png");

        public void Release() => _released.TrySetResult();

        private void Count(int by)
        {
            int now = Interlocked.Add(ref _inFlight, by);
            for (int seen = Volatile.Read(ref _most); now > seen; seen = Volatile.Read(ref _most))
            {
                if (Interlocked.CompareExchange(ref _most, now, seen) == seen)
                {
                    break;
                }
            }

            _tally.Count(by);
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();

        /// <summary>Requests in flight over the hosts of one test, and a signal on every change to wait on.</summary>
        public sealed class Tally
        {
            private readonly Lock _lock = new();
            private int _inFlight;
            private int _most;
            private TaskCompletionSource _changed = NewSignal();

            public int InFlight
            {
                get
                {
                    lock (_lock)
                    {
                        return _inFlight;
                    }
                }
            }

            public int MostInFlight
            {
                get
                {
                    lock (_lock)
                    {
                        return _most;
                    }
                }
            }

            public void Count(int by)
            {
                TaskCompletionSource changed;
                lock (_lock)
                {
                    _inFlight += by;
                    _most = Math.Max(_most, _inFlight);
                    changed = _changed;
                    _changed = NewSignal();
                }

                changed.SetResult();
            }

            /// <summary>Completes once <paramref name="condition"/> holds, re-checked on every change.</summary>
            public async Task UntilAsync(Func<bool> condition)
            {
                while (true)
                {
                    Task changed;
                    lock (_lock)
                    {
                        changed = _changed.Task;
                    }

                    if (condition())
                    {
                        return;
                    }

                    await changed;
                }
            }

            private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
