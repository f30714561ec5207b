using MellaPipeline.Records;

namespace MellaPipeline.Datasets.Coverage;

/// <summary>
/// How often captions of one language × source kept the names of the native alt text of their
/// image (the entity retention check, <c>docs/METRICS.md</c>), summed over the run's caption
/// layers: for <c>mllm</c>, how often translation loses the culture the alt text names; for
/// <c>fused</c>, how often the fusion did before its rejects.
/// </summary>
/// <param name="Layers">Caption layers with figures for this language × source.</param>
/// <param name="Checked">Captions checked against a native alt text of their image and language.</param>
/// <param name="AllKept">Of those, captions that kept every name.</param>
/// <param name="Names">Names of the alt texts, summed over the captions checked.</param>
/// <param name="Kept">Of those names, the ones kept.</param>
public sealed record RetentionCoverage(string Lang, string Source, int Layers, long Checked, long AllKept, long Names, long Kept)
{
    /// <summary>The share of captions checked that kept every name, 0–1; null when none was checked.</summary>
    public double? AllKeptShare => Checked == 0 ? null : Math.Round((double)AllKept / Checked, 6);

    /// <summary>The share of names kept, 0–1; null without names.</summary>
    public double? NamesKeptShare => Names == 0 ? null : Math.Round((double)Kept / Names, 6);

    /// <summary>The figures of every layer summed per language × source, in language then source order; layers without figures add nothing.</summary>
    public static IReadOnlyList<RetentionCoverage> Of(IEnumerable<CaptionLayerFigures> layers) =>
        layers.SelectMany(layer => layer.Retention ?? [])
            .Where(r => r is { Lang: not null, Source: not null })
            .GroupBy(r => (r.Lang, r.Source))
            .OrderBy(g => g.Key.Lang, StringComparer.Ordinal).ThenBy(g => PairSources.OrderOf(g.Key.Source)).ThenBy(g => g.Key.Source, StringComparer.Ordinal)
            .Select(g => new RetentionCoverage(g.Key.Lang, g.Key.Source, g.Count(), g.Sum(r => r.Checked), g.Sum(r => r.AllKept), g.Sum(r => r.Names), g.Sum(r => r.Kept)))
            .ToList();
}
