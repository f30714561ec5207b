using MellaPipeline.Orchestration;
using MellaPipeline.Runs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Cli.Hosting;

/// <summary>Runs the requested pipeline once, records the exit code, then stops the host.</summary>
public sealed partial class PipelineRunService(
    LocalRunCoordinator coordinator,
    RunOutcome outcome,
    IHostApplicationLifetime lifetime,
    ILogger<PipelineRunService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            outcome.ExitCode = await coordinator.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            outcome.ExitCode = ExitCodes.Interrupted;
            LogInterrupted(logger);
        }
        catch (RunDirectoryException ex)
        {
            outcome.ExitCode = ExitCodes.BadInput;
            await Console.Error.WriteLineAsync($"mella run: {ex.Message}");
        }
        catch (Exception ex)
        {
            // Infrastructure (disk full, permissions) or a bug: the run stops here, with what
            // went wrong on one line; completed tasks keep their outputs and markers.
            outcome.ExitCode = ExitCodes.CheckFailed;
            LogRunStopped(logger, ex.Message, ex);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "interrupted: completed tasks are kept; run the same command again to finish the others")]
    private static partial void LogInterrupted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "run stopped: {Problem}")]
    private static partial void LogRunStopped(ILogger logger, string problem, Exception exception);
}
