using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Core.Tests.Runtime;

public class PipelineFlowTests
{
    /// <summary>Guards against a hang turning into a stuck test run; not a timing assertion.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private sealed record Item(int Number) : IKeyedRecord
    {
        public string Key => $"k{Number}";
        public string Origin => $"test@{Number}";
    }

    private sealed class NumberSource(int count, Action<int>? onProduce = null, int failEvery = 10) : IRecordSource<Item>
    {
        public string Name => "numbers";

        public async IAsyncEnumerable<StageOutcome<Item>> ReadAsync(TaskSlice slice, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (int i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                onProduce?.Invoke(i);
                yield return failEvery > 0 && i % failEvery == failEvery - 1
                    ? StageOutcome<Item>.Failed("input_malformed", "every tenth", new UnparsedInput($"bad{i}", $"test@{i}"))
                    : StageOutcome<Item>.Ok(new Item(i));
                await Task.Yield();
            }
        }
    }

    private sealed class DelegateStage(string name, Func<Item, Task<StageOutcome<Item>>> process) : IRecordStage<Item, Item>
    {
        public string Name => name;

        public async ValueTask<StageOutcome<Item>> ProcessAsync(Item input, CancellationToken cancellationToken) => await process(input);
    }

    private sealed class ListSink(Func<Item, Task>? onWrite = null) : IRecordSink<Item>
    {
        public List<int> Written { get; } = [];
        public bool Completed { get; private set; }
        public string Name => "sink";

        public async ValueTask WriteAsync(Item record, CancellationToken cancellationToken)
        {
            if (onWrite is not null)
            {
                await onWrite(record);
            }

            Written.Add(record.Number);
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken)
        {
            Completed = true;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class ListRejects : IRejectSink
    {
        public ConcurrentQueue<RejectRecord> Items { get; } = new();

        public void Write(RejectRecord reject) => Items.Enqueue(reject);
    }

    [Fact]
    public async Task Concurrent_stage_keeps_input_order_and_routes_rejects()
    {
        var rejects = new ListRejects();
        var counters = new PipelineCounters();
        var sink = new ListSink();
        var slow = new DelegateStage("jitter", async item =>
        {
            await Task.Delay(item.Number * 7 % 5); // later items often finish first
            return item.Number % 3 == 0
                ? StageOutcome<Item>.Dropped("divisible_by_three")
                : StageOutcome<Item>.Ok(item);
        });

        await PipelineFlow<Item>.From(new NumberSource(200), new TaskSlice(0, 1))
            .Then(slow, concurrency: 8)
            .RunAsync(sink, new FlowSettings(rejects, counters, ChannelCapacity: 4), CancellationToken.None)
            .WaitAsync(HangGuard);

        var expected = Enumerable.Range(0, 200).Where(i => i % 10 != 9 && i % 3 != 0).ToList();
        Assert.Equal(expected, sink.Written);
        Assert.True(sink.Completed);

        var byStage = counters.Stages.ToDictionary(s => s.Name);
        Assert.Equal(200, byStage["numbers"].In);
        Assert.Equal(20, byStage["numbers"].Failed);
        Assert.Equal(180, byStage["jitter"].In);
        Assert.Equal(180 - expected.Count, byStage["jitter"].Dropped);
        Assert.Equal(expected.Count, byStage["sink"].Ok);
        Assert.Equal(20 + 180 - expected.Count, rejects.Items.Count);

        var dropped = rejects.Items.First(r => r.Reason == "divisible_by_three");
        Assert.Equal("jitter", dropped.Stage);
        Assert.Equal("dropped", dropped.Kind);
        Assert.StartsWith("test@", dropped.Origin);
        var failed = rejects.Items.First(r => r.Reason == "input_malformed");
        Assert.Equal(("numbers", "failed"), (failed.Stage, failed.Kind));
    }

    [Fact]
    public async Task A_slow_sink_holds_the_source_back_to_the_channel_bounds()
    {
        int produced = 0;
        int maxAhead = 0;
        var source = new NumberSource(300, i => produced = i + 1, failEvery: 0);
        var pass = new DelegateStage("pass", item =>
        {
            return Task.FromResult(StageOutcome<Item>.Ok(item));
        });
        var watcher = new ListSink(async item =>
        {
            await Task.Delay(1);
            maxAhead = Math.Max(maxAhead, Volatile.Read(ref produced) - item.Number);
        });

        await PipelineFlow<Item>.From(source, new TaskSlice(0, 1))
            .Then(pass, concurrency: 2)
            .RunAsync(watcher, new FlowSettings(new ListRejects(), new PipelineCounters(), ChannelCapacity: 4), CancellationToken.None)
            .WaitAsync(HangGuard);

        // Two channels of 4, the stage's reorder queue of 8 × 2, one record in the hands of each of
        // the source, the stage's two loops and the sink.
        Assert.InRange(maxAhead, 1, 4 + 4 + (8 * 2) + 4);
    }

    [Fact]
    public async Task A_held_head_record_does_not_stop_later_calls_and_output_stays_in_order()
    {
        const int concurrency = 2;
        var head = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var overtaken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int started = 0;
        int inFlight = 0;
        int maxInFlight = 0;
        var stage = new DelegateStage("held", async item =>
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            try
            {
                // Record 0 is held until three times `concurrency` later records have started: a
                // queue that only holds `concurrency` results never gets there.
                if (Interlocked.Increment(ref started) == (3 * concurrency) + 1)
                {
                    overtaken.TrySetResult();
                }

                if (item.Number == 0)
                {
                    await head.Task;
                }

                return StageOutcome<Item>.Ok(item);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        });
        var sink = new ListSink();

        var run = PipelineFlow<Item>.From(new NumberSource(100, failEvery: 0), new TaskSlice(0, 1))
            .Then(stage, concurrency)
            .RunAsync(sink, new FlowSettings(new ListRejects(), new PipelineCounters(), ChannelCapacity: 4), CancellationToken.None);

        await overtaken.Task.WaitAsync(HangGuard);
        Assert.Empty(sink.Written);
        head.SetResult();
        await run.WaitAsync(HangGuard);

        Assert.Equal(Enumerable.Range(0, 100), sink.Written);
        Assert.InRange(maxInFlight, 1, concurrency);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (int seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                break;
            }
        }
    }

    [Fact]
    public async Task A_stage_exception_fails_the_run_with_that_exception_and_never_completes_the_sink()
    {
        var sink = new ListSink();
        var broken = new DelegateStage("broken", item =>
            item.Number == 37 ? throw new InvalidDataException("bug at 37") : Task.FromResult(StageOutcome<Item>.Ok(item)));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            PipelineFlow<Item>.From(new NumberSource(10_000), new TaskSlice(0, 1))
                .Then(broken, concurrency: 4)
                .RunAsync(sink, new FlowSettings(new ListRejects(), new PipelineCounters(), 8), CancellationToken.None)
                .WaitAsync(HangGuard));

        Assert.Equal("bug at 37", error.Message);
        Assert.False(sink.Completed);
        Assert.DoesNotContain(37, sink.Written);
    }

    [Fact]
    public async Task A_sink_exception_stops_the_upstream_stages()
    {
        int produced = 0;
        var sink = new ListSink(item => item.Number == 5 ? throw new IOException("disk full") : Task.CompletedTask);

        await Assert.ThrowsAsync<IOException>(() =>
            PipelineFlow<Item>.From(new NumberSource(1_000_000, i => produced = i), new TaskSlice(0, 1))
                .RunAsync(sink, new FlowSettings(new ListRejects(), new PipelineCounters(), 4), CancellationToken.None)
                .WaitAsync(HangGuard));

        Assert.True(produced < 1000, $"the source went on to record {produced} after the sink failed");
    }

    [Fact]
    public async Task Cancellation_stops_the_run_without_completing_the_sink()
    {
        using var cancel = new CancellationTokenSource();
        var sink = new ListSink(item =>
        {
            if (item.Number == 50)
            {
                cancel.Cancel();
            }

            return Task.CompletedTask;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            PipelineFlow<Item>.From(new NumberSource(1_000_000), new TaskSlice(0, 1))
                .Then(new DelegateStage("pass", i => Task.FromResult(StageOutcome<Item>.Ok(i))), concurrency: 3)
                .RunAsync(sink, new FlowSettings(new ListRejects(), new PipelineCounters(), 16), cancel.Token)
                .WaitAsync(HangGuard));

        Assert.False(sink.Completed);
    }

    [Fact]
    public async Task Stream_stage_rejects_name_their_subject()
    {
        var rejects = new ListRejects();
        var sink = new ListSink();
        var repeat = new DelegateStage("repeat", item => Task.FromResult(StageOutcome<Item>.Ok(new Item(item.Number / 2))));

        await PipelineFlow<Item>.From(new NumberSource(9), new TaskSlice(0, 1))
            .Then(repeat)
            .Then(new ExactDedupStage<Item>())
            .RunAsync(sink, new FlowSettings(rejects, new PipelineCounters(), 4), CancellationToken.None)
            .WaitAsync(HangGuard);

        Assert.Equal([0, 1, 2, 3, 4], sink.Written);
        Assert.All(rejects.Items, r => Assert.Equal(("dedup_exact", "duplicate_pair"), (r.Stage, r.Reason)));
        Assert.Equal(["k0", "k1", "k2", "k3"], rejects.Items.Select(r => r.Key).Order().ToArray());
    }
}
