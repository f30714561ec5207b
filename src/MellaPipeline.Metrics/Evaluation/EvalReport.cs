using System.Globalization;
using MellaPipeline.Metrics;

namespace MellaPipeline.Metrics.Evaluation;

/// <summary>One metric of one language × source: the score (0–100) with its bootstrap interval (null without resamples); with a baseline, its score and the difference.</summary>
public sealed record EvalResult(string Lang, string Source, string Metric, double Score, double[]? Ci95, int N, string Signature, double? Baseline = null, double? Delta = null);

/// <summary><c>mella eval --json</c>: results, then what was wrong with the inputs.</summary>
public sealed record EvalReport(IReadOnlyList<EvalResult> Results, EvalErrors Errors, EvalErrors? BaselineErrors)
{
    /// <summary>
    /// Scores every prediction against its references, per language × source × metric, with
    /// <paramref name="resamples"/>-draw bootstrap intervals; a missing prediction is scored as
    /// an empty one. With a <paramref name="baseline"/>, the same for it and the differences.
    /// </summary>
    public static EvalReport Build(
        IReadOnlyDictionary<string, EvalReference> references, IReadOnlyDictionary<string, string> predictions, EvalErrors errors,
        IReadOnlyDictionary<string, string>? baseline, EvalErrors? baselineErrors, ScoreOptions options, int resamples, int seed)
    {
        var results = new List<EvalResult>();
        foreach (var group in references.Values.GroupBy(r => (r.Lang, r.Source)).OrderBy(g => g.Key.Lang, StringComparer.Ordinal).ThenBy(g => g.Key.Source, StringComparer.Ordinal))
        {
            var scorer = new CaptionScorer(group.Key.Lang, options);
            var samples = group.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            var scores = CaptionScorer.ScoreAll(group.Key.Lang, options, samples.Count, i => (predictions.GetValueOrDefault(samples[i].Key, ""), samples[i].Texts, samples[i].Keywords));
            var baseScores = baseline is null ? null
                : CaptionScorer.ScoreAll(group.Key.Lang, options, samples.Count, i => (baseline.GetValueOrDefault(samples[i].Key, ""), samples[i].Texts, samples[i].Keywords));
            int referenceCount = samples.Max(r => r.Texts.Count);
            foreach (string metric in MetricNames.All.Append(MetricNames.KeywordAny))
            {
                double score = scorer.Aggregate(metric, scores);
                var (low, high) = scorer.Interval(metric, scores, resamples, seed);
                int n = metric is MetricNames.Keyword or MetricNames.KeywordAny ? scores.Count(s => s.Keywords.Keywords > 0) : scores.Length;
                double? before = baseScores is null ? null : Round(scorer.Aggregate(metric, baseScores));
                results.Add(new EvalResult(group.Key.Lang, group.Key.Source, metric, Round(score), resamples > 0 ? [Round(low), Round(high)] : null, n,
                    scorer.Signature(metric == MetricNames.KeywordAny ? MetricNames.Keyword : metric, referenceCount),
                    before, before is null ? null : Round(Round(score) - before.Value)));
            }
        }

        return new EvalReport(results, errors, baselineErrors);
    }

    private static double Round(double value) => Math.Round(value, 4);

    public void WriteTable(TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        bool compare = Results.Any(r => r.Baseline is not null);
        output.WriteLine(string.Create(inv, $"{"lang",-5} {"source",-7} {"metric",-12} {"n",6} {"score",8}  {"95% CI",-17}{(compare ? $" {"baseline",9} {"delta",8}" : "")}"));
        foreach (var r in Results)
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
