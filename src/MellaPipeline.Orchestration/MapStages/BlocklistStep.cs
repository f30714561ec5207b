using MellaPipeline.Config;
using MellaPipeline.Dedup;
using MellaPipeline.Images;

namespace MellaPipeline.Orchestration.MapStages;

/// <summary>
/// <c>stages.safety.blocklist</c>. The check itself runs inside <c>load_images</c>
/// (<see cref="Stages.LoadImageStage"/>), not as a row stage after it: only there can a listed
/// image be caught before another reject (too large, too small, a wrong aspect ratio) would
/// record its URL. This class reads the lists — once per process, shared by its tasks (a list of
/// millions of lines is not read again for every task) — and gives the load-time check its problem.
/// </summary>
public static class BlocklistStep
{
    private static readonly Lock Gate = new();
    private static (string Key, HashBlocklist List)? _loaded;

    /// <summary>
    /// Null when every <c>stages.safety.blocklist</c> file is readable and each line is a SHA-256
    /// (64 hex digits) or a pHash (16), optionally with a tab and an id, a <c>#</c> comment or
    /// blank; otherwise one line naming the file (and line): the load-time check (exit 2).
    /// </summary>
    public static string? BlocklistProblem(SafetyOptions options) =>
        options.Blocklist.Count == 0 || HashBlocklist.Read(options.Blocklist, options.BlocklistThreshold, out string? problem) is not null
            ? null
            : $"stages.safety.blocklist: {problem}";

    /// <summary>The pipeline's blocklist, or null when it lists none.</summary>
    /// <exception cref="ConfigException">A file became unusable after the load-time check.</exception>
    public static IImageBlocklist? For(SafetyOptions options)
    {
        if (options.Blocklist.Count == 0)
        {
            return null;
        }

        // The files' sizes and times are in the key: a list edited between two runs of one process is read again.
        string key = string.Join('\n', options.Blocklist.Select(f => $"{f}\t{new FileInfo(f).Length}\t{File.GetLastWriteTimeUtc(f).Ticks}")
            .Prepend(options.BlocklistThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        lock (Gate)
        {
            if (_loaded is { } loaded && loaded.Key == key)
            {
                return loaded.List;
            }

            var list = HashBlocklist.Read(options.Blocklist, options.BlocklistThreshold, out string? problem)
                ?? throw new ConfigException("pipeline", null, "stages.safety.blocklist", problem!);
            _loaded = (key, list);
            return list;
        }
    }
}
