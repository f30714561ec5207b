using System.Globalization;

namespace MellaPipeline.Stages;

/// <summary>
/// A threshold on a score: the lowest kept (<paramref name="IsMinimum"/>) or the highest, and the
/// reason code of the rows it drops. The one rule for every stage that applies one (the map task's
/// align and safety stages, a caption layer's rows): a score is compared as stored (a float), so
/// what a threshold keeps is what <c>mella coverage</c> said it would keep.
/// </summary>
/// <param name="Label">The score's name in the reject's detail.</param>
/// <param name="Scope">What the threshold is for, after it in the detail (<c> (th)</c>), or empty.</param>
public readonly record struct ScoreLimit(string Reason, string Label, double Threshold, bool IsMinimum, string Scope = "")
{
    public bool Drops(float score) => float.IsNaN(score) || (IsMinimum ? score < (float)Threshold : score > (float)Threshold);

    public string Detail(float score, string modelId) =>
        string.Create(CultureInfo.InvariantCulture, $"{Label} {score:F3} {(IsMinimum ? "<" : ">")} {Threshold:F3}{Scope} by {modelId}");
}
