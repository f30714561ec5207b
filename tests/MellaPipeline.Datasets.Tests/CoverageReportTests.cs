using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Datasets.Coverage;
using MellaPipeline.Json;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Datasets.Tests;

/// <summary>The coverage figures in-process on real shards, checked against DuckDB's own counts and against hand-counted cases.</summary>
public class CoverageReportTests
{
    private static LanguageId.LanguageIdentifier NoIdentifier() => throw new InvalidOperationException("no sample was asked for");

    /// <summary>
    /// Serbian in both scripts, Thai with combining marks (no page URL: the image's host counts), Russian on twelve hosts (one of them
    /// twice), a Korean model caption, a photo captioned in two languages, a row without any URL.
    /// </summary>
    private static List<PairRecord> Rows()
    {
        var rows = new List<PairRecord>
        {
            DatasetShards.Row("sr", "Ђердапска клисура на Дунаву у јесен", imageSeed: 1, pageUrl: "https://www.rts.example/a"),
            DatasetShards.Row("sr", "Београдска тврђава у сумрак", imageSeed: 2, pageUrl: "https://rts.example/b"),
            DatasetShards.Row("sr", "Sarma od kiselog kupusa u glinenom loncu", imageSeed: 3, pageUrl: "https://recepti.example/c"),
            DatasetShards.Row("th", "กุ้ง", imageSeed: 4, width: 40, height: 90),
            DatasetShards.Row("th", "ผัดไทยกุ้งสดใส่ถั่วงอกและมะนาว", imageSeed: 4, width: 40, height: 90),
            DatasetShards.Row("ko", "제주도 성산일출봉의 아침 풍경", imageSeed: 5, source: PairSources.Mllm) with { Url = null, PageUrl = null },
        };
        for (int i = 0; i < 13; i++)
        {
            rows.Add(DatasetShards.Row("ru", $"Набережная Невы белой ночью, снимок {i}", imageSeed: 100 + i, pageUrl: $"https://site{Math.Min(i, 11)}.example/{i}"));
        }

        return rows;
    }

    [Fact]
    public async Task The_figures_match_duckdb_s_counts_and_the_hand_counted_cases()
    {
        using var dir = new TempDir();
        string dataset = dir.File("shards");
        await DatasetShards.WriteAsync(dataset, Rows(), shardMaxRows: 4);

        var report = await CoverageReport.BuildAsync(dataset, null, 0, NoIdentifier, CancellationToken.None);

        var json = JsonSerializer.SerializeToElement(report, MellaJson.Indented);
        Assert.Empty(CrossCheck.CompareCoverage(Path.Combine(dataset, "*.parquet"), json));
        Assert.Equal((19L, 5L), (report.Rows, report.Shards));

        var serbian = report.Languages["sr"]["native"];
        Assert.Equal(new SortedDictionary<string, long> { ["Cyrl"] = 2, ["Latn"] = 1 }, serbian.Scripts);
        Assert.Equal(2, serbian.Domains); // www.rts.example and rts.example are one host

        // Thai: two captions of one photo; "กุ้ง" is four code points but two characters.
        var thai = report.Languages["th"]["native"];
        Assert.Equal((2L, 1L, 1L), (thai.Pairs, thai.Images, thai.Clusters));
        Assert.Equal(2, thai.TextGraphemes.Min);
        Assert.Equal(new Spread(40, 40, 40, 40), thai.ImageShortSide);
        Assert.Equal(1.0, thai.Top10DomainShare); // no page: the image URL's host

        // Russian: 13 pairs on 12 hosts; the ten biggest hosts hold 11 of them.
        var russian = report.Languages["ru"]["native"];
        Assert.Equal((13L, 12L), (russian.Pairs, russian.Domains));
        Assert.Equal(Math.Round(11.0 / 13, 6), russian.Top10DomainShare);
        Assert.Null(russian.LanguageId);
        Assert.Equal(1, report.Languages["ko"]["mllm"].Pairs);
    }

    [Fact]
    public async Task Targets_are_checked_per_language_and_source_and_a_missing_group_counts_as_zero()
    {
        using var dir = new TempDir();
        string dataset = dir.File("shards");
        await DatasetShards.WriteAsync(dataset, Rows());
        var targets = new CoverageTargets
        {
            Targets =
            [
                new CoverageTarget { Name = "ru-size", Lang = "ru", Source = "native", MinPairs = 13, MinImages = 14 },
                new CoverageTarget { Name = "spread", Lang = "ru", Source = "native", MaxTop10DomainShare = 0.8 },
                new CoverageTarget { Name = "vi", Lang = "vi", Source = "*", MinPairs = 1 },
            ],
        };

        var report = await CoverageReport.BuildAsync(dataset, targets, 0, NoIdentifier, CancellationToken.None);

        Assert.Equal(
            [
                "ru-size ru native min_pairs 13 True", "ru-size ru native min_images 13 False",
                "spread ru native max_top10_domain_share 0.846154 False",
                "vi vi native min_pairs 0 False", "vi vi mllm min_pairs 0 False",
            ],
            report.Targets.Select(t => FormattableString.Invariant($"{t.Name} {t.Lang} {t.Source} {t.Measure} {t.Value} {t.Met}")));
        Assert.False(report.AllTargetsMet);
        var table = new StringWriter();
        report.WriteTable(table);
        Assert.Contains("target missed: vi (vi, mllm): min_pairs 0 against 1", table.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_source_of_a_target_includes_fused_only_in_a_dataset_that_has_fused_rows()
    {
        using var dir = new TempDir();
        string dataset = dir.File("shards");
        var native = DatasetShards.Row("ko", "부산 해운대 해수욕장의 여름 풍경", imageSeed: 9);
        await DatasetShards.WriteAsync(dataset,
        [
            .. Rows(),
            native,
            DatasetShards.Row("ko", "여름날 부산 해운대 해수욕장에서 쉬는 사람들", imageSeed: 9, source: PairSources.Fused, groundedFrom: native.Key),
        ]);
        var targets = new CoverageTargets { Targets = [new CoverageTarget { Name = "all", Lang = "ko", Source = "*", MinPairs = 1 }] };

        var report = await CoverageReport.BuildAsync(dataset, targets, 0, NoIdentifier, CancellationToken.None);

        Assert.Equal(
            ["ko native 1 True", "ko mllm 1 True", "ko fused 1 True"],
            report.Targets.Select(t => FormattableString.Invariant($"{t.Lang} {t.Source} {t.Value} {t.Met}")));
    }

    [Fact]
    public async Task Score_distributions_say_what_each_threshold_would_keep_as_duckdb_counts_it()
    {
        using var dir = new TempDir();
        string dataset = dir.File("shards");
        var rows = new List<PairRecord>();
        for (int i = 0; i < 40; i++)
        {
            // Czech scores spread over 0.05..0.44; every fourth Thai row unscored (no image scored), the others 0.1..0.3; safety scores on Czech only.
            rows.Add(DatasetShards.Row("cs", $"Karlův most v Praze za svítání, snímek {i}", imageSeed: i) with { AlignScore = 0.05f + (i * 0.01f), AlignModel = "tiny-clip@1", NsfwScore = i / 40f });
            rows.Add(DatasetShards.Row("th", $"วัดอรุณราชวรารามยามเย็น ภาพที่ {i}", imageSeed: 100 + i) with { AlignScore = i % 4 == 0 ? null : 0.1f + (i % 3 * 0.1f) });
        }

        await DatasetShards.WriteAsync(dataset, rows, shardMaxRows: 16);

        var report = await CoverageReport.BuildAsync(dataset, null, 0, NoIdentifier, CancellationToken.None);

        var czech = report.Languages["cs"]["native"].Scores;
        var thai = report.Languages["th"]["native"].Scores;
        Assert.Equal(["align_score", "nsfw_score"], czech.Keys);
        Assert.Equal(["align_score"], thai.Keys);
        Assert.Equal((30L, 10L), (thai["align_score"].Scored, thai["align_score"].Unscored));
        Assert.Equal((0.05, 0.44), (czech["align_score"].Min, czech["align_score"].Max));
        Assert.Equal(40, czech["align_score"].Histogram.Sum());

        string files = Path.Combine(dataset, "*.parquet");
        foreach (var (lang, score, op) in new[] { ("cs", czech["align_score"], ">="), ("th", thai["align_score"], ">="), ("cs", czech["nsfw_score"], "<=") })
        {
            string column = op == ">=" ? "align_score" : "nsfw_score";
            Assert.NotEmpty(score.Thresholds);
            foreach (var keep in score.Thresholds)
            {
                long expected = Convert.ToInt64(DuckDb.Scalar(
                    $"SELECT count(*) FROM read_parquet('{files}') WHERE lang = '{lang}' AND {column} {op} CAST({keep.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)} AS FLOAT)"), System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(expected == keep.Kept, $"{lang} {column} {op} {keep.Threshold}: DuckDB counts {expected}, the report {keep.Kept}");
            }
        }

        // The report page shows each score's table of thresholds.
        string html = CoverageHtml.Render(report);
        Assert.Contains("id=\"score-align_score\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"score-nsfw_score\"", html, StringComparison.Ordinal);
        System.Xml.Linq.XDocument.Parse(html);
    }
}
