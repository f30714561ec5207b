using MellaPipeline.Orchestration;
using MellaPipeline.Runs;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace MellaPipeline.Cli.Progress;

/// <summary>
/// A live progress bar on an interactive terminal (Spectre.Console, drawn on stderr so stdout stays
/// clean), and plain periodic log lines when stderr is redirected to a file or a pipe.
/// </summary>
public static partial class RunProgressDisplay
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    public static IRunProgressDisplay ForConsole() =>
        Console.IsErrorRedirected ? new LogLines(TimeProvider.System, LogInterval) : new Bar();

    public static string Describe(ProgressSnapshot s, double recordsPerSecond) => string.Create(
        CultureInfo.InvariantCulture,
        $"{s.TasksDone}/{s.TasksTotal} tasks · {s.RecordsRead:N0} read · {s.RowsWritten:N0} rows · {s.Rejected:N0} rejects · {recordsPerSecond:N0}/s");

    /// <summary>Periodic log lines; a final line when the run ends.</summary>
    public sealed partial class LogLines(TimeProvider time, TimeSpan interval) : IRunProgressDisplay
    {
        public IAsyncDisposable Start(RunProgress progress, ILogger logger)
        {
            // The timer starts now, not when the loop's task first runs, so ticks keep to the interval.
            var timer = new PeriodicTimer(interval, time);
            long started = time.GetTimestamp();
            return new Loop(stop => Task.Run(async () =>
            {
                using (timer)
                {
                    try
                    {
                        while (await timer.WaitForNextTickAsync(stop))
                        {
                            var snapshot = progress.Snapshot();
                            double seconds = time.GetElapsedTime(started).TotalSeconds;
                            LogProgress(logger, Describe(snapshot, snapshot.RecordsRead / Math.Max(seconds, 1e-3)));
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

    /// <summary>A Spectre.Console progress bar over tasks, with the record counts as its label.</summary>
    public sealed class Bar : IRunProgressDisplay
    {
        public IAsyncDisposable Start(RunProgress progress, ILogger logger)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return new Loop(stop => console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("starting", maxValue: progress.TasksTotal);
                    long started = TimeProvider.System.GetTimestamp();
                    while (true)
                    {
                        var snapshot = progress.Snapshot();
                        double seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
                        bar.Value = snapshot.TasksDone;
                        bar.Description = Markup.Escape(Describe(snapshot, snapshot.RecordsRead / Math.Max(seconds, 1e-3)));
                        context.Refresh();
                        if (stop.IsCancellationRequested)
                        {
                            break;
                        }

                        try
                        {
                            await Task.Delay(250, stop);
                        }
                        catch (OperationCanceledException)
                        {
                            // one last refresh above shows the final counts
                        }
                    }
                }));
        }
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
