namespace MellaPipeline.Datasets.Coverage;

/// <summary>How many pairs a threshold would keep: <c>min_score</c> keeps scores at or above it, <c>max_score</c> at or below.</summary>
public sealed record ThresholdKeep(double Threshold, long Kept, double Share);

/// <summary>
/// The distribution of one score column (<c>align_score</c>, <c>nsfw_score</c>) in one language and
/// source: how many rows carry it, its quantiles, a 20-bin histogram over its range, and what each
/// threshold on a 0.05 grid would keep — the figures a user picks <c>min_score</c> or
/// <c>max_score</c> from after a run that only scored.
/// </summary>
/// <param name="Keeps">Which side of a threshold stays: <c>at_or_above</c> (alignment) or <c>at_or_below</c> (safety).</param>
/// <param name="Unscored">Rows of the group without this score (no image, or the stage was off when they were made).</param>
public sealed record ScoreDistribution(
    long Scored, long Unscored, double Min, double P05, double P25, double P50, double P75, double P95, double Max,
    string Keeps, IReadOnlyList<long> Histogram, IReadOnlyList<ThresholdKeep> Thresholds)
{
    public const string KeepsAbove = "at_or_above";
    public const string KeepsBelow = "at_or_below";
    private const int Bins = 20;
    private const double Step = 0.05;

    /// <summary>The distribution of <paramref name="scores"/> (sorted here); null when no row has the score.</summary>
    public static ScoreDistribution? Of(List<float> scores, long unscored, bool keepsAbove)
    {
        if (scores.Count == 0)
        {
            return null;
        }

        scores.Sort();
        double Rank(double q) => Math.Round(scores[Math.Clamp((int)Math.Ceiling(q * scores.Count) - 1, 0, scores.Count - 1)], 4);
        double min = scores[0], max = scores[^1];
        var histogram = new long[Bins];
        double width = (max - min) / Bins;
        foreach (float score in scores)
        {
            histogram[width <= 0 ? 0 : Math.Min(Bins - 1, (int)((score - min) / width))]++;
        }

        // The grid spans the observed range, so every threshold listed keeps something different.
        var thresholds = new List<ThresholdKeep>();
        for (int k = (int)Math.Floor(min / Step); k <= (int)Math.Ceiling(max / Step); k++)
        {
            double t = Math.Round(k * Step, 2);

            // The stages' own rule decides what is kept; sorted scores put the dropped ones at one end.
            var limit = new Stages.ScoreLimit(string.Empty, string.Empty, t, IsMinimum: keepsAbove);
            long kept = keepsAbove ? scores.Count - PrefixLength(scores, limit.Drops) : PrefixLength(scores, s => !limit.Drops(s));
            thresholds.Add(new ThresholdKeep(t, kept, Math.Round((double)kept / scores.Count, 4)));
        }

        return new ScoreDistribution(
            scores.Count, unscored, Math.Round(min, 4), Rank(0.05), Rank(0.25), Rank(0.5), Rank(0.75), Rank(0.95), Math.Round(max, 4),
            keepsAbove ? KeepsAbove : KeepsBelow, histogram, thresholds);
    }

    /// <summary>How many of the sorted <paramref name="scores"/> from the start satisfy <paramref name="inPrefix"/> (true up to some index, false after it).</summary>
    private static int PrefixLength(List<float> scores, Func<float, bool> inPrefix)
    {
        int low = 0, high = scores.Count;
        while (low < high)
        {
            int middle = (low + high) / 2;
            (low, high) = inPrefix(scores[middle]) ? (middle + 1, high) : (low, middle);
        }

        return low;
    }
}
