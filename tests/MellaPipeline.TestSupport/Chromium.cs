using System.Diagnostics;

namespace MellaPipeline.TestSupport;

/// <summary>
/// Debian's headless Chromium (<c>/usr/bin/chromium</c>, which <c>scripts/test</c> installs), run once
/// with everything that could reach the network off and a fresh profile, killed after
/// <see cref="MellaProcess.HangLimit"/>. A machine without it fails the test with how to install it: a render test
/// that skips would pass without rendering anything.
/// </summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>The options every run gets: headless, no sandbox (tests run as root in containers), no GPU, nothing fetched in the background.</summary>
    public static readonly IReadOnlyList<string> Quiet =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps",
    ];

    /// <summary>Runs Chromium with <see cref="Quiet"/>, <c>--user-data-dir=<paramref name="profile"/></c> and <paramref name="args"/>.</summary>
    /// <exception cref="InvalidOperationException">Chromium is not installed.</exception>
    /// <exception cref="TimeoutException">Chromium did not finish within <see cref="MellaProcess.HangLimit"/>.</exception>
    public static async Task<MellaResult> RunAsync(string profile, IEnumerable<string> args)
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"{Path} is missing: the render tests need Debian's chromium (scripts/test installs it; by hand: apt-get install -y chromium)");
        }

        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in Quiet.Append($"--user-data-dir={profile}").Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        // The same bounded wait as a mella process: killed with its children after MellaProcess.HangLimit.
        using var process = Process.Start(start)!;
        return await MellaProcess.WaitAsync(process);
    }
}
