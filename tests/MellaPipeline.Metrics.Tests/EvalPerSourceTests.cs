using MellaPipeline.Metrics.Evaluation;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Metrics.Tests;

/// <summary>
/// <c>mella eval</c>'s figures per source over all languages, on real references in four
/// languages with figures checked by hand: BLEU from the summed statistics (not a mean of the
/// languages' BLEU), the other metrics as means of per-sample values.
/// </summary>
public class EvalPerSourceTests
{
    private static EvalReference Reference(string key, string lang, string source, string text) => new(key, lang, source, [text], null);

    /// <summary>
    /// native: a Czech caption predicted exactly (6 tokens) and a Russian one not at all (6 tokens);
    /// fused: a Thai and a Vietnamese caption predicted in part.
    /// </summary>
    private static readonly EvalReference[] References =
    [
        Reference("cs1", "cs", PairSources.Native, "Karlův most a Vltava v Praze"),
        Reference("ru1", "ru", PairSources.Native, "Храм Василия Блаженного на Красной площади"),
        Reference("th1", "th", PairSources.Fused, "ต้มยำกุ้งน้ำข้นในชามดินเผา"),
        Reference("vi1", "vi", PairSources.Fused, "Phở bò Hà Nội với hành lá"),
    ];

    private static readonly Dictionary<string, string> Predictions = new()
    {
        ["cs1"] = "Karlův most a Vltava v Praze",
        ["ru1"] = "",
        ["th1"] = "ต้มยำกุ้งในชาม",
        ["vi1"] = "Một bát phở bò nóng",
    };

    private static EvalReport Report(int resamples = 200, IReadOnlyDictionary<string, string>? baseline = null) =>
        EvalReport.Build(References.ToDictionary(r => r.Key), Predictions, new EvalErrors(), baseline, baseline is null ? null : new EvalErrors(), new ScoreOptions(), resamples, 7);

    private static EvalResult Result(EvalReport report, string source, string metric) =>
        report.PerSource.Single(r => r.Source == source && r.Metric == metric);

    [Fact]
    public void Bleu_of_a_source_is_one_score_of_the_statistics_summed_over_its_languages()
    {
        var report = Report();

        // Czech 100 and Russian 0 alone; pooled, every n-gram predicted is right (precisions 1) but the
        // prediction is 6 tokens against 12: brevity penalty exp(1 − 12/6), BLEU 100/e — not their mean 50.
        Assert.Equal(100, report.Results.Single(r => (r.Lang, r.Metric) == ("cs", "bleu")).Score, 6);
        Assert.Equal(0, report.Results.Single(r => (r.Lang, r.Metric) == ("ru", "bleu")).Score, 6);
        var bleu = Result(report, PairSources.Native, MetricNames.Bleu);
        Assert.Equal(Math.Round(100 * Math.Exp(-1), 4), bleu.Score);
        Assert.Equal((EvalReport.AllLanguages, 2), (bleu.Lang, bleu.N));

        // Each language scored by its own tokenizer, both named.
        Assert.Contains("tok:13a", bleu.Signature, StringComparison.Ordinal);
        Assert.Contains("tok:intl", bleu.Signature, StringComparison.Ordinal);
    }

    [Fact]
    public void The_word_metrics_of_a_source_are_means_of_its_samples_values()
    {
        var report = Report();

        // native: the Czech copy has ROUGE-L 1, keywords 4 of 4 and METEOR 1 − 0.5·(1/6)³; the empty Russian prediction 0.
        Assert.Equal(50, Result(report, PairSources.Native, MetricNames.RougeL).Score, 4);
        Assert.Equal(50, Result(report, PairSources.Native, MetricNames.Keyword).Score, 4);
        Assert.Equal(50, Result(report, PairSources.Native, MetricNames.KeywordAny).Score, 4);
        Assert.Equal(Math.Round(100 * (1 - (0.5 / 216)) / 2, 4), Result(report, PairSources.Native, MetricNames.Meteor).Score, 4);

        // fused: Thai 3 of its 7 keywords (ICU words found in the unspaced text), Vietnamese 2 of 6 (phở, bò; "hà" is not in "hành").
        Assert.Equal(Math.Round(100 * ((3.0 / 7) + (2.0 / 6)) / 2, 4), Result(report, PairSources.Fused, MetricNames.Keyword).Score, 4);
        Assert.Equal(100, Result(report, PairSources.Fused, MetricNames.KeywordAny).Score, 4);
        Assert.Equal(2, Result(report, PairSources.Fused, MetricNames.Keyword).N);
        Assert.Equal(["fused", "native"], report.PerSource.Select(r => r.Source).Distinct());
        Assert.All(report.PerSource, r => Assert.Equal(EvalReport.AllLanguages, r.Lang));
    }

    [Fact]
    public void A_source_s_interval_is_a_bootstrap_over_its_samples_and_a_baseline_gets_its_difference()
    {
        var baseline = References.ToDictionary(r => r.Key, _ => "");

        var report = Report(resamples: 200, baseline: baseline);

        foreach (var r in report.PerSource)
        {
            Assert.NotNull(r.Ci95);
            Assert.InRange(r.Ci95![0], 0, r.Score + 1e-9);
            Assert.InRange(r.Ci95[1], r.Score - 1e-9, 100);
            Assert.Equal(0, r.Baseline!.Value, 6);
            Assert.Equal(r.Score, r.Delta!.Value, 6);
        }

        // The native keyword values are 1 and 0: resamples of two give 0, 50 or 100, and 200 draws see both ends.
        Assert.Equal([0.0, 100.0], Result(report, PairSources.Native, MetricNames.Keyword).Ci95!);
        Assert.Null(Result(Report(resamples: 0), PairSources.Native, MetricNames.Keyword).Ci95);
    }

    [Fact]
    public void The_table_lists_the_per_source_rows_after_the_languages()
    {
        var output = new StringWriter();
        Report().WriteTable(output);
        var lines = output.ToString().Split('\n');

        int lastLanguage = Array.FindLastIndex(lines, l => l.StartsWith("vi    fused   ", StringComparison.Ordinal));
        int firstAll = Array.FindIndex(lines, l => l.StartsWith("all   ", StringComparison.Ordinal));
        Assert.True(lastLanguage >= 0 && firstAll > lastLanguage, output.ToString());
        Assert.Contains(lines, l => l.StartsWith("all   native  bleu              2    36.79", StringComparison.Ordinal));
        Assert.Equal(10, lines.Count(l => l.StartsWith("all   ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Fused_rows_of_a_split_s_eval_side_and_fused_jsonl_lines_are_references_of_their_own_source()
    {
        using var dir = new TempDir();
        var native = DatasetShards.Row("cs", "Karlův most a Vltava v Praze", imageSeed: 1);
        var fused = DatasetShards.Row("cs", "Ranní mlha nad Vltavou, Karlovým mostem a věžemi Prahy", imageSeed: 1, source: PairSources.Fused, groundedFrom: native.Key);
        await DatasetShards.WriteAsync(Path.Combine(dir.File("split"), "eval"), [native, fused]);
        File.WriteAllLines(dir.File("refs.jsonl"),
        [
            """{"key": "k1", "lang": "ko", "source": "fused", "reference": "여름날 부산 해운대 해수욕장에서 쉬는 사람들"}""",
            """{"key": "k2", "lang": "ko", "reference": "부산 해운대 해수욕장의 여름 풍경"}""",
        ]);

        var fromSplit = await EvalInputs.ReadReferencesAsync(dir.File("split"), CancellationToken.None);
        var fromJsonl = await EvalInputs.ReadReferencesAsync(dir.File("refs.jsonl"), CancellationToken.None);

        Assert.Equal((PairSources.Native, PairSources.Fused), (fromSplit[native.Key].Source, fromSplit[fused.Key].Source));
        Assert.Equal((PairSources.Fused, PairSources.Native), (fromJsonl["k1"].Source, fromJsonl["k2"].Source));
        var report = EvalReport.Build(fromSplit, new Dictionary<string, string> { [fused.Key] = fused.Text }, new EvalErrors(), null, null, new ScoreOptions(), 0, 1);
        Assert.Equal(100, report.Results.Single(r => (r.Lang, r.Source, r.Metric) == ("cs", "fused", "bleu")).Score, 6);
        Assert.Equal(0, report.Results.Single(r => (r.Lang, r.Source, r.Metric) == ("cs", "native", "bleu")).Score, 6);
        Assert.Equal(100, report.PerSource.Single(r => (r.Source, r.Metric) == ("fused", "bleu")).Score, 6);
    }
}
