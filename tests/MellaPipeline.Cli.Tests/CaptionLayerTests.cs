using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// Caption layers in <c>mella run</c>: model captions from JSONL or Parquet files become <c>mllm</c>
/// rows on the images they name; bad captions become rejects naming file and line; a changed layer
/// is rebuilt on its own, leaving the native pairs' shards untouched.
/// </summary>
public class CaptionLayerTests
{
    /// <summary>A pairs input with 6 distinct photos, a native caption each (cs, ru, th, ko, vi, ar).</summary>
    private static string WritePairs(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        (string Lang, string Text)[] natives =
        [
            ("cs", "Karlův most v ranní mlze nad Vltavou"), ("ru", "Зимний лес в Подмосковье после снегопада"),
            ("th", "ตลาดน้ำดำเนินสะดวกในตอนเช้า"), ("ko", "부산 해운대 해수욕장의 여름 풍경"),
            ("vi", "Vịnh Hạ Long nhìn từ trên cao"), ("ar", "مسجد الحسن الثاني في الدار البيضاء"),
        ];
        var lines = new List<string>();
        for (int i = 0; i < natives.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, "images", $"photo{i}.png"), SyntheticPng.Create(120, 90, 900 + i));
            lines.Add(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["image_path"] = $"images/photo{i}.png", ["url"] = $"https://img.example/{i}.jpg", ["lang"] = natives[i].Lang, ["text"] = natives[i].Text,
            }));
        }

        string path = Path.Combine(folder, "pairs.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Pipeline(string folder, string pairs, string captions) =>
        PairsInput.WritePipeline(folder, pairs, tasks: 2, shardMaxRows: 4, extra: "captions:\n" + captions);

    private static async Task<string> RunAsync(string pipeline, string runDir)
    {
        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return runDir;
    }

    private static List<JsonElement> Rejects(string runDir, string layer) =>
        File.ReadAllLines(Path.Combine(runDir, "rejects", $"captions-{layer}.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public async Task A_parquet_caption_file_matched_by_url_gives_mllm_rows_and_rejects_every_bad_row()
    {
        using var dir = new TempDir();
        string pairs = WritePairs(dir.Path);
        string captions = dir.File("captions.parquet");
        DuckDb.Query($"""
            COPY (SELECT * FROM (VALUES
                ('https://img.example/0.jpg', 'cs', 'Na fotografii je kamenný most se sochami, který se v mlze klene přes řeku.', 'm1', 'p1', 'en', 'nllb'),
                ('https://img.example/1.jpg', 'ru', 'На фотографии заснеженный еловый лес под пасмурным небом.', 'm1', 'p1', 'en', 'nllb'),
                ('https://img.example/2.jpg', 'th', 'The picture shows a floating market with boats.', 'm1', 'p1', 'en', NULL),
                ('https://img.example/3.jpg', 'ko', NULL, 'm1', 'p1', 'en', 'nllb'),
                ('https://img.example/404.jpg', 'vi', 'Bức ảnh cho thấy những hòn đảo đá vôi giữa mặt nước.', 'm1', 'p1', 'en', 'nllb'),
                ('https://img.example/5.jpg', 'ar', 'صورة', 'm1', 'p1', 'en', 'nllb')
            ) AS t(url, lang, text, model, prompt_id, source_lang, translation_engine)) TO '{captions}' (FORMAT PARQUET)
            """);
        string runDir = await RunAsync(Pipeline(dir.Path, pairs, "  - name: v1\n    paths: [captions.parquet]\n    match_by: url"), dir.File("run"));

        var rows = DuckDb.Query($"SELECT lang, url, source, caption_model, caption_translator, origin FROM {DuckDb.Shards(runDir)} WHERE source = 'mllm' ORDER BY lang");
        Assert.Equal(
            new[] { "cs|https://img.example/0.jpg|mllm|m1|nllb|captions.parquet#0", "ru|https://img.example/1.jpg|mllm|m1|nllb|captions.parquet#1" },
            rows.Select(r => string.Join('|', r)).ToArray());
        Assert.Equal(
            new[] { "captions.parquet#2 caption_lang_mismatch", "captions.parquet#3 caption_field_missing", "captions.parquet#4 caption_image_unknown", "captions.parquet#5 caption_too_short" },
            Rejects(runDir, "v1").Select(r => $"{r.GetProperty("origin").GetString()} {r.GetProperty("reason").GetString()}").Order(StringComparer.Ordinal).ToArray());

        var layer = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "reduce", "captions-v1.json"))).RootElement;
        Assert.Equal((6, 2, 4, 4), (layer.GetProperty("lines").GetInt64(), layer.GetProperty("rows").GetInt64(),
            layer.GetProperty("rejected").GetInt64(), layer.GetProperty("images_without_caption").GetInt64()));
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json"))).RootElement;
        Assert.Equal(6 + 6, summary.GetProperty("input_records").GetInt64()); // pairs lines and caption rows
        Assert.Equal(8, summary.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task A_parquet_caption_file_without_a_required_column_is_one_reject_naming_the_column()
    {
        using var dir = new TempDir();
        string pairs = WritePairs(dir.Path);
        DuckDb.Query($"COPY (SELECT 'https://img.example/0.jpg' AS url, 'cs' AS lang, 'Kamenný most v mlze nad řekou' AS text) TO '{dir.File("captions.parquet")}' (FORMAT PARQUET)");

        string runDir = await RunAsync(Pipeline(dir.Path, pairs, "  - name: v1\n    paths: [captions.parquet]\n    match_by: url"), dir.File("run"));

        var reject = Assert.Single(Rejects(runDir, "v1"));
        Assert.Equal("caption_file_unreadable", reject.GetProperty("reason").GetString());
        Assert.Contains("model", reject.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_model_s_captions_replace_that_layer_and_nothing_else()
    {
        using var dir = new TempDir();
        string pairs = WritePairs(dir.Path);
        string keyOf0 = string.Empty;
        string Caption(string model, string text) => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["key"] = keyOf0, ["lang"] = "cs", ["text"] = text, ["model"] = model, ["prompt_id"] = "describe-v1",
        });

        // The first run, without captions, tells the key of the Czech row the captions will name.
        string pipeline = Pipeline(dir.Path, pairs, "  - name: vlm\n    paths: [captions.jsonl]\n    match_by: key");
        File.WriteAllText(dir.File("captions.jsonl"), "");
        string runDir = await RunAsync(pipeline, dir.File("run"));
        keyOf0 = (string)DuckDb.Scalar($"SELECT key FROM {DuckDb.Shards(runDir)} WHERE lang = 'cs'")!;
        File.WriteAllText(dir.File("captions.jsonl"), Caption("model-a", "Na fotografii je kamenný most se sochami nad řekou v ranní mlze.") + "\n");
        await RunAsync(pipeline, runDir);
        var native = RunSnapshot.Of(runDir, p => p.StartsWith("shards/part-", StringComparison.Ordinal) || p.StartsWith("rejects/0", StringComparison.Ordinal), withTimes: true);
        Assert.Equal("model-a", DuckDb.Scalar($"SELECT caption_model FROM {DuckDb.Shards(runDir)} WHERE source = 'mllm'"));

        // Another model's captions for the same image: only the layer is rebuilt.
        File.WriteAllText(dir.File("captions.jsonl"), Caption("model-b", "Fotografie zachycuje gotický most přes řeku, na jehož pilířích stojí barokní sochy.") + "\n");
        var rerun = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.DoesNotContain("nothing to do", rerun.Stderr, StringComparison.Ordinal);

        Assert.Equal(native, RunSnapshot.Of(runDir, p => p.StartsWith("shards/part-", StringComparison.Ordinal) || p.StartsWith("rejects/0", StringComparison.Ordinal), withTimes: true));
        var mllm = DuckDb.Query($"SELECT caption_model, text, image.bytes IS NOT NULL FROM {DuckDb.Shards(runDir)} WHERE source = 'mllm'");
        Assert.Equal("model-b", (string)Assert.Single(mllm)[0]!);
        Assert.Equal(true, mllm[0][2]);
        var manifest = MellaPipeline.Parquet.DatasetManifest.Read(Path.Combine(runDir, "shards", "manifest.json"));
        Assert.Equal(1, manifest.Counts["cs"]["mllm"]);
        Assert.Equal(manifest.Rows, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Shards(runDir)}")));

        // Unchanged, a rerun does nothing; a layer no longer listed is removed with its rows.
        Assert.Contains("nothing to do", (await MellaProcess.RunAsync(["run", pipeline, "--out", runDir])).Stderr, StringComparison.Ordinal);
        await RunAsync(PairsInput.WritePipeline(dir.Path, pairs, tasks: 2, shardMaxRows: 4), runDir);
        Assert.Equal(0L, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Shards(runDir)} WHERE source = 'mllm'")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(runDir, "shards"), "captions-*"));
        Assert.Equal(native, RunSnapshot.Of(runDir, p => p.StartsWith("shards/part-", StringComparison.Ordinal) || p.StartsWith("rejects/0", StringComparison.Ordinal), withTimes: true));
    }

    [Theory]
    [InlineData("keep", 2)]
    [InlineData("drop", 1)]
    public async Task Unpaired_captions_are_kept_or_dropped_as_the_layer_says(string unpaired, int mllmRows)
    {
        using var dir = new TempDir();
        string pairs = WritePairs(dir.Path);
        string Caption(string lang, string text) => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["url"] = "https://img.example/0.jpg", ["lang"] = lang, ["text"] = text, ["model"] = "m1",
        });
        File.WriteAllLines(dir.File("captions.jsonl"),
        [
            Caption("cs", "Na fotografii je kamenný most se sochami, který se v mlze klene přes řeku."), // photo 0 has a Czech native pair
            Caption("ru", "На фотографии каменный мост со статуями над рекой в утреннем тумане."), // but no Russian one
        ]);

        string runDir = await RunAsync(
            Pipeline(dir.Path, pairs, $"  - name: v1\n    paths: [captions.jsonl]\n    match_by: url\n    unpaired: {unpaired}"), dir.File("run"));

        Assert.Equal((long)mllmRows, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Shards(runDir)} WHERE source = 'mllm'")));
        var rejects = Rejects(runDir, "v1");
        Assert.Equal(unpaired == "drop" ? ["caption_unpaired"] : [], rejects.Select(r => r.GetProperty("reason").GetString()!).ToArray());
    }

    [Fact]
    public async Task A_layer_with_both_files_and_an_endpoint_is_a_config_error()
    {
        using var dir = new TempDir();
        string pairs = WritePairs(dir.Path);
        File.WriteAllText(dir.File("captions.jsonl"), "");
        string layer = "  - name: v1\n    paths: [captions.jsonl]\n    generate:\n      endpoint: http://127.0.0.1:9/v1\n      model: m\n      translate_model: t";

        var result = await MellaProcess.RunAsync(["run", Pipeline(dir.Path, pairs, layer), "--out", dir.File("run")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("captions[0].paths", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Fact]
    public async Task A_caption_path_that_does_not_exist_is_a_config_error()
    {
        using var dir = new TempDir();
        string pairs = WritePairs(dir.Path);

        var result = await MellaProcess.RunAsync(["run", Pipeline(dir.Path, pairs, "  - name: v1\n    paths: [nowhere.jsonl]"), "--out", dir.File("run")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("captions[0].paths[0]", result.Stderr, StringComparison.Ordinal);
    }
}
