using MellaPipeline.Input;

namespace MellaPipeline.Metrics;

/// <summary>
/// <c>mella score</c>: one metric over a hypotheses file and line-aligned reference files, as one 0-100 score and the
/// metric's signature.
/// </summary>
public sealed record LineAlignedScore(double Score, string Signature)
{
    /// <summary>Scores <paramref name="files"/> (the hypotheses, then the references); null with the problem when a file is unusable or the line counts differ.</summary>
    public static LineAlignedScore? Compute(IReadOnlyList<FileInfo> files, string lang, string metric, ScoreOptions options, out string? problem)
    {
        var lines = new string[files.Count][];
        for (int f = 0; f < files.Count; f++)
        {
            if (ReadLines(files[f].FullName, out string? unreadable) is not { } read)
            {
                problem = $"{files[f]}: {unreadable}";
                return null;
            }

            lines[f] = read;
        }

        if (Array.FindIndex(lines, l => l.Length != lines[0].Length) is var bad and > 0)
        {
            problem = $"{files[bad]} has {lines[bad].Length} lines, {files[0]} has {lines[0].Length}";
            return null;
        }

        problem = null;
        var scorer = new CaptionScorer(lang, options);
        var samples = CaptionScorer.ScoreAll(lang, options, lines[0].Length, i => (lines[0][i], lines.Length == 2 ? [lines[1][i]] : lines[1..].Select(r => r[i]).ToArray(), null), only: metric);
        return new LineAlignedScore(scorer.Aggregate(metric, samples), scorer.Signature(metric, files.Count - 1));
    }

    /// <summary>Files up to this size are read whole (a line-aligned file of captions is far smaller); larger ones line by line.</summary>
    private const long WholeFileBytes = 1L << 30;

    /// <summary>
    /// Lines without their line ends (a final newline does not make an empty last line), or null with
    /// the problem: not a regular file, a line over 1 MiB or not UTF-8. The file is read and decoded
    /// whole — what makes <c>mella score</c> fast — and line by line only to name a problem exactly.
    /// </summary>
    internal static string[]? ReadLines(string path, out string? problem)
    {
        var read = UserFile.ReadAllBytes(path, WholeFileBytes);
        if (read.Ok && System.Text.Unicode.Utf8.IsValid(read.Bytes) && SplitLines(read.Bytes) is { } whole)
        {
            problem = null;
            return whole;
        }

        var lines = new List<string>();
        foreach (var (number, text, lineProblem) in UserFile.ReadLines(path))
        {
            if (text is null)
            {
                problem = number == 0 ? lineProblem : $"line {number}: {lineProblem}";
                return null;
            }

            lines.Add(text);
        }

        problem = null;
        return [.. lines];
    }

    /// <summary>The lines of valid UTF-8 as <see cref="UserFile.ReadLines"/> cuts them (\n, a \r before it dropped, a BOM at the start dropped); null when one is too long.</summary>
    private static string[]? SplitLines(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var lines = new List<string>();
        while (bytes.Length > 0)
        {
            int end = bytes.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            if (line.Length > UserFile.MaxLineBytes)
            {
                return null;
            }

            lines.Add(System.Text.Encoding.UTF8.GetString(line.EndsWith("\r"u8) ? line[..^1] : line));
            bytes = end < 0 ? default : bytes[(end + 1)..];
        }

        return [.. lines];
    }
}
