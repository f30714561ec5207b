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
            if (UserFile.ReadAllLines(files[f].FullName, WholeFileBytes, out string? unreadable) is not { } read)
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

    /// <summary>
    /// Files up to this size are read and decoded whole, what makes <c>mella score</c> fast (100k
    /// caption pairs are ~10 MB); larger ones line by line, so memory stays bounded by the lines.
    /// </summary>
    private const long WholeFileBytes = 256L << 20;
}
