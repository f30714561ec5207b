using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace MellaPipeline.Cli.Hosting;

/// <summary>
/// One line per log entry, <c>HH:mm:ss level: message</c>, without category names or event ids:
/// the run's log is read by people and grepped by scripts.
/// </summary>
public sealed class PlainLogFormatter(TimeProvider time) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "mella";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        string level = logEntry.LogLevel switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "error",
            _ => "fatal",
        };
        textWriter.Write(time.GetLocalNow().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(' ');
        textWriter.Write(level);
        textWriter.Write(": ");
        textWriter.Write(message);
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(" (");
            textWriter.Write(exception.GetType().Name);
            textWriter.Write(": ");
            textWriter.Write(exception.Message.ReplaceLineEndings(" "));
            textWriter.Write(')');
        }

        textWriter.WriteLine();
    }
}
