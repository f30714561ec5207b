using System.Collections.Concurrent;
using System.Net;

namespace MellaPipeline.Crawl.Fetching;

/// <summary>
/// Host name answers kept for <see cref="Ttl"/> on the client's clock, so a URL list with
/// thousands of images on one host asks the resolver once per TTL instead of once per connection.
/// Concurrent lookups of one name share one resolution; a failed one is not kept, so the next
/// connection asks again. The cache only answers where a name points: <see cref="PoliteHttpClient"/>
/// still puts every address it connects to through its SSRF guard, so an answer that changes to a
/// private address after the TTL (DNS rebinding) is refused like a fresh one.
/// </summary>
public sealed class DnsCache
{
    /// <summary>As long as a pooled connection lives (<see cref="PoliteHttpClient"/>'s pool lifetime), so a cached answer is never older than a connection could be.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(5);

    /// <summary>Past this many names, expired answers are dropped on the next insert, so a list over millions of hosts keeps only the live ones.</summary>
    private const int PruneAbove = 65_536;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly TimeProvider _time;
    private int _lookups;

    /// <param name="ttl">How long an answer is used.</param>
    /// <param name="time">The clock of the TTL.</param>
    /// <param name="resolve">The resolver asked on a miss; the system's (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>) when null.</param>
    public DnsCache(TimeSpan ttl, TimeProvider time, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.Zero);
        Ttl = ttl;
        _time = time;
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
    }

    public TimeSpan Ttl { get; }

    /// <summary>Resolutions asked of the resolver so far (cache misses).</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    /// <summary>The addresses of <paramref name="host"/>: a cached answer younger than the TTL, or a fresh one.</summary>
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        long now = _time.GetTimestamp();
        while (true)
        {
            if (_entries.TryGetValue(host, out var cached) && _time.GetElapsedTime(cached.ResolvedAt, now) < Ttl)
            {
                return cached.Answer.Task.WaitAsync(cancellationToken);
            }

            // One resolution per name however many connections ask at once: only the caller that
            // stores the entry asks the resolver, and a caller giving up does not cancel it for the others.
            var fresh = new Entry(now);
            if (cached is null ? _entries.TryAdd(host, fresh) : _entries.TryUpdate(host, fresh, cached))
            {
                if (cached is null && _entries.Count > PruneAbove)
                {
                    Prune(now);
                }

                _ = FillAsync(host, fresh);
                return fresh.Answer.Task.WaitAsync(cancellationToken);
            }
        }
    }

    private async Task FillAsync(string host, Entry entry)
    {
        Interlocked.Increment(ref _lookups);
        try
        {
            entry.Answer.SetResult(await _resolve(host, CancellationToken.None));
        }
        catch (Exception e)
        {
            // Not kept: a name that failed to resolve is asked again by the next connection; the
            // failure goes to every caller waiting on this lookup, unchanged.
            _entries.TryRemove(KeyValuePair.Create(host, entry));
            entry.Answer.SetException(e);
        }
    }

    private void Prune(long now)
    {
        foreach (var (host, entry) in _entries)
        {
            if (_time.GetElapsedTime(entry.ResolvedAt, now) >= Ttl)
            {
                _entries.TryRemove(KeyValuePair.Create(host, entry));
            }
        }
    }

    private sealed class Entry(long resolvedAt)
    {
        public long ResolvedAt { get; } = resolvedAt;

        public TaskCompletionSource<IPAddress[]> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
