using System.Diagnostics;

namespace MellaPipeline.TestSupport;

/// <summary>The result of running the real <c>mella</c> executable.</summary>
public sealed record MellaResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Starts the built <c>mella</c> as a separate process, as users do.</summary>
public static class MellaProcess
{
    /// <summary>No test run of mella takes this long; reaching it means a hang, which fails the test.</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(3);

    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        // Through env(1), which resets SIGINT and SIGTERM to their defaults: a test run started in
        // the background inherits SIGINT as ignored, and mella would never see the Ctrl+C the
        // interrupt tests send. env execs dotnet, so the process id is mella's.
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        info.ArgumentList.Add("--default-signal=INT,TERM");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(RepoPaths.MellaDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove(MellaPipeline.Runs.CrashPoints.EnvironmentVariable);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start mella");
    }

    public static async Task<MellaResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        using var process = Start(args, environment, workingDirectory);
        return await WaitAsync(process);
    }

    public static async Task<MellaResult> WaitAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(HangLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mella did not finish within {HangLimit}");
        }

        return new MellaResult(process.ExitCode, await stdout, await stderr);
    }
}
