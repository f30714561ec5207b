using System.Collections.Concurrent;

namespace MellaPipeline.TestSupport;

/// <summary>
/// A clock on which every wait is over at once: a timer fires as soon as it is armed and "now"
/// moves on by its due time, and the clock records what was waited for. A test of a backoff or a
/// <c>Retry-After</c> asserts on <see cref="Waits"/> (the 30 s the server asked for) without
/// spending them. Periodic timers fire once; the code these tests drive arms only one-shot waits.
/// </summary>
public sealed class SkippingClock : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _waits = new();
    private long _elapsedTicks;

    /// <summary>Every due time armed so far, in arming order.</summary>
    public IReadOnlyList<TimeSpan> Waits => [.. _waits];

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(Interlocked.Read(ref _elapsedTicks));

    public override long GetTimestamp() => Interlocked.Read(ref _elapsedTicks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class Timer(SkippingClock clock, TimerCallback callback, object? state) : ITimer
    {
        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan || Volatile.Read(ref _disposed) == 1)
            {
                return true;
            }

            clock._waits.Enqueue(dueTime);
            Interlocked.Add(ref clock._elapsedTicks, dueTime.Ticks);

            // On the pool, not inline: the caller has not finished setting up what the callback completes.
            ThreadPool.QueueUserWorkItem(_ =>
            {
                if (Volatile.Read(ref _disposed) == 0)
                {
                    callback(state);
                }
            });
            return true;
        }

        public void Dispose() => Interlocked.Exchange(ref _disposed, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
