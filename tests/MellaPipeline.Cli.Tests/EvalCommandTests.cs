using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary><c>mella eval</c> and <c>mella score</c> as a user runs them, on files the tests write.</summary>
public class EvalCommandTests
{
    private static readonly string[] References =
    [
        """{"key": "th1", "lang": "th", "source": "native", "reference": "ต้มยำกุ้งน้ำข้นในชามดินเผา"}""",
        """{"key": "th2", "lang": "th", "source": "mllm", "references": ["ภาพนี้แสดงวัดอรุณยามพระอาทิตย์ตก", "วัดอรุณริมแม่น้ำเจ้าพระยา"]}""",
        """{"key": "ru1", "lang": "ru", "source": "native", "reference": "Храм Василия Блаженного на Красной площади", "keywords": ["Василия Блаженного", "Красной площади"]}""",
        """{"key": "ko1", "lang": "ko", "source": "native", "reference": "부산 해운대 해수욕장의 여름 풍경"}""",
    ];

    [Fact]
    public async Task Identical_predictions_score_100_per_language_and_source_with_signatures()
    {
        using var dir = new TempDir();
        string refs = dir.File("refs.jsonl");
        File.WriteAllLines(refs, References);
        string predictions = dir.File("pred.jsonl");
        File.WriteAllLines(predictions, References.Select(line =>
        {
            var o = JsonDocument.Parse(line).RootElement;
            string text = o.TryGetProperty("reference", out var r) ? r.GetString()! : o.GetProperty("references")[0].GetString()!;
            return JsonSerializer.Serialize(new { key = o.GetProperty("key").GetString(), prediction = text });
        }));

        var result = await MellaProcess.RunAsync(["eval", "--predictions", predictions, "--references", refs, "--json", "--bootstrap", "100"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(4 * 5, results.Count); // th native, th mllm, ru native, ko native × bleu, rougeL, meteor, keyword, keyword_any
        foreach (var r in results.Where(r => r.GetProperty("metric").GetString() is "bleu" or "rougeL" or "keyword"))
        {
            Assert.True(Math.Abs(r.GetProperty("score").GetDouble() - 100) < 1e-6, r.ToString());
            Assert.Equal(2, r.GetProperty("ci95").GetArrayLength());
            Assert.False(string.IsNullOrEmpty(r.GetProperty("signature").GetString()));
        }

        var thaiBleu = results.Single(r => r.GetProperty("lang").GetString() == "th" && r.GetProperty("source").GetString() == "mllm" && r.GetProperty("metric").GetString() == "bleu");
        Assert.Contains("nrefs:2", thaiBleu.GetProperty("signature").GetString()!, StringComparison.Ordinal);
        Assert.Contains("tok:th-icu", thaiBleu.GetProperty("signature").GetString()!, StringComparison.Ordinal);
        Assert.Equal(0, report.GetProperty("errors").GetProperty("total").GetInt64());

        // Per source over all languages: native pools th, ru and ko, each scored by its own language's scorer.
        var perSource = report.GetProperty("per_source").EnumerateArray().ToList();
        Assert.Equal(2 * 5, perSource.Count);
        Assert.All(perSource, r => Assert.Equal("all", r.GetProperty("lang").GetString()));
        var nativeBleu = perSource.Single(r => r.GetProperty("source").GetString() == "native" && r.GetProperty("metric").GetString() == "bleu");
        Assert.Equal((100.0, 3), (Math.Round(nativeBleu.GetProperty("score").GetDouble(), 6), nativeBleu.GetProperty("n").GetInt32()));
        Assert.Contains("tok:th-icu", nativeBleu.GetProperty("signature").GetString()!, StringComparison.Ordinal);
        Assert.Contains("tok:ko", nativeBleu.GetProperty("signature").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_table_has_a_row_per_source_over_all_languages_and_fused_references_are_their_own_source()
    {
        using var dir = new TempDir();
        string refs = dir.File("refs.jsonl");
        File.WriteAllLines(refs,
        [
            .. References,
            """{"key": "cs1", "lang": "cs", "source": "fused", "reference": "Ranní mlha nad Vltavou, Karlovým mostem a věžemi Prahy"}""",
            """{"key": "vi1", "lang": "vi", "source": "fused", "reference": "Phở bò Hà Nội với hành lá"}""",
        ]);
        string predictions = dir.File("pred.jsonl");
        File.WriteAllLines(predictions,
        [
            """{"key": "cs1", "prediction": "Ranní mlha nad Vltavou, Karlovým mostem a věžemi Prahy"}""",
            """{"key": "vi1", "prediction": "Một bát phở bò nóng"}""",
        ]);

        var result = await MellaProcess.RunAsync(["eval", "--predictions", predictions, "--references", refs, "--bootstrap", "0"]);

        Assert.Equal(1, result.ExitCode); // the th, ru and ko keys have no prediction
        var lines = result.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("cs    fused   bleu              1   100.00", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("all   fused   keyword           2    ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("all   native  bleu              3     0.00", StringComparison.Ordinal));

        // Keywords: Czech all of them (the caption itself), Vietnamese 2 of 6 (phở, bò).
        var fusedKeyword = lines.Single(l => l.StartsWith("all   fused   keyword ", StringComparison.Ordinal));
        Assert.Equal(Math.Round(100 * (1 + (2.0 / 6)) / 2, 2), double.Parse(fusedKeyword.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Missing_duplicate_unknown_and_malformed_predictions_are_counted_named_and_exit_1()
    {
        using var dir = new TempDir();
        string refs = dir.File("refs.jsonl");
        File.WriteAllLines(refs, References);
        string predictions = dir.File("pred.jsonl");
        File.WriteAllLines(predictions,
        [
            """{"key": "th1", "prediction": "ต้มยำกุ้ง"}""",
            """{"key": "th1", "prediction": "again"}""",
            """{"key": "zz9", "prediction": "not a held-out key"}""",
            """{"key": "ru1", "lang": "uk", "prediction": "Храм"}""",
            """{"key": "ko1", "prediction": """,
        ]);

        var result = await MellaProcess.RunAsync(["eval", "--predictions", predictions, "--references", refs, "--json", "--bootstrap", "0"]);

        Assert.Equal(1, result.ExitCode);
        var errors = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("errors");
        Assert.Equal((3L, 1L, 1L, 2L), (errors.GetProperty("missing").GetInt64(), errors.GetProperty("duplicate").GetInt64(), errors.GetProperty("unknown").GetInt64(), errors.GetProperty("malformed").GetInt64()));
        string examples = string.Join("\n", errors.GetProperty("examples").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains($"{predictions}:2: key th1 predicted again", examples, StringComparison.Ordinal);
        Assert.Contains($"{predictions}:4: key ru1 is ru in the references, the prediction says uk", examples, StringComparison.Ordinal);
        Assert.Contains($"{predictions}:5: not a JSON object", examples, StringComparison.Ordinal);
        Assert.Contains("key ko1: no prediction", examples, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_reference_file_exits_2_naming_file_and_line()
    {
        using var dir = new TempDir();
        string refs = dir.File("refs.tsv");
        File.WriteAllLines(refs, ["th1\tth\tต้มยำกุ้ง", "only-a-key"]);
        string predictions = dir.File("pred.jsonl");
        File.WriteAllText(predictions, "{\"key\": \"th1\", \"prediction\": \"x\"}\n");

        var result = await MellaProcess.RunAsync(["eval", "--predictions", predictions, "--references", refs]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{refs}:2: expected key<TAB>lang<TAB>reference", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_prints_the_score_alone_or_json_and_refuses_misaligned_files()
    {
        using var dir = new TempDir();
        string hyp = dir.File("hyp.txt"), refA = dir.File("ref.txt"), refShort = dir.File("short.txt");
        File.WriteAllLines(hyp, ["Храм Василия Блаженного на площади", "Зимний лес после снегопада"]);
        File.WriteAllLines(refA, ["Храм Василия Блаженного на Красной площади", "Зимний лес в Подмосковье после снегопада"]);
        File.WriteAllLines(refShort, ["one line"]);

        var plain = await MellaProcess.RunAsync(["score", "--hyp", hyp, "--ref", refA, "--lang", "ru", "--metric", "rougeL"]);
        var json = await MellaProcess.RunAsync(["score", "--hyp", hyp, "--ref", refA, "--lang", "ru", "--metric", "bleu", "--tokenize", "13a", "--json"]);
        var misaligned = await MellaProcess.RunAsync(["score", "--hyp", hyp, "--ref", refShort, "--lang", "ru"]);

        Assert.True(plain.ExitCode == 0, plain.ToString());
        double rouge = double.Parse(plain.Stdout.Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Math.Round(100 * ((2 * 5.0 / 5 * 5.0 / 6 / (5.0 / 5 + 5.0 / 6)) + (2 * 4.0 / 4 * 4.0 / 6 / (4.0 / 4 + 4.0 / 6))) / 2, 2), rouge);
        var doc = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal("bleu", doc.GetProperty("metric").GetString());
        Assert.StartsWith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp", doc.GetProperty("signature").GetString(), StringComparison.Ordinal);
        Assert.InRange(doc.GetProperty("score").GetDouble(), 1, 99);
        Assert.Equal(2, misaligned.ExitCode);
        Assert.Contains("has 1 lines", misaligned.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_baseline_adds_its_scores_and_the_differences_and_the_html_report_charts_every_score()
    {
        using var dir = new TempDir();
        string refs = dir.File("refs.jsonl");
        File.WriteAllLines(refs, References);
        string tuned = dir.File("tuned.jsonl"), before = dir.File("base.jsonl"), html = dir.File("report.html");
        File.WriteAllLines(tuned,
        [
            """{"key": "th1", "prediction": "ต้มยำกุ้งในชามดินเผา"}""",
            """{"key": "th2", "prediction": "วัดอรุณยามพระอาทิตย์ตก"}""",
            """{"key": "ru1", "prediction": "Храм Василия Блаженного на площади"}""",
            """{"key": "ko1", "prediction": "해운대 해수욕장의 여름"}""",
        ]);
        File.WriteAllLines(before,
        [
            """{"key": "th1", "prediction": "a bowl of soup"}""",
            """{"key": "th2", "prediction": "a temple"}""",
            """{"key": "ru1", "prediction": "Церковь"}""",
            """{"key": "ko1", "prediction": "바다"}""",
        ]);

        var result = await MellaProcess.RunAsync(["eval", "--predictions", tuned, "--baseline", before, "--references", refs, "--json", "--report", html, "--bootstrap", "20"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var results = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.All(results, r => Assert.Equal(
            Math.Round(r.GetProperty("score").GetDouble() - r.GetProperty("baseline").GetDouble(), 4), r.GetProperty("delta").GetDouble(), 3));
        Assert.Contains(results, r => r.GetProperty("lang").GetString() == "th" && r.GetProperty("metric").GetString() == "rougeL" && r.GetProperty("delta").GetDouble() > 30);

        var page = System.Xml.Linq.XDocument.Load(System.Xml.XmlReader.Create(new StringReader(File.ReadAllText(html)), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Ignore }));
        System.Xml.Linq.XNamespace svg = "http://www.w3.org/2000/svg";
        var perSource = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("per_source").EnumerateArray().ToList();
        var bars = page.Descendants(svg + "rect").Where(r => r.Attribute("data-value") is not null).ToList();
        Assert.Equal(results.Count + perSource.Count, bars.Count);
        foreach (var r in results.Concat(perSource))
        {
            string chart = r.GetProperty("metric").GetString() + (r.GetProperty("lang").GetString() == "all" ? "-per-source" : "");
            var bar = page.Descendants(svg + "svg").Single(s => s.Attribute("id")!.Value == chart)
                .Elements(svg + "rect").Single(b => b.Attribute("data-lang")?.Value == r.GetProperty("lang").GetString() && b.Attribute("data-source")?.Value == r.GetProperty("source").GetString());
            Assert.Equal(r.GetProperty("score").GetDouble(), double.Parse(bar.Attribute("data-value")!.Value, System.Globalization.CultureInfo.InvariantCulture));

            // Each bar carries its n and 95 % interval, drawn as a whisker and written in its label.
            Assert.Equal(r.GetProperty("n").GetInt32(), int.Parse(bar.Attribute("data-n")!.Value, System.Globalization.CultureInfo.InvariantCulture));
            if (r.GetProperty("ci95").ValueKind == JsonValueKind.Array)
            {
                var ci = r.GetProperty("ci95").EnumerateArray().Select(v => v.GetDouble()).ToList();
                Assert.Equal(ci, new[] { "data-low", "data-high" }.Select(a => double.Parse(bar.Attribute(a)!.Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
            else
            {
                Assert.Null(bar.Attribute("data-low"));
            }
            Assert.Contains($"n={r.GetProperty("n").GetInt32()}", bar.ElementsAfterSelf(svg + "text").First().Value, StringComparison.Ordinal);
        }

        // A language × source without a score (no mllm predictions here) is marked, not left blank.
        var strata = results.Select(r => (r.GetProperty("lang").GetString(), r.GetProperty("source").GetString())).ToHashSet();
        var marked = page.Descendants(svg + "text").Where(t => t.Attribute("data-nodata") is not null).Select(t => t.Attribute("data-nodata")!.Value).ToList();
        Assert.NotEmpty(marked);
        Assert.All(marked, m => Assert.DoesNotContain((m.Split('/')[0], m.Split('/')[1]), strata));
    }
}
