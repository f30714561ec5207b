using System.Diagnostics;

namespace MellaPipeline.TestSupport;

/// <summary>
/// The independent reader of web archives for tests: <c>tests/MellaPipeline.Crawl.Tests/Reference/warc_img_alt.py</c>
/// (Python's standard library only). Each line: page URL, image index, alt status, src, alt (whitespace collapsed), charset source.
/// </summary>
public static class ArchiveReference
{
    public static List<string[]> Read(string archive)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "MellaPipeline.Crawl.Tests", "Reference", "warc_img_alt.py"));
        start.ArgumentList.Add(archive);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException("the reference archive reader did not finish in 60 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("the reference archive reader failed: " + error);
        }

        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
    }

    /// <summary>Collapses white space the way the reference does.</summary>
    public static string Collapse(string text) => string.Join(' ', text.Split((char[])[' ', '\t', '\n', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries));
}
