using System.Security.Cryptography;
using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Cli.Tests;

/// <summary>One run of the demo pipeline, shared by the tests of <see cref="DemoRunTests"/> (they run one after the other and only read it).</summary>
public sealed class DemoRunFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public string RunDir => _dir.File("demo");

    public MellaResult Result { get; private set; } = null!;

    public async Task InitializeAsync() => Result = await MellaProcess.RunAsync(["run", RepoPaths.Demo, "--out", RunDir]);

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

public class DemoRunTests(DemoRunFixture demo) : IClassFixture<DemoRunFixture>
{
    [Fact]
    public void The_demo_writes_a_dataset_that_DuckDB_reads_with_a_manifest_stats_and_rejects_that_add_up()
    {
        string runDir = demo.RunDir;
        var result = demo.Result;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"shards:   {Path.Combine(runDir, "shards")}", result.Stdout);
        Assert.Contains($"summary:  {Path.Combine(runDir, "summary.json")}", result.Stdout);

        string shards = DuckDb.Shards(runDir);
        var manifest = DatasetManifest.Read(Path.Combine(runDir, "shards", "manifest.json"));
        long rows = Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {shards}"));
        Assert.Equal(manifest.Rows, rows);
        Assert.Equal(rows, Convert.ToInt64(DuckDb.Scalar($"SELECT count(DISTINCT key) FROM {shards}")));
        Assert.True(manifest.Shards.Count >= 2, "the demo is configured to write several shards");

        // Every target language, all three sources, and the manifest's counts match what DuckDB counts.
        var counted = DuckDb.Query($"SELECT lang, source, count(*) FROM {shards} GROUP BY ALL");
        Assert.Equal(24, counted.Count);
        foreach (var row in counted)
        {
            Assert.Equal(manifest.Counts[(string)row[0]!][(string)row[1]!], Convert.ToInt64(row[2]));
        }

        foreach (var shard in manifest.Shards)
        {
            string path = Path.Combine(runDir, "shards", shard.Path);
            Assert.Equal(shard.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
            Assert.Equal(shard.Rows, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM read_parquet('{path}')")));
        }

        // Images decode and match their recorded size, hash and perceptual hash; text is NFC and scripts are right.
        foreach (var row in DuckDb.Query($"SELECT image.bytes, width, height, sha256, text, lang, script, phash FROM {shards}"))
        {
            var bytes = (byte[])row[0]!;
            Assert.Equal(MellaPipeline.Images.PerceptualHash.ToHex(MellaPipeline.Imaging.ImageHasher.Hash(bytes).Hash!.Value), row[7]);
            using var bitmap = SKBitmap.Decode(bytes);
            Assert.Equal(((int)row[1]!, (int)row[2]!), (bitmap.Width, bitmap.Height));
            Assert.Equal(row[3], Convert.ToHexStringLower(SHA256.HashData(bytes)));
            string text = (string)row[4]!;
            Assert.True(text.IsNormalized(), text);
            Assert.DoesNotContain('\u0640', text);
            Assert.Equal(row[6], Languages.Scripts.Detect(text));
        }

        // Every input line is a row or a reject, and the files agree with each other.
        var summary = JsonSerializer.Deserialize<RunSummary>(File.ReadAllBytes(Path.Combine(runDir, "summary.json")), MellaJson.Indented)!;
        var layer = JsonSerializer.Deserialize<MellaPipeline.Captions.CaptionLayerSummary>(
            File.ReadAllBytes(Path.Combine(runDir, "reduce", "captions-qwen2vl-describe-v1.json")), MellaJson.Indented)!;
        var stats = Directory.EnumerateFiles(Path.Combine(runDir, "reduce"), "0*.json").Select(f =>
            JsonSerializer.Deserialize<TaskStats>(File.ReadAllBytes(f), MellaJson.Indented)!).Append(layer.Stats).ToArray();
        var rejects = Directory.EnumerateFiles(Path.Combine(runDir, "rejects"))
            .SelectMany(File.ReadAllLines)
            .Select(l => JsonSerializer.Deserialize<MellaPipeline.Runtime.RejectRecord>(l, MellaJson.Compact)!)
            .ToArray();
        int inputLines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "pipelines", "demo", "pairs.jsonl")).Count(l => l.Trim().Length > 0);
        int crawledImagesAndPages = rejects.Count(r => r.Origin.StartsWith("http://demo-site.test/", StringComparison.Ordinal) && r.Stage == "read_inputs")
            + rejects.Count(r => r.Stage != "read_inputs" && r.Origin.StartsWith("http://demo-site.test/", StringComparison.Ordinal))
            + Convert.ToInt32(DuckDb.Scalar($"SELECT count(*) FROM {shards} WHERE page_url LIKE 'http://demo-site.test/%' AND source = 'native'"));

        int captionLines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "pipelines", "demo", "captions.jsonl")).Length;
        int fusedAnswers = DemoFusionsTests.Fusions().Count; // the layer counts each fused answer as a record in, like a caption line
        string urlList = Path.Combine(RepoPaths.Root, "pipelines", "demo", "laion-sample.parquet");
        int listRows = Convert.ToInt32(DuckDb.Scalar($"SELECT count(*) FROM read_parquet('{urlList}')"));
        Assert.Equal(inputLines + crawledImagesAndPages + captionLines + fusedAnswers + listRows, summary.InputRecords);
        Assert.Equal(summary.InputRecords, summary.Rows + summary.Dropped + summary.Failed);
        Assert.Equal(rows, summary.Rows);
        Assert.Equal(summary.Rows, stats.Sum(s => s.Rows));
        Assert.Equal(summary.Dropped + summary.Failed, rejects.Length);
        Assert.Equal(
            ["alt_boilerplate", "alt_domain_repeated", "alt_domain_repeated", "alt_domain_repeated", "alt_domain_repeated", "alt_domain_repeated",
             "alt_domain_repeated", "alt_empty", "alt_filename", "benchmark_near_duplicate",
             "caption_duplicate", "caption_empty", "caption_field_missing", "caption_image_unknown", "caption_lang_mismatch", "caption_lang_mismatch",
             "caption_lang_not_targeted", "caption_malformed", "caption_near_duplicate", "duplicate_pair", "http_404", "image_blocklisted", "image_format_unsupported", "image_format_unsupported",
             "image_format_unsupported", "image_http_404", "image_http_404", "image_missing", "image_near_duplicate", "image_near_duplicate", "image_svg", "image_tracking_pixel",
             "image_url_invalid", "input_field_missing", "input_malformed", "lang_not_targeted",
             "lang_other", "robots_disallowed", "robots_noai", "robots_noai", "script_mismatch", "text_empty", "text_too_short"],
            rejects.Select(r => r.Reason).Order(StringComparer.Ordinal).ToArray());

        // The crawled half: the sample site's good alt texts, with their language and script, and images fetched from the site.
        var crawled = DuckDb.Query($"SELECT page_url, text, lang, script, image.path FROM {shards} WHERE page_url LIKE 'http://demo-site.test/%' AND source = 'native' ORDER BY page_url, text")
            .Select(r => ($"{r[0]}".Replace("http://demo-site.test/site/", "", StringComparison.Ordinal), (string)r[1]!, (string)r[2]!, (string)r[3]!))
            .ToList();
        // The footer's alt is kept once (its other pages repeat it); the home page's own photo caption is the Czech caption
        // a pairs line repeats on another photo, dropped as a caption near duplicate.
        const string footer = "Západ slunce nad horami, ukázkové fotografie z cest";
        Assert.Equal(
            new List<(string, string, string, string)>
            {
                ("index.html", footer, "cs", "Latn"),
                ("ar.html", "يعسوب على غصن جاف بين أوراق الشجر", "ar", "Arab"),
                ("hu.html", "Két kíváncsi spániel kukucskál ki egy faház ablakán", "hu", "Latn"),
                ("ko.html", "푸른 하늘을 가로지르는 다리 케이블", "ko", "Hang"),
                ("ko.html", "석양 아래 민들레 홀씨가 가득한 들판", "ko", "Hang"),
                ("ru.html", "Ванты моста на фоне голубого неба над отмелью", "ru", "Cyrl"),
                ("sr.html", "Boca vina i džembe bubanj u dnevnoj sobi", "sr", "Latn"),
                ("sr.html", "Дрвена птица окачена испод плафонске лампе", "sr", "Cyrl"),
                ("th.html", "ทุ่งดอกแดนดิไลออนยามพระอาทิตย์ตก", "th", "Thai"),
                ("vi.html", "Hoàng hôn trên những dãy núi nhìn từ đỉnh đồi", "vi", "Latn"),
            }.OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal).ToList(),
            crawled.OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal).ToList());
        Assert.Contains(rejects, r => r.Reason == "robots_disallowed" && r.Origin.EndsWith("/site/private/draft.html", StringComparison.Ordinal));

        // The URL list: its rows downloaded from the same site, each in the language of its text (two carry a wrong LANGUAGE label),
        // LAION's scores kept in source_meta, and its three bad rows rejected naming the file and row.
        var listed = DuckDb.Query($"SELECT url, lang, source_meta FROM {shards} WHERE origin LIKE 'laion-sample.parquet:row %' ORDER BY origin")
            .Select(r => ((string)r[0]!, (string)r[1]!, JsonDocument.Parse((string)r[2]!).RootElement)).ToList();
        Assert.Equal(["cs", "ru", "vi", "sr", "hu", "th", "ko", "ar"], listed.Select(r => r.Item2).ToArray());
        Assert.All(listed, r => Assert.True(r.Item3.GetProperty("similarity").GetDouble() > 0.2 && r.Item3.TryGetProperty("punsafe", out _)));
        Assert.Equal(
            ["laion-sample.parquet:row 10 image_format_unsupported", "laion-sample.parquet:row 8 image_url_invalid", "laion-sample.parquet:row 9 image_http_404"],
            rejects.Where(r => r.Origin.StartsWith("laion-sample", StringComparison.Ordinal)).Select(r => $"{r.Origin} {r.Reason}").Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(summary.Reasons.Values.Sum(), rejects.Length);
        Assert.Equal(5, Directory.EnumerateFiles(Path.Combine(runDir, "completions")).Count()); // two tasks, two near-duplicate filters, one caption layer
        Assert.False(Directory.Exists(Path.Combine(runDir, "staging")));

        // Near duplicates: the Thai page's dandelion photo, its smaller copies served to the Korean page (dandelions-320) and to a
        // second Thai figure (dandelions-400), and the same file in a Russian pairs line form one cluster. Every language keeps its caption;
        // of the two Thai ones the larger image's stays, the other is a reject naming it.
        var cluster = DuckDb.Query($"SELECT lang, image.path, orig_width, dup_cluster, sha256 FROM {shards} WHERE dup_cluster = " +
                                   $"(SELECT dup_cluster FROM {shards} WHERE image.path = 'dandelions-320.jpg') ORDER BY lang");
        Assert.Equal(new[] { "ko", "ru", "th" }, cluster.Select(r => (string)r[0]!).ToArray());
        Assert.Equal(new[] { "dandelions-320.jpg", "dandelions.jpg", "dandelions.jpg" }, cluster.Select(r => (string)r[1]!).ToArray());
        string smallestImageHash = new[] { "dandelions.jpg", "dandelions-320.jpg", "dandelions-400.jpg" } // the cluster is named by its smallest image hash, dropped copies included
            .Select(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(DemoImages.PathOf(f)))))
            .Min(StringComparer.Ordinal)!;
        Assert.Equal(smallestImageHash[..16], (string)cluster[0][3]!);
        var thaiCopy = Assert.Single(rejects, r => r.Reason == "image_near_duplicate" && r.Origin.EndsWith("/th.html", StringComparison.Ordinal));
        Assert.Contains((string)cluster[0][3]!, thaiCopy.Detail);
        Assert.Single(rejects, r => r.Reason == "image_near_duplicate" && r.Detail!.Contains("(cs, native)", StringComparison.Ordinal)); // the site-wide footer photo, once
        // Fourteen photos, less the blocklisted and the benchmark one: twelve clusters, each photo captioned in two languages or more
        // (eleven of them in three or more).
        Assert.Equal(12, Convert.ToInt64(DuckDb.Scalar($"SELECT count(DISTINCT dup_cluster) FROM {shards}")));
        var languagesPerPhoto = DuckDb.Query($"SELECT count(DISTINCT lang) FROM {shards} GROUP BY dup_cluster").Select(r => Convert.ToInt64(r[0])).ToArray();
        Assert.Equal((2, 11), (languagesPerPhoto.Min(), languagesPerPhoto.Count(n => n >= 3)));

        // Quality and safety: every row of the dataset, native and model-written, carries both tiny packs' scores; the stand-in
        // blocklist's photo is a reject naming nothing but its key, the stand-in benchmark's photo one naming the benchmark item,
        // and a Czech caption repeated on another photo keeps one row.
        var scores = DuckDb.Query($"SELECT source, count(*), count(align_score), count(nsfw_score), min(align_model), max(align_model), min(align_score), max(align_score) " +
                                  $"FROM read_parquet('{Path.Combine(runDir, "shards", "*.parquet")}') GROUP BY source ORDER BY source");
        Assert.Equal(["fused", "mllm", "native"], scores.Select(r => (string)r[0]!).ToArray());
        Assert.All(scores, r => Assert.Equal((r[1], r[1], r[1], "tiny-clip@1", "tiny-clip@1"), (r[2], r[3], r[1], (string)r[4]!, (string)r[5]!)));
        Assert.All(scores, r => Assert.True((float)r[6]! >= -1 && (float)r[7]! <= 1 && (float)r[6]! < (float)r[7]!, $"{r[0]}: scores {r[6]}..{r[7]}"));
        var listedImage = Assert.Single(rejects, r => r.Reason == "image_blocklisted");
        Assert.Equal((null, null, null, "", "load_images"), (listedImage.Url, listedImage.PageUrl, listedImage.Detail, listedImage.Origin, listedImage.Stage));
        // The only reject naming the listed photo is the sample site's alt-less copy, never downloaded and so never known to be listed.
        Assert.Equal(["alt_empty"], rejects.Where(r => $"{r.Origin} {r.Url} {r.PageUrl} {r.Detail}".Contains("paintbrushes", StringComparison.Ordinal)).Select(r => r.Reason).ToArray());
        var benchmark = Assert.Single(rejects, r => r.Reason == "benchmark_near_duplicate");
        Assert.Equal(("https://example.org/ko/clock.jpg", "within 2 bits of benchmark item xm3600-stand-in/ko-0001"), (benchmark.Url, benchmark.Detail));
        Assert.Contains("jaccard 1.00 with kept ", Assert.Single(rejects, r => r.Reason == "caption_near_duplicate").Detail, StringComparison.Ordinal);

        // The caption layer: one translated model caption per language, on the image its line names by SHA-256, with its provenance,
        // in the layer's own shards; every bad line is a reject naming its line.
        var captionFile = File.ReadAllLines(Path.Combine(RepoPaths.Root, "pipelines", "demo", "captions.jsonl"));
        var layerRows = DuckDb.Query($"SELECT lang, sha256, text, caption_model, caption_prompt_id, caption_translator, caption_source_lang, origin, filename " +
                                     $"FROM read_parquet('{Path.Combine(runDir, "shards", "captions-*.parquet")}', filename = true) WHERE source = 'mllm' ORDER BY lang");
        Assert.Equal(["ar", "cs", "hu", "ko", "ru", "sr", "th", "vi"], layerRows.Select(r => (string)r[0]!).ToArray());
        foreach (var row in layerRows)
        {
            int line = int.Parse(((string)row[7]!).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            using var caption = JsonDocument.Parse(captionFile[line - 1]);
            Assert.Equal(caption.RootElement.GetProperty("sha256").GetString(), row[1]);
            Assert.Equal(caption.RootElement.GetProperty("text").GetString()!.Normalize(), row[2]);
            Assert.Equal(("qwen2-vl-7b-instruct", "describe-v1", "nllb-200-distilled-600M", "en"), ((string)row[3]!, (string)row[4]!, (string)row[5]!, (string)row[6]!));
            Assert.StartsWith("captions-qwen2vl-describe-v1-", Path.GetFileName((string)row[8]!), StringComparison.Ordinal);
        }

        // Lines in: 16 caption lines and 22 fused answers; rows out: 8 mllm and 22 fused.
        Assert.Equal((16 + fusedAnswers, 8 + fusedAnswers, 8), (layer.Lines, layer.Rows, layer.Rejected));
        Assert.Contains(rejects, r => r.Reason == "caption_lang_mismatch" && r.Origin == "captions.jsonl:9" && r.Lang == "ru" && r.Detail!.Contains("identified as uk", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.Reason == "caption_lang_mismatch" && r.Origin == "captions.jsonl:10"); // English left untranslated, labelled th
        Assert.Equal(summary.Counts["th"]["mllm"], manifest.Counts["th"]["mllm"]);
        Assert.Equal(2, manifest.Counts["th"]["mllm"]);
    }

    [Fact]
    public void The_demo_fuses_every_native_alt_text_whose_image_has_a_description_from_its_recorded_answers_alone()
    {
        string runDir = demo.RunDir;
        Assert.True(demo.Result.ExitCode == 0, demo.Result.ToString());
        string shards = DuckDb.Shards(runDir);

        // Every native row whose image has a description (the caption lines' description field) has one fused row grounded on it,
        // and its text is the team-written fusion of that row's alt text: the recording answered every request, nothing was asked.
        var fused = DuckDb.Query(
            $"SELECT f.key, f.lang, f.script, f.text, f.caption_model, f.caption_prompt_id, f.caption_source_lang, f.caption_translator, f.sha256, " +
            $"n.key, n.lang, n.sha256, n.text, n.script, f.grounded_from FROM {shards} f LEFT JOIN {shards} n ON n.key = f.grounded_from AND n.source = 'native' " +
            $"WHERE f.source = 'fused' ORDER BY f.lang, f.key");
        var fusions = DemoFusionsTests.Fusions();
        Assert.Equal(fusions.Count, fused.Count);
        Assert.Equal(8, fused.Select(r => (string)r[1]!).Distinct().Count());
        foreach (var row in fused)
        {
            Assert.True(row[9] is not null, $"fused row {row[0]}: grounded_from {row[14]} is no native row's key");
            Assert.Equal((row[10], row[11]), (row[1], row[8])); // the native row's language and image
            var fusion = Assert.Single(fusions, f => f.Lang == (string)row[10]! && f.Alt == (string)row[12]!);
            Assert.Equal(fusion.Fused.Normalize(), row[3]);
            Assert.Equal(("qwen2.5-7b-instruct", "fuse-v1", (string)row[1]!, null), ((string)row[4]!, (string)row[5]!, (string)row[6]!, row[7]));
            Assert.Equal(MellaPipeline.Languages.Scripts.Detect((string)row[3]!), row[2]);
            if ((string)row[1]! == "sr")
            {
                Assert.Equal(row[13], row[2]); // Serbian stays in the alt text's script
            }

            Assert.Equal(MellaPipeline.Records.PairKey.For("fused", "sha256:" + row[8], "layer:qwen2vl-describe-v1", "native:" + row[9]), row[0]);
        }

        var sha256s = File.ReadAllLines(Path.Combine(RepoPaths.Root, "pipelines", "demo", "captions.jsonl"))
            .Select(l => l.Split("\"sha256\": \"")[1][..64]).ToHashSet(StringComparer.Ordinal);
        long withDescription = Convert.ToInt64(DuckDb.Scalar(
            $"SELECT count(*) FROM {shards} WHERE source = 'native' AND sha256 IN ({string.Join(", ", sha256s.Select(s => $"'{s}'"))})"));
        Assert.Equal(withDescription, fused.Count);

        Assert.Contains("caption layer 'qwen2vl-describe-v1': fuse: 0 requests sent to the endpoint, 0 prompt and 0 completion tokens", demo.Result.Stderr, StringComparison.Ordinal);
        var rejects = Directory.EnumerateFiles(Path.Combine(runDir, "rejects")).SelectMany(File.ReadAllLines)
            .Select(l => JsonSerializer.Deserialize<MellaPipeline.Runtime.RejectRecord>(l, MellaJson.Compact)!).ToArray();
        Assert.DoesNotContain(rejects, r => r.Reason.StartsWith("caption_endpoint_", StringComparison.Ordinal) || r.Reason.StartsWith("fused_", StringComparison.Ordinal));

        // The layer's summary: nothing sent, and every fused answer kept all names of its alt text, which the translated captions did not.
        var layer = JsonSerializer.Deserialize<MellaPipeline.Captions.CaptionLayerSummary>(
            File.ReadAllBytes(Path.Combine(runDir, "reduce", "captions-qwen2vl-describe-v1.json")), MellaJson.Indented)!;
        Assert.Equal(new MellaPipeline.Captions.FuseUsage(0, 0, 0), layer.FuseUsage);
        var retention = layer.Retention!;
        Assert.Equal(fused.Count, retention.Where(r => r.Source == "fused").Sum(r => r.Checked));
        Assert.All(retention.Where(r => r.Source == "fused"), r => Assert.Equal((r.Checked, r.Names), (r.AllKept, r.Kept)));
        Assert.Contains(retention, r => r.Source == "mllm" && r.Kept < r.Names);
    }

    [Fact]
    public async Task Rerunning_a_finished_run_changes_nothing()
    {
        string runDir = demo.RunDir;
        Assert.True(demo.Result.ExitCode == 0, demo.Result.ToString());
        var before = RunSnapshot.Of(runDir, withTimes: true);

        var again = await MellaProcess.RunAsync(["run", RepoPaths.Demo, "--out", runDir]);
        var resumed = await MellaProcess.RunAsync(["run", RepoPaths.Demo, "--out", runDir, "--resume", "--workers", "1"]);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already complete", again.Stderr);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(before, RunSnapshot.Of(runDir, withTimes: true));
    }

    [Fact]
    public async Task Scripts_demo_runs_the_whole_demo_and_says_where_its_coverage_report_is()
    {
        using var dir = new TempDir();
        string outDir = dir.File("demo");
        var info = new System.Diagnostics.ProcessStartInfo(Path.Combine(RepoPaths.Root, "scripts", "demo"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(outDir);
        using var process = System.Diagnostics.Process.Start(info)!;
        var result = await MellaProcess.WaitAsync(process);

        Assert.True(result.ExitCode == 0, result.ToString());
        string report = Path.Combine(outDir, "report.html");
        Assert.Contains($"\nreport:   {report}\n", result.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html", File.ReadAllText(report), StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(outDir + "-split", "eval"), "*.parquet"));
        Assert.EndsWith("predictions: no errors\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_ends_with_an_eval_of_the_shipped_predictions_on_its_held_out_split()
    {
        using var dir = new TempDir();
        string runDir = demo.RunDir, splitDir = dir.File("demo-split");
        Assert.True(demo.Result.ExitCode == 0, demo.Result.ToString());
        var split = await MellaProcess.RunAsync(["split", runDir, "--out", splitDir, "--eval-per-language", "2"]);
        Assert.True(split.ExitCode == 0, split.ToString());

        var eval = await MellaProcess.RunAsync(["eval", "--predictions", Path.Combine(RepoPaths.Root, "pipelines", "demo", "predictions.jsonl"), "--references", splitDir, "--json", "--bootstrap", "50"]);

        Assert.True(eval.ExitCode == 0, eval.ToString()); // every eval key has its prediction: the file stays in step with the demo
        var report = System.Text.Json.JsonDocument.Parse(eval.Stdout).RootElement;
        Assert.Equal(0, report.GetProperty("errors").GetProperty("total").GetInt64());
        var results = report.GetProperty("results").EnumerateArray().ToList();
        long evalRows = Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM read_parquet('{Path.Combine(splitDir, "eval", "*.parquet")}')"));
        Assert.Equal(evalRows, results.Where(r => r.GetProperty("metric").GetString() == "bleu").Sum(r => r.GetProperty("n").GetInt32()));
        Assert.Equal(8, results.Select(r => r.GetProperty("lang").GetString()).Distinct().Count());
        Assert.All(results, r => Assert.InRange(r.GetProperty("score").GetDouble(), 0, 100));
        Assert.Contains(results, r => r.GetProperty("lang").GetString() == "th" && r.GetProperty("metric").GetString() == "bleu" && r.GetProperty("score").GetDouble() > 10);
    }
}
