using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

public sealed class CoverageFixture() : PairsRunFixture(120, distinctImages: 40);

/// <summary><c>mella coverage</c> on a real run: every figure equals what DuckDB counts with SQL on the same shards; targets decide the exit code.</summary>
public class CoverageCommandTests(CoverageFixture fixture) : IClassFixture<CoverageFixture>
{
    private static long L(object? value) => DuckDb.Long(value);

    [Fact]
    public async Task Json_figures_equal_duckdb_counts_over_the_same_shards()
    {
        var result = await MellaProcess.RunAsync(["coverage", fixture.RunDir, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var report = JsonDocument.Parse(result.Stdout).RootElement;

        Assert.True(CrossCheck.CoverageCounts(Path.Combine(fixture.RunDir, "shards", "*.parquet")).Count >= 12); // every language native, most also mllm
        Assert.Empty(CrossCheck.CompareCoverage(Path.Combine(fixture.RunDir, "shards", "*.parquet"), report));

        // Language ID checked again on a sample (here every row: 120 < the default 2,000); the disagreements are exactly what
        // `mella langid` says of the same captions (the Latin Serbian "Sarma od kiselog kupusa…" reads as Croatian: a real finding).
        var texts = DuckDb.Query($"SELECT lang, source, text FROM {DuckDb.Shards(fixture.RunDir)}");
        string textFile = fixture.Dir.File($"texts-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(textFile, texts.Select(r => (string)r[2]!));
        var identified = (await MellaProcess.RunAsync(["langid", "--file", textFile])).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("lang").GetString()!).ToList();
        Assert.Equal(texts.Count, identified.Count);
        long sampled = 0;
        foreach (var language in report.GetProperty("languages").EnumerateObject())
        {
            foreach (var group in language.Value.EnumerateObject())
            {
                var id = group.Value.GetProperty("language_id");
                sampled += id.GetProperty("sampled").GetInt64();
                var rows = Enumerable.Range(0, texts.Count).Where(i => (string)texts[i][0]! == language.Name && (string)texts[i][1]! == group.Name).ToList();
                long disagree = rows.Count(i => identified[i] != "und" && identified[i] != language.Name);
                Assert.Equal(Math.Round((double)disagree / rows.Count, 6), id.GetProperty("disagree_share").GetDouble());
            }
        }

        Assert.Equal(report.GetProperty("rows").GetInt64(), sampled);

        // Caption length is counted in grapheme clusters: the Thai captions' median is below their UTF-16 length.
        var thai = report.GetProperty("languages").GetProperty("th").GetProperty("native").GetProperty("text_graphemes");
        long utf16Median = L(DuckDb.Scalar($"SELECT quantile_disc(length(text), 0.5) FROM {DuckDb.Shards(fixture.RunDir)} WHERE lang = 'th' AND source = 'native'"));
        Assert.True(thai.GetProperty("p50").GetInt32() < utf16Median, $"{thai} against {utf16Median} UTF-16 units");
    }

    [Fact]
    public async Task Targets_met_exit_0_and_every_missed_one_is_named_with_exit_1()
    {
        string met = fixture.Dir.File("met.yaml");
        File.WriteAllText(met, "targets:\n  - name: some-native\n    source: native\n    min_pairs: 1\n    min_median_confidence: 0.5\n");
        string missed = fixture.Dir.File("missed.yaml");
        File.WriteAllText(missed, "targets:\n  - name: thai-size\n    lang: th\n    min_pairs: 1000\n  - name: domains\n    max_top10_domain_share: 0.5\n");

        var ok = await MellaProcess.RunAsync(["coverage", fixture.RunDir, "--targets", met]);
        var failed = await MellaProcess.RunAsync(["coverage", fixture.RunDir, "--targets", missed, "--json", "--langid-sample", "0"]);

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("all 16 target checks met", ok.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, failed.ExitCode);
        var targets = JsonDocument.Parse(failed.Stdout).RootElement.GetProperty("targets").EnumerateArray().Where(t => !t.GetProperty("met").GetBoolean())
            .Select(t => $"{t.GetProperty("name").GetString()} {t.GetProperty("lang").GetString()} {t.GetProperty("source").GetString()}").ToList();
        Assert.Contains("thai-size th native", targets);
        Assert.Contains("thai-size th mllm", targets);
        long groups = L(DuckDb.Scalar($"SELECT count(*) FROM (SELECT DISTINCT lang, source FROM {DuckDb.Shards(fixture.RunDir)})"));
        Assert.Equal(groups, targets.Count(t => t.StartsWith("domains ", StringComparison.Ordinal))); // one example.org host holds all of each group
    }

    [Fact]
    public async Task The_html_report_is_one_self_contained_page_whose_bars_carry_the_counts()
    {
        string html = fixture.Dir.File("report.html");

        var result = await MellaProcess.RunAsync(["coverage", fixture.RunDir, "--report", html, "--langid-sample", "0"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        string text = File.ReadAllText(html);
        Assert.DoesNotContain("http://", text.Replace("http://www.w3.org/", "", StringComparison.Ordinal), StringComparison.Ordinal); // nothing to fetch
        Assert.DoesNotContain("<script", text, StringComparison.Ordinal);
        var settings = new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Ignore };
        using var reader = System.Xml.XmlReader.Create(new StringReader(text), settings);
        var page = System.Xml.Linq.XDocument.Load(reader); // well-formed
        System.Xml.Linq.XNamespace svg = "http://www.w3.org/2000/svg";
        var pairBars = page.Descendants(svg + "svg").Single(e => (string?)e.Attribute("id") == "pairs").Elements(svg + "rect")
            .Where(r => r.Attribute("data-lang") is not null)
            .ToDictionary(r => $"{r.Attribute("data-lang")!.Value}/{r.Attribute("data-source")!.Value}", r => long.Parse(r.Attribute("data-value")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        var counts = DuckDb.Query($"SELECT lang, source, count(*) FROM {DuckDb.Shards(fixture.RunDir)} GROUP BY ALL");
        Assert.Equal(counts.Count, pairBars.Count);
        Assert.All(counts, row => Assert.Equal(L(row[2]), pairBars[$"{row[0]}/{row[1]}"]));
    }

    [Theory]
    [InlineData("targets:\n  - name: x\n    min_pair: 3\n", "min_pair")]
    [InlineData("targets:\n  - name: x\n    lang: de\n", "lang")]
    [InlineData("targets: [\n", "not valid YAML")]
    public async Task A_bad_targets_file_is_exit_2_naming_the_key(string yaml, string named)
    {
        string file = fixture.Dir.File($"bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);

        var result = await MellaProcess.RunAsync(["coverage", fixture.RunDir, "--targets", file, "--langid-sample", "0"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task A_dataset_that_is_not_there_is_exit_2()
    {
        var result = await MellaProcess.RunAsync(["coverage", fixture.Dir.File("nowhere")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nowhere", result.Stderr, StringComparison.Ordinal);
    }
}
