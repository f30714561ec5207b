using System.Globalization;
using MellaPipeline.Metrics;

namespace MellaPipeline.Metrics.Evaluation;

/// <summary>One metric of one language × source: the score (0–100) with its bootstrap interval (null without resamples); with a baseline, its score and the difference.</summary>
public sealed record EvalResult(string Lang, string Source, string Metric, double Score, double[]? Ci95, int N, string Signature, double? Baseline = null, double? Delta = null);

/// <summary>
/// <c>mella eval --json</c>: results per language × source; per source over all languages
/// (<see cref="EvalReport.AllLanguages"/> as their lang); then what was wrong with the inputs.
/// </summary>
public sealed record EvalReport(IReadOnlyList<EvalResult> Results, IReadOnlyList<EvalResult> PerSource, EvalErrors Errors, EvalErrors? BaselineErrors)
{
    /// <summary>The lang of a per-source result, which pools the samples of every language.</summary>
    public const string AllLanguages = "all";

    /// <summary>
    /// Scores every prediction against its references, per language × source × metric, with
    /// <paramref name="resamples"/>-draw bootstrap intervals; a missing prediction is scored as
    /// an empty one. Then per source over all languages: each sample scored by its own language's
    /// scorer, BLEU from the statistics of all of them summed, the other metrics as means of the
    /// per-sample values, the bootstrap over those samples. With a <paramref name="baseline"/>,
    /// the same for it and the differences.
    /// </summary>
    public static EvalReport Build(
        IReadOnlyDictionary<string, EvalReference> references, IReadOnlyDictionary<string, string> predictions, EvalErrors errors,
        IReadOnlyDictionary<string, string>? baseline, EvalErrors? baselineErrors, ScoreOptions options, int resamples, int seed)
    {
        var results = new List<EvalResult>();
        var bySource = new SortedDictionary<string, List<Scored>>(StringComparer.Ordinal);
        foreach (var group in references.Values.GroupBy(r => (r.Lang, r.Source)).OrderBy(g => g.Key.Lang, StringComparer.Ordinal).ThenBy(g => g.Key.Source, StringComparer.Ordinal))
        {
            var scorer = new CaptionScorer(group.Key.Lang, options);
            var samples = group.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            var scores = CaptionScorer.ScoreAll(group.Key.Lang, options, samples.Count, i => (predictions.GetValueOrDefault(samples[i].Key, ""), samples[i].Texts, samples[i].Keywords));
            var baseScores = baseline is null ? null
                : CaptionScorer.ScoreAll(group.Key.Lang, options, samples.Count, i => (baseline.GetValueOrDefault(samples[i].Key, ""), samples[i].Texts, samples[i].Keywords));
            var scored = new Scored(scorer, scores, baseScores, samples.Max(r => r.Texts.Count));
            Add(results, group.Key.Lang, group.Key.Source, [scored], resamples, seed);
            if (!bySource.TryGetValue(group.Key.Source, out var pooled))
            {
                pooled = [];
                bySource[group.Key.Source] = pooled;
            }

            pooled.Add(scored);
        }

        var perSource = new List<EvalResult>();
        foreach (var (source, groups) in bySource)
        {
            Add(perSource, AllLanguages, source, groups, resamples, seed);
        }

        return new EvalReport(results, perSource, errors, baselineErrors);
    }

    /// <summary>One language × source scored: its scorer, the samples' scores (and the baseline's), its most references of a sample.</summary>
    private sealed record Scored(CaptionScorer Scorer, SampleScores[] Scores, SampleScores[]? BaseScores, int References);

    /// <summary>
    /// The five results of the samples of <paramref name="groups"/> together. Aggregating needs no
    /// language: BLEU's score of summed statistics and the means are the same whichever language's
    /// scorer computes them (same options), so the first group's does.
    /// </summary>
    private static void Add(List<EvalResult> results, string lang, string source, IReadOnlyList<Scored> groups, int resamples, int seed)
    {
        var scorer = groups[0].Scorer;
        var scores = groups.SelectMany(g => g.Scores).ToArray();
        var baseScores = groups[0].BaseScores is null ? null : groups.SelectMany(g => g.BaseScores!).ToArray();
        foreach (string metric in MetricNames.All.Append(MetricNames.KeywordAny))
        {
            double score = scorer.Aggregate(metric, scores);
            var (low, high) = scorer.Interval(metric, scores, resamples, seed);
            int n = metric is MetricNames.Keyword or MetricNames.KeywordAny ? scores.Count(s => s.Keywords.Keywords > 0) : scores.Length;
            double? before = baseScores is null ? null : Round(scorer.Aggregate(metric, baseScores));
            string signatureMetric = metric == MetricNames.KeywordAny ? MetricNames.Keyword : metric;

            // A pooled figure names every language's scorer: the languages' tokenizers differ.
            string signature = string.Join(" + ", groups.Select(g => g.Scorer.Signature(signatureMetric, g.References)).Distinct());
            results.Add(new EvalResult(lang, source, metric, Round(score), resamples > 0 ? [Round(low), Round(high)] : null, n,
                signature, before, before is null ? null : Round(Round(score) - before.Value)));
        }
    }

    private static double Round(double value) => Math.Round(value, 4);

    public void WriteTable(TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        bool compare = Results.Any(r => r.Baseline is not null);
        output.WriteLine(string.Create(inv, $"{"lang",-5} {"source",-7} {"metric",-12} {"n",6} {"score",8}  {"95% CI",-17}{(compare ? $" {"baseline",9} {"delta",8}" : "")}"));
        foreach (var r in Results.Concat(PerSource))
        {
            output.WriteLine(string.Create(inv,
                $"{r.Lang,-5} {r.Source,-7} {r.Metric,-12} {r.N,6} {r.Score,8:F2}  {(r.Ci95 is { } ci ? string.Create(inv, $"[{ci[0],6:F2}, {ci[1],6:F2}]") : "-"),-16}{(compare ? $" {r.Baseline,9:F2} {r.Delta,8:+0.00;-0.00;0.00}" : "")}"));
        }

        Describe(output, "predictions", Errors);
        if (BaselineErrors is not null)
        {
            Describe(output, "baseline", BaselineErrors);
        }
    }

    private static void Describe(TextWriter output, string what, EvalErrors errors)
    {
        if (errors.Total == 0)
        {
            output.WriteLine($"{what}: no errors");
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {errors.Total} errors: {errors.Missing} missing, {errors.Duplicate} duplicate, {errors.Unknown} unknown keys, {errors.Malformed} malformed lines"));
        foreach (string example in errors.Examples.Take(10))
        {
            output.WriteLine("  " + example);
        }
    }
}
