using MellaPipeline.Cli.Progress;
using Microsoft.Extensions.DependencyInjection;
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
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.FormatterName = PlainLogFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<PlainLogFormatter, ConsoleFormatterOptions>();
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
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
}
