namespace MellaPipeline.Datasets.Splits;

/// <summary>What keeps pairs together on one side of a split.</summary>
public enum SplitGrouping
{
    /// <summary>All pairs of a near-duplicate cluster (<c>dup_cluster</c>): the same photo never sits on both sides.</summary>
    Cluster,

    /// <summary>Clusters, and also all pairs of a web host: a site's style and captions never sit on both sides.</summary>
    Domain,
}

/// <summary>How <c>mella split</c> chooses the eval side.</summary>
/// <param name="EvalPerLanguage">Eval rows per language: a count when 1 or more, a fraction of the language's rows when below 1.</param>
/// <param name="MinPerSource">Eval rows each source of a language gets at least (when it has them); null = a tenth of the language's eval count, at least 1.</param>
/// <param name="Seed">Which of the equally good splits: the same seed and input give byte-identical output.</param>
/// <param name="GroupBy">What must not cross the split.</param>
/// <param name="Sft">Also write the fine-tuning conversations and their images (<c>sft/</c>).</param>
public sealed record SplitSettings(double EvalPerLanguage, int? MinPerSource, long Seed, SplitGrouping GroupBy, bool Sft)
{
    public const double DefaultEvalPerLanguage = 1000;

    /// <summary>A fraction above this would leave less in train than in eval.</summary>
    public const double MaxEvalFraction = 0.5;

    /// <summary>The eval quota of each language × source, given its rows and its language's rows.</summary>
    /// <remarks>
    /// Proportional to the source's share of the language, raised to the minimum per source, and
    /// never more than half of the stratum's rows, so train keeps every language × source too.
    /// </remarks>
    public long Quota(long stratumRows, long languageRows)
    {
        long target = EvalPerLanguage >= 1
            ? (long)EvalPerLanguage
            : (long)Math.Round(EvalPerLanguage * languageRows, MidpointRounding.AwayFromZero);
        long minimum = MinPerSource ?? Math.Max(1, (target + 9) / 10);
        long share = (long)Math.Round((double)target * stratumRows / Math.Max(1, languageRows), MidpointRounding.AwayFromZero);
        long quota = Math.Max(share, Math.Min(minimum, stratumRows));
        return Math.Min(quota, stratumRows / 2);
    }
}
