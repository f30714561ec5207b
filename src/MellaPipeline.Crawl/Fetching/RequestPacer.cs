namespace MellaPipeline.Crawl.Fetching;

/// <summary>
/// A host's token bucket of one token: each request takes the next free turn, at least one
/// interval after the previous one, on the client's clock. Written here instead of taken from
/// System.Threading.RateLimiting because those limiters replenish on the real clock (their own
/// timer, or elapsed <c>Stopwatch</c> time when replenished by hand), so a test on a fake clock
/// could not advance them. Waiters are bounded by the host's concurrency limit, so nothing queues
/// without limit.
/// </summary>
internal sealed class RequestPacer(TimeSpan interval, TimeProvider time)
{
    private readonly Lock _lock = new();
    private TimeSpan _interval = interval;
    private long? _lastTurn;

    /// <summary>
    /// Widens the spacing (a robots.txt <c>Crawl-delay</c>), counted from the last turn already
    /// taken, so the request after robots.txt waits too; a shorter one is ignored, so a host can only slow us down.
    /// </summary>
    public void SlowDownTo(TimeSpan interval)
    {
        lock (_lock)
        {
            if (interval > _interval)
            {
                _interval = interval;
            }
        }
    }

    /// <summary>
    /// Completes when this request's turn comes. A cancelled wait keeps the turn it took, so the
    /// host gets fewer requests than the rate allows, never more.
    /// </summary>
    public Task WaitTurnAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            long now = time.GetTimestamp();
            long turn = _lastTurn is { } last ? Math.Max(now, last + (long)(_interval.TotalSeconds * time.TimestampFrequency)) : now;
            _lastTurn = turn;
            wait = time.GetElapsedTime(now, turn);
        }

        // Task.Delay counts whole milliseconds and drops the rest, so a wait that is not a whole
        // number of them would end before the turn: it is rounded up instead, never down.
        return wait > TimeSpan.Zero ? Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), time, cancellationToken) : Task.CompletedTask;
    }
}
