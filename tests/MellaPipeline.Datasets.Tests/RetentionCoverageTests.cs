using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using MellaPipeline.Datasets.Coverage;
using MellaPipeline.Json;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Datasets.Tests;

/// <summary>
/// <c>mella coverage</c>'s entity retention figures: the <c>retention</c> lists of a run's caption
/// layer summaries (written by hand here, as a run writes them), summed per language × source, in
/// the table, the JSON document and the report page's retention section.
/// </summary>
public class RetentionCoverageTests
{
    private static readonly XNamespace X = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static LanguageId.LanguageIdentifier NoIdentifier() => throw new InvalidOperationException("no sample was asked for");

    /// <summary>A run directory: shards with native, mllm and fused rows of two photos, and three caption layer summaries — two with retention figures, one from before them.</summary>
    private static async Task<string> RunAsync(TempDir dir)
    {
        string run = dir.File("run");
        var native = DatasetShards.Row("ar", "مسجد محمد علي في القاهرة", imageSeed: 1);
        await DatasetShards.WriteAsync(Path.Combine(run, "shards"),
        [
            native,
            DatasetShards.Row("ar", "مسجد كبير فوق تلة عند الغروب", imageSeed: 1, source: PairSources.Mllm),
            DatasetShards.Row("ar", "قباب مسجد محمد علي ومآذنه فوق قلعة صلاح الدين بالقاهرة", imageSeed: 1, source: PairSources.Fused, groundedFrom: native.Key),
            DatasetShards.Row("cs", "Karlův most a Vltava v Praze", imageSeed: 2),
            DatasetShards.Row("cs", "Kamenný most přes řeku za svítání", imageSeed: 2, source: PairSources.Mllm),
        ]);
        Directory.CreateDirectory(Path.Combine(run, "reduce"));
        File.WriteAllText(Path.Combine(run, "reduce", "captions-describe-v1.json"), """
            {"layer": "describe-v1", "lines": 40, "rows": 30, "rejected": 10, "images_without_caption": 2,
             "retention": [
               {"lang": "ar", "source": "fused", "checked": 5, "all_kept": 4, "names": 15, "kept": 14},
               {"lang": "ar", "source": "mllm", "checked": 4, "all_kept": 1, "names": 12, "kept": 7},
               {"lang": "cs", "source": "mllm", "checked": 3, "all_kept": 3, "names": 9, "kept": 9}
             ]}
            """);
        File.WriteAllText(Path.Combine(run, "reduce", "captions-older.json"), """{"layer": "older", "lines": 3, "rows": 3, "rejected": 0, "images_without_caption": 0}""");
        File.WriteAllText(Path.Combine(run, "reduce", "captions-translate-v2.json"), """
            {"layer": "translate-v2", "lines": 8, "rows": 8, "rejected": 0, "images_without_caption": 0,
             "retention": [{"lang": "ar", "source": "mllm", "checked": 2, "all_kept": 1, "names": 6, "kept": 5},
                           {"lang": "cs", "source": "fused", "checked": 0, "all_kept": 0, "names": 0, "kept": 0}]}
            """);
        File.WriteAllText(Path.Combine(run, "reduce", "captions-broken.json"), """{"layer": "broken", "retention": [ """);
        return run;
    }

    [Fact]
    public async Task The_layers_figures_are_summed_per_language_and_source_and_an_older_layer_adds_nothing()
    {
        using var dir = new TempDir();
        string run = await RunAsync(dir);

        var report = await CoverageReport.BuildAsync(run, null, 0, NoIdentifier, CancellationToken.None);

        // ar mllm: 4 + 2 captions, 1 + 1 kept every name, 12 + 6 names, 7 + 5 kept.
        Assert.Equal(
        [
            new RetentionCoverage("ar", "mllm", 2, 6, 2, 18, 12),
            new RetentionCoverage("ar", "fused", 1, 5, 4, 15, 14),
            new RetentionCoverage("cs", "mllm", 1, 3, 3, 9, 9),
            new RetentionCoverage("cs", "fused", 1, 0, 0, 0, 0),
        ], report.Retention);
        Assert.Equal((0.333333, 0.666667), (report.Retention[0].AllKeptShare, report.Retention[0].NamesKeptShare));
        Assert.Equal((0.8, 0.933333), (report.Retention[1].AllKeptShare, report.Retention[1].NamesKeptShare));
        Assert.Equal((null, null), (report.Retention[3].AllKeptShare, report.Retention[3].NamesKeptShare));

        // The fused row is a group of its own, beside the native and mllm rows of the same photo.
        Assert.Equal(["fused", "mllm", "native"], report.Languages["ar"].Keys);
        Assert.Equal((1L, 1L), (report.Languages["ar"]["fused"].Pairs, report.Languages["ar"]["fused"].Images));

        var json = JsonSerializer.SerializeToElement(report, MellaJson.Compact).GetProperty("retention");
        var first = json[0];
        Assert.Equal(("ar", "mllm", 6L, 2L, 18L, 12L), (first.GetProperty("lang").GetString(), first.GetProperty("source").GetString(), first.GetProperty("checked").GetInt64(),
            first.GetProperty("all_kept").GetInt64(), first.GetProperty("names").GetInt64(), first.GetProperty("kept").GetInt64()));
        Assert.Equal((0.333333, 0.666667), (first.GetProperty("all_kept_share").GetDouble(), first.GetProperty("names_kept_share").GetDouble()));
        Assert.Equal(JsonValueKind.Null, json[3].GetProperty("all_kept_share").ValueKind);

        var table = new StringWriter();
        report.WriteTable(table);
        string text = table.ToString();
        Assert.Contains("ar    mllm    checked 6, kept every name 33.3 %, names kept 66.7 % (12 of 18)", text, StringComparison.Ordinal);
        Assert.Contains("ar    fused   checked 5, kept every name 80.0 %, names kept 93.3 % (14 of 15)", text, StringComparison.Ordinal);
        Assert.Contains("cs    fused   checked 0, kept every name –, names kept – (0 of 0)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_page_s_retention_section_draws_both_shares_and_lists_the_figures()
    {
        using var dir = new TempDir();
        string run = await RunAsync(dir);

        var page = await CoveragePage.BuildAsync(run, null, 0, NoIdentifier, CancellationToken.None);
        var html = XDocument.Parse(CoverageHtml.Render(page));

        var section = html.Descendants(X + "section").Single(s => (string?)s.Attribute("id") == "retention");
        double Bar(string chart, string lang, string source) => double.Parse(
            section.Descendants(Svg + "svg").Single(s => (string?)s.Attribute("id") == chart).Elements(Svg + "rect")
                .Single(r => (string?)r.Attribute("data-lang") == lang && (string?)r.Attribute("data-source") == source).Attribute("data-value")!.Value,
            CultureInfo.InvariantCulture);
        Assert.Equal(33.3, Bar("retention-all-kept", "ar", "mllm"));
        Assert.Equal(80.0, Bar("retention-all-kept", "ar", "fused"));
        Assert.Equal(100.0, Bar("retention-names-kept", "cs", "mllm"));
        Assert.Equal(93.3, Bar("retention-names-kept", "ar", "fused"));

        // No native figures, and none for cs fused (nothing checked): marked, not drawn.
        var marked = section.Descendants(Svg + "text").Select(t => (string?)t.Attribute("data-nodata")).OfType<string>().ToList();
        Assert.Contains("ar/native", marked);
        Assert.Contains("cs/fused", marked);

        var rows = section.Descendants(X + "tr").Where(r => r.Attribute("data-lang") is not null)
            .Select(r => (r.Attribute("data-lang")!.Value, r.Attribute("data-source")!.Value, r.Attribute("data-checked")!.Value, r.Attribute("data-all-kept")!.Value, r.Attribute("data-names")!.Value, r.Attribute("data-kept")!.Value))
            .ToList();
        Assert.Equal([("ar", "mllm", "6", "2", "18", "12"), ("ar", "fused", "5", "4", "15", "14"), ("cs", "mllm", "3", "3", "9", "9"), ("cs", "fused", "0", "0", "0", "0")], rows);
    }

    [Fact]
    public async Task A_dataset_without_figures_says_so_in_the_page_and_prints_no_retention_lines()
    {
        using var dir = new TempDir();
        string run = await RunAsync(dir);

        foreach (string dataset in new[] { Path.Combine(run, "shards"), Path.Combine(run, "shards", Directory.GetFiles(Path.Combine(run, "shards"), "*.parquet")[0]) })
        {
            var page = await CoveragePage.BuildAsync(dataset, null, 0, NoIdentifier, CancellationToken.None);
            var section = XDocument.Parse(CoverageHtml.Render(page)).Descendants(X + "section").Single(s => (string?)s.Attribute("id") == "retention");

            Assert.Empty(page.Report.Retention);
            Assert.Contains(section.Descendants(X + "p"), p => (string?)p.Attribute("data-nodata") == "true");
            Assert.Empty(section.Descendants(Svg + "svg"));
            var table = new StringWriter();
            page.Report.WriteTable(table);
            Assert.DoesNotContain("entity retention", table.ToString(), StringComparison.Ordinal);
        }
    }
}
