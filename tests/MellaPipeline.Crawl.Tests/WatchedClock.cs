using Microsoft.Extensions.Time.Testing;

namespace MellaPipeline.Crawl.Tests;

/// <summary>
/// A fake clock (<see cref="FakeTimeProvider"/>) that also tells a test what the code under test
/// is waiting for: the time left on every armed timer (a Polly timeout, a backoff or Retry-After
/// delay, the token bucket, the throughput floor). A test waits until the client is parked on the
/// timer it expects, checks that nothing happened yet, and only then advances the clock, so no
/// step depends on how fast the machine is.
/// </summary>
internal sealed class WatchedClock : TimeProvider
{
    /// <summary>
    /// How long a test waits for the client to reach a state before it fails instead of hanging:
    /// long, since a passing test never waits it out and a loaded machine can be very slow.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _fake;
    private readonly Lock _lock = new();
    private readonly HashSet<Watched> _armed = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <param name="start">The fake "now"; a whole second, so HTTP dates (second resolution) round-trip exactly.</param>
    public WatchedClock(DateTimeOffset? start = null) => _fake = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var watched = new Watched(this);
        watched.Inner = _fake.CreateTimer(
            s =>
            {
                watched.Fired();
                callback(s);
            },
            state,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        watched.Change(dueTime, period);
        return watched;
    }

    /// <summary>Time left on each armed timer, shortest first.</summary>
    public IReadOnlyList<TimeSpan> Pending
    {
        get
        {
            lock (_lock)
            {
                var now = _fake.GetUtcNow();
                return _armed.Select(t => t.Due - now).Order().ToList();
            }
        }
    }

    public void Advance(TimeSpan by) => _fake.Advance(by);

    /// <summary>Moves the clock to the earliest armed timer, which fires.</summary>
    public void AdvanceToNextTimer() => _fake.Advance(Pending is [var first, ..] ? first : throw new InvalidOperationException("no timer is armed"));

    /// <summary>Completes once the armed timers satisfy <paramref name="condition"/> (time left on each, shortest first).</summary>
    public async Task UntilPendingAsync(Func<IReadOnlyList<TimeSpan>, bool> condition, string what)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            var pending = Pending;
            if (condition(pending))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"never reached: {what}; armed timers: [{string.Join(", ", pending)}]");
            }
        }
    }

    /// <summary>Completes once a timer with exactly <paramref name="left"/> to go is armed.</summary>
    public Task UntilArmedAsync(TimeSpan left) => UntilPendingAsync(p => p.Contains(left), $"a timer {left} from now");

    /// <summary>Waits for <paramref name="task"/> on the real clock, failing after the patience instead of hanging.</summary>
    public static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"never happened: {what}");
        }
    }

    /// <inheritdoc cref="Within(Task, string)"/>
    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        await Within((Task)task, what);
        return await task;
    }

    /// <summary>
    /// Re-checks the conditions tests wait on: a test server calls it when it changes what a
    /// condition reads (a request arrived), since that moves no timer.
    /// </summary>
    public void Poke() => Signal();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Update(Watched timer, DateTimeOffset? due)
    {
        lock (_lock)
        {
            if (due is { } at)
            {
                timer.Due = at;
                _armed.Add(timer);
            }
            else
            {
                _armed.Remove(timer);
            }
        }

        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = NewSignal();
        }

        changed.SetResult();
    }

    private sealed class Watched(WatchedClock clock) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset Due { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            clock.Update(this, dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime);
            return Inner.Change(dueTime, period);
        }

        public void Fired() => clock.Update(this, _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : clock.GetUtcNow() + _period);

        public void Dispose()
        {
            clock.Update(this, null);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
