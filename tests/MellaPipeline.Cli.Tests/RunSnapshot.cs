using System.Security.Cryptography;

namespace MellaPipeline.Cli.Tests;

/// <summary>The files of a run directory: relative path → SHA-256 (and, when asked, modification time).</summary>
internal static class RunSnapshot
{
    public static SortedDictionary<string, string> Of(string runDir, Func<string, bool>? include = null, bool withTimes = false)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(runDir, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(runDir, file);
            if (include is null || include(relative))
            {
                string hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
                files[relative] = withTimes ? $"{hash} {File.GetLastWriteTimeUtc(file):O}" : hash;
            }
        }

        return files;
    }

    /// <summary>
    /// What must be identical between an interrupted-then-resumed run and an uninterrupted one: shards,
    /// manifest, rejects and markers (stats and summary also hold timings; config.json the worker count).
    /// </summary>
    public static SortedDictionary<string, string> Dataset(string runDir) =>
        Of(runDir, p => p.StartsWith("shards/", StringComparison.Ordinal) || p.StartsWith("rejects/", StringComparison.Ordinal)
            || p.StartsWith("completions/", StringComparison.Ordinal));
}
