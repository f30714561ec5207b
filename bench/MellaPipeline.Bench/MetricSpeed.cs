using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Metrics;

namespace MellaPipeline.Bench;

/// <summary>
/// In-process throughput of each metric on the line-aligned files <c>bench/metrics/metric_bench.py</c>
/// writes (<c>LANG.hyp</c>, <c>LANG.ref</c>): tokenization included, process start-up excluded,
/// best of <c>rounds</c> after a warm-up, on <c>threads</c> threads. One JSON line per language and metric.
/// </summary>
public static class MetricSpeed
{
    public static int Run(string folder, int rounds, string matching, int threads)
    {
        foreach (string hypFile in Directory.GetFiles(folder, "*.hyp").Order(StringComparer.Ordinal))
        {
            string lang = Path.GetFileNameWithoutExtension(hypFile);
            var hyps = File.ReadAllLines(hypFile);
            var refs = File.ReadAllLines(Path.ChangeExtension(hypFile, ".ref"));
            foreach (var (metric, tokenize) in new[] { (MetricNames.Bleu, "13a"), (MetricNames.Bleu, (string?)null), (MetricNames.RougeL, null), (MetricNames.Meteor, null), (MetricNames.Keyword, null) })
            {
                var scorer = new CaptionScorer(lang, new ScoreOptions(Tokenize: tokenize, StemMatching: matching == "stem"));
                double score = 0, best = double.MaxValue;
                for (int round = 0; round <= rounds; round++)
                {
                    var clock = Stopwatch.StartNew();
                    var samples = CaptionScorer.ScoreAll(lang, new ScoreOptions(Tokenize: tokenize, StemMatching: matching == "stem"), hyps.Length,
                        i => (hyps[i], [refs[i]], null), metric, threads);
                    score = scorer.Aggregate(metric, samples);
                    clock.Stop();
                    if (round > 0)
                    {
                        best = Math.Min(best, clock.Elapsed.TotalSeconds);
                    }
                }

                string name = tokenize is null ? metric : $"{metric}-{tokenize}";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"lang\": \"{lang}\", \"metric\": \"{name}\", \"score\": {score:R}, \"pairs_per_second\": {hyps.Length / best:F0}, \"threads\": {threads}}}"));
            }
        }

        return 0;
    }
}
