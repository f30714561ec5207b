using System.Globalization;

namespace MellaPipeline.Stages;

/// <summary>
/// The one rule for score thresholds, for every stage that applies one (the map task's align and
/// safety stages, a caption layer's rows): a score is compared as stored (a float), so what a
/// threshold keeps is what <c>mella coverage</c> said it would keep.
/// </summary>
public static class ScoreThresholds
{
    /// <summary>The <c>alignment_low</c> detail when <paramref name="score"/> is below <paramref name="minScore"/>; null when kept (or no threshold).</summary>
    public static string? AlignmentLow(float score, double? minScore, string lang, string model) =>
        minScore is { } min && score < (float)min
            ? string.Create(CultureInfo.InvariantCulture, $"score {score:0.000} < {min:0.000} ({lang}) by {model}")
            : null;

    /// <summary>The <c>image_unsafe</c> detail when <paramref name="score"/> is above <paramref name="maxScore"/>; null when kept.</summary>
    public static string? Unsafe(float score, double maxScore, string model) =>
        score > (float)maxScore
            ? string.Create(CultureInfo.InvariantCulture, $"nsfw_score {score:0.000} > {maxScore:0.000} by {model}")
            : null;
}
