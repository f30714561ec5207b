using MellaPipeline.Orchestration;
using MellaPipeline.Runs;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace MellaPipeline.Cli.Progress;

/// <summary>
/// A live progress bar per phase on an interactive terminal (Spectre.Console, drawn on stderr so stdout stays
/// clean), and plain log lines when stderr is redirected to a file or a pipe. What the lines say is <see cref="ProgressText"/>'s.
/// </summary>
public static partial class RunProgressDisplay
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    public static IRunProgressDisplay ForConsole() => Console.IsErrorRedirected
        ? new LogLines(TimeProvider.System, LogInterval)
        : new Bar(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), TimeSpan.FromMilliseconds(250));

    /// <summary>A line every <paramref name="interval"/>, one as each phase starts and ends, and the final line.</summary>
    public sealed partial class LogLines(TimeProvider time, TimeSpan interval) : IRunProgressDisplay
    {
        public IAsyncDisposable Start(RunProgress progress, ILogger logger)
        {
            progress.PhaseStarted += phase => LogProgress(logger, ProgressText.Started(phase));
            progress.TotalKnown += phase => LogProgress(logger, ProgressText.TotalKnown(phase));
            progress.PhaseEnded += phase => LogProgress(logger, ProgressText.Ended(phase, progress.Snapshot()));
            progress.Completed += summary => LogProgress(logger, ProgressText.Final(summary));

            // The timer starts now, not when the loop's task first runs, so ticks keep to the interval.
            var timer = new PeriodicTimer(interval, time);
            return new Loop(stop => Task.Run(async () =>
            {
                using (timer)
                {
                    try
                    {
                        while (await timer.WaitForNextTickAsync(stop))
                        {
                            LogProgress(logger, ProgressText.Now(progress));
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        // disposed: the run is over
                    }
                }
            }));
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "progress: {Progress}")]
        private static partial void LogProgress(ILogger logger, string progress);
    }

    /// <summary>One Spectre.Console bar per phase (indeterminate while its total is unknown), then a last row with the summary's figures.</summary>
    public sealed class Bar(IAnsiConsole console, TimeSpan refresh) : IRunProgressDisplay
    {
        public IAsyncDisposable Start(RunProgress progress, ILogger logger) => new Loop(stop => console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bars = new Dictionary<object, ProgressTask>();
                while (true)
                {
                    bool over = stop.IsCancellationRequested;
                    foreach (var row in ProgressText.Rows(progress))
                    {
                        var bar = bars.TryGetValue(row.Key, out var known) ? known : bars[row.Key] = context.AddTask(Markup.Escape(row.Text));
                        (bar.IsIndeterminate, bar.MaxValue, bar.Value, bar.Description) = (row.Max is null, row.BarMax, row.BarValue, Markup.Escape(row.Text));
                        if (row.Ended)
                        {
                            bar.StopTask();
                        }
                    }

                    context.Refresh();
                    if (over)
                    {
                        break;
                    }

                    // Cancelled: one more round above draws the final state.
                    await Task.Delay(refresh, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }));
    }

    /// <summary>A display's drawing loop, running until the display is disposed (the run is over).</summary>
    private sealed class Loop : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;

        public Loop(Func<CancellationToken, Task> run) => _task = run(_stop.Token);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _task;
            _stop.Dispose();
        }
    }
}
