using MellaPipeline.Orchestration;
using MellaPipeline.Cli.Progress;
using MellaPipeline.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MellaPipeline.Cli.Hosting;

/// <summary>
/// Builds the generic host a pipeline runs in: logging to stderr, the console lifetime (Ctrl+C and
/// SIGTERM stop the host, which cancels the run), and the run as a hosted service.
/// </summary>
public static class PipelineHost
{
    public static async Task<int> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(60);
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });

        builder.Services.AddSingleton(request);
        builder.Services.AddSingleton<RunOutcome>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IRunProgressDisplay>(_ => RunProgressDisplay.ForConsole());
        builder.Services.AddSingleton<LocalRunCoordinator>();
        builder.Services.AddHostedService<PipelineRunService>();

        using var host = builder.Build();
        var outcome = host.Services.GetRequiredService<RunOutcome>();
        await host.RunAsync(cancellationToken);
        return outcome.ExitCode;
    }

    /// <summary>Plain log lines on stderr, Microsoft's own only from warnings up; shared by every command.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.Services.TryAddSingleton(TimeProvider.System);
        logging.AddConsole(o => o.FormatterName = PlainLogFormatter.FormatterName);
        logging.AddConsoleFormatter<PlainLogFormatter, ConsoleFormatterOptions>();
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>A logger factory for commands that run without a host.</summary>
    public static ILoggerFactory CreateLoggerFactory() => LoggerFactory.Create(ConfigureLogging);
}
