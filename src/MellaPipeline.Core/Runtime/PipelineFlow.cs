using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Stages;

namespace MellaPipeline.Runtime;

/// <summary>
/// A typed chain of stages from a source to a sink. Each link runs as its own task and hands
/// records on through a bounded channel, so a slow stage makes its upstream wait instead of
/// buffering without limit. Channels are always completed, with the exception when a link fails;
/// the first failure cancels every other link and is rethrown by <see cref="RunAsync"/>.
/// Records leave every stage in input order, also when a stage runs several calls at once, so a
/// task's output is the same on every run.
/// </summary>
public sealed class PipelineFlow<T>
{
    private readonly Func<FlowContext, ChannelReader<T>> _start;

    private PipelineFlow(Func<FlowContext, ChannelReader<T>> start) => _start = start;

    /// <summary>Starts a flow at <paramref name="source"/>, reading <paramref name="slice"/> of its input.</summary>
    public static PipelineFlow<T> From(IRecordSource<T> source, TaskSlice slice) => new(context =>
    {
        var output = context.CreateChannel<T>();
        var counters = context.Counters.For(source.Name);
        context.Start(output.Writer, async token =>
        {
            long started = Stopwatch.GetTimestamp();
            await foreach (var outcome in source.ReadAsync(slice, token).WithCancellation(token))
            {
                counters.CountIn();
                counters.AddBusy(started);
                if (outcome.IsOk)
                {
                    counters.CountOk();
                    await output.Writer.WriteAsync(outcome.Value!, token);
                }
                else
                {
                    context.Reject(source.Name, counters, outcome, fallbackSubject: null);
                }

                started = Stopwatch.GetTimestamp();
            }
        });
        return output.Reader;
    });

    /// <summary>
    /// Results of a concurrent stage held back for the output order, in multiples of its
    /// concurrency. While one call is slow (a trickling download cut and retried takes ~10 s), the
    /// others go on until this many results wait behind it. Measured on a 27-page hostile crawl
    /// (513 images, load_images concurrency 8): 140 s at 4, 87 s at 8, 84 s at 16; 8 takes nearly
    /// all of the gain while memory stays bounded by 8 × concurrency records (load_images: 64 rows
    /// at its default concurrency). A self-limited stage (<see cref="ThenSelfLimited{TOut}"/>) gets
    /// that many calls too.
    /// </summary>
    private const int ReorderWindow = 8;

    /// <summary>
    /// Adds a per-record stage. With <paramref name="concurrency"/> above 1, that many calls run at
    /// once and their outcomes are still passed on in input order; up to
    /// <see cref="ReorderWindow"/> × concurrency finished outcomes wait behind a slow one.
    /// </summary>
    public PipelineFlow<TOut> Then<TOut>(IRecordStage<T, TOut> stage, int concurrency = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        return Chain(stage, calls: concurrency, window: concurrency == 1 ? 0 : ReorderWindow * concurrency);
    }

    /// <summary>
    /// Adds a per-record stage that bounds its own work: downloads through an HTTP client that
    /// keeps <paramref name="concurrency"/> in flight for all hosts and a limit per host. Every
    /// record of the window (<see cref="ReorderWindow"/> × <paramref name="concurrency"/>) gets its
    /// call at once, so a call waiting for its busy host does not stop the calls behind it from
    /// downloading from the other hosts, as a fixed number of calls would: with per-host limits,
    /// a run of URLs on one host would otherwise fill every call with waiting. Outcomes still
    /// leave in input order and at most the window's records are held, as with
    /// <see cref="Then{TOut}(IRecordStage{T, TOut}, int)"/>.
    /// </summary>
    public PipelineFlow<TOut> ThenSelfLimited<TOut>(IRecordStage<T, TOut> stage, int concurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        return Chain(stage, calls: ReorderWindow * concurrency, window: ReorderWindow * concurrency);
    }

    /// <summary><paramref name="calls"/> calls at once; with more than one, <paramref name="window"/> outcomes held for the input order.</summary>
    private PipelineFlow<TOut> Chain<TOut>(IRecordStage<T, TOut> stage, int calls, int window)
    {
        return new PipelineFlow<TOut>(context =>
        {
            var input = _start(context);
            var output = context.CreateChannel<TOut>();
            var counters = context.Counters.For(stage.Name);
            if (calls == 1)
            {
                context.Start(output.Writer, async token =>
                {
                    await foreach (var item in input.ReadAllAsync(token))
                    {
                        var outcome = await InvokeAsync(stage, counters, item, token);
                        await RouteAsync(context, stage.Name, counters, outcome, item, output.Writer, token);
                    }
                });
            }
            else
            {
                // At most `calls` calls run at once (the semaphore), but results wait for their
                // turn in a queue of `window`, so a slow head record does not stop new calls from
                // starting: the others overtake it until the queue is full. Reading the queue in
                // order is what keeps the output in input order; its bound is what keeps memory
                // bounded (for load_images, that many images at most).
                var slots = new SemaphoreSlim(calls);
                var pending = Channel.CreateBounded<(T Item, Task<StageOutcome<TOut>> Result)>(
                    new BoundedChannelOptions(window) { SingleReader = true, SingleWriter = true });
                context.Start(pending.Writer, async token =>
                {
                    await foreach (var item in input.ReadAllAsync(token))
                    {
                        await slots.WaitAsync(token);
                        var result = Task.Run(
                            async () =>
                            {
                                try
                                {
                                    return await InvokeAsync(stage, counters, item, token);
                                }
                                finally
                                {
                                    slots.Release();
                                }
                            },
                            token);
                        await pending.Writer.WriteAsync((item, result), token);
                    }
                });
                context.Start(output.Writer, async token =>
                {
                    await foreach (var (item, result) in pending.Reader.ReadAllAsync(token))
                    {
                        var outcome = await result;
                        await RouteAsync(context, stage.Name, counters, outcome, item, output.Writer, token);
                    }
                });
            }

            return output.Reader;
        });
    }

    /// <summary>Adds a stage that sees the task's whole stream in order (dedup, batching).</summary>
    public PipelineFlow<TOut> Then<TOut>(IStreamStage<T, TOut> stage) => new(context =>
    {
        var input = _start(context);
        var output = context.CreateChannel<TOut>();
        var counters = context.Counters.For(stage.Name);
        context.Start(output.Writer, async token =>
        {
            async IAsyncEnumerable<T> Counted()
            {
                await foreach (var item in input.ReadAllAsync(token))
                {
                    counters.CountIn();
                    yield return item;
                }
            }

            await foreach (var outcome in stage.ProcessAsync(Counted(), token).WithCancellation(token))
            {
                await RouteAsync(context, stage.Name, counters, outcome, fallbackSubject: null, output.Writer, token);
            }
        });
        return output.Reader;
    });

    /// <summary>
    /// Runs the flow into <paramref name="sink"/> and completes the sink after the last record.
    /// Throws the first failure of any link, or <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> stopped the run; the sink is then left incomplete.
    /// </summary>
    public async Task RunAsync(IRecordSink<T> sink, FlowSettings settings, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var context = new FlowContext(settings, linked);
        var input = _start(context);
        var counters = context.Counters.For(sink.Name);
        context.Start<T>(completeOnExit: null, async token =>
        {
            await foreach (var record in input.ReadAllAsync(token))
            {
                counters.CountIn();
                long started = Stopwatch.GetTimestamp();
                await sink.WriteAsync(record, token);
                counters.AddBusy(started);
                counters.CountOk();
            }

            await sink.CompleteAsync(token);
        });
        await context.WhenAllAsync(cancellationToken);
    }

    private static async ValueTask<StageOutcome<TOut>> InvokeAsync<TOut>(
        IRecordStage<T, TOut> stage, StageCounters counters, T item, CancellationToken token)
    {
        counters.CountIn();
        long started = Stopwatch.GetTimestamp();
        try
        {
            return await stage.ProcessAsync(item, token);
        }
        finally
        {
            counters.AddBusy(started);
        }
    }

    private static async ValueTask RouteAsync<TOut>(
        FlowContext context, string stageName, StageCounters counters, StageOutcome<TOut> outcome,
        object? fallbackSubject, ChannelWriter<TOut> output, CancellationToken token)
    {
        if (outcome.IsOk)
        {
            counters.CountOk();
            await output.WriteAsync(outcome.Value!, token);
        }
        else
        {
            context.Reject(stageName, counters, outcome, fallbackSubject as IKeyedRecord);
        }
    }
}

/// <summary>Per-run settings of a <see cref="PipelineFlow{T}"/>.</summary>
/// <param name="Rejects">Where dropped and failed records go.</param>
/// <param name="Counters">Stage counters to fill (the caller reads them for stats and progress).</param>
/// <param name="ChannelCapacity">Records buffered between two stages before the upstream one waits.</param>
public sealed record FlowSettings(IRejectSink Rejects, PipelineCounters Counters, int ChannelCapacity = 256);

/// <summary>The running links of one flow: their channels, tasks and first failure.</summary>
internal sealed class FlowContext(FlowSettings settings, CancellationTokenSource cancellation)
{
    private readonly List<Task> _tasks = [];
    private ExceptionDispatchInfo? _firstFailure;

    public PipelineCounters Counters => settings.Counters;

    public Channel<TItem> CreateChannel<TItem>() => Channel.CreateBounded<TItem>(
        new BoundedChannelOptions(settings.ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

    /// <summary>Runs one link; whatever happens, <paramref name="completeOnExit"/> is completed (with the failure, if any).</summary>
    public void Start<TItem>(ChannelWriter<TItem>? completeOnExit, Func<CancellationToken, Task> body)
    {
        var token = cancellation.Token;
        _tasks.Add(Task.Run(async () =>
        {
            Exception? failure = null;
            try
            {
                await body(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                failure = new OperationCanceledException(token);
            }
            catch (Exception ex)
            {
                failure = ex;
                if (Interlocked.CompareExchange(ref _firstFailure, ExceptionDispatchInfo.Capture(ex), null) is null)
                {
                    await cancellation.CancelAsync();
                }
            }
            finally
            {
                completeOnExit?.TryComplete(failure);
            }
        }, CancellationToken.None));
    }

    public void Reject<TOut>(string stage, StageCounters counters, StageOutcome<TOut> outcome, IKeyedRecord? fallbackSubject)
    {
        var subject = outcome.Subject ?? fallbackSubject
            ?? throw new InvalidOperationException($"Stage '{stage}' rejected a record without naming it (reason {outcome.Reason}).");
        string reason = outcome.Reason ?? throw new InvalidOperationException($"Stage '{stage}' rejected a record without a reason code.");
        counters.CountReject(outcome.Kind, reason);
        settings.Rejects.Write(RejectRecord.Of(subject, stage, outcome.Kind, reason, outcome.Detail));
    }

    public async Task WhenAllAsync(CancellationToken callerToken)
    {
        await Task.WhenAll(_tasks);
        _firstFailure?.Throw();
        callerToken.ThrowIfCancellationRequested();
    }
}
