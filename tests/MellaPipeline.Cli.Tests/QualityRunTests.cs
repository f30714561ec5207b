using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using MellaPipeline.Parquet;
using MellaPipeline.Quality.Packs;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>stages.align</c> and <c>stages.safety</c> with caption layers in a real <c>mella run</c>: a layer's
/// rows are scored on their own caption by the same pack and rule as native rows, a threshold keeps
/// a row whose score equals it, a caption line naming a blocklisted image is withheld like the image,
/// and a safety check that would see no image is refused.
/// </summary>
public class QualityRunTests
{
    private static readonly string TinyClip = Path.Combine(RepoPaths.Root, "pipelines", "demo", "models", "tiny-clip");

    private static (string Pairs, string[] Images) WritePairs(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        (string Lang, string Text)[] natives =
        [
            ("cs", "Karlův most v ranní mlze nad Vltavou"), ("ru", "Зимний лес в Подмосковье после снегопада"),
            ("th", "ตลาดน้ำดำเนินสะดวกในตอนเช้า"), ("ko", "부산 해운대 해수욕장의 여름 풍경"),
        ];
        var lines = new List<string>();
        var images = new string[natives.Length];
        for (int i = 0; i < natives.Length; i++)
        {
            images[i] = Path.Combine(folder, "images", $"photo{i}.png");
            File.WriteAllBytes(images[i], SyntheticPng.Create(120, 90, 700 + i));
            lines.Add(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["image_path"] = $"images/photo{i}.png", ["url"] = $"https://img.example/{i}.jpg", ["lang"] = natives[i].Lang, ["text"] = natives[i].Text,
            }));
        }

        string path = Path.Combine(folder, "pairs.jsonl");
        File.WriteAllLines(path, lines);
        return (path, images);
    }

    private static string Sha256Of(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    private static string Pipeline(string folder, string pairs, string stages) => PairsInput.WritePipeline(folder, pairs, tasks: 2, shardMaxRows: 4, extra: $"""
        captions:
          - name: byurl
            paths: [byurl.jsonl]
            match_by: url
            min_chars: 5
          - name: bysha
            paths: [bysha.jsonl]
        stages:
        {stages}
        """);

    [Fact]
    public async Task Layer_rows_are_scored_on_their_own_caption_a_threshold_at_a_score_keeps_it_and_a_blocklisted_image_s_caption_is_withheld()
    {
        using var dir = new TempDir();
        var (pairs, images) = WritePairs(dir.Path);
        File.WriteAllLines(dir.File("byurl.jsonl"),
        [
            """{"url": "https://img.example/0.jpg", "lang": "cs", "text": "Na fotografii je kamenný most se sochami nad řekou v mlze.", "model": "m1"}""",
            """{"url": "https://img.example/1.jpg", "lang": "ru", "text": "На фотографии заснеженный еловый лес под серым небом.", "model": "m1"}""",
            """{"url": "https://img.example/3.jpg", "lang": "ko", "text": "해변과 바다, 그리고 많은 사람들이 보이는 여름 풍경 사진.", "model": "m1"}""",
        ]);
        string listed = Sha256Of(images[2]);
        File.WriteAllLines(dir.File("bysha.jsonl"), [$$"""{"sha256": "{{listed}}", "lang": "th", "text": "ภาพตลาดน้ำที่มีเรือหลายลำในตอนเช้า", "model": "m1"}"""]);
        File.WriteAllText(dir.File("blocklist.txt"), $"# one listed photo\n{listed}\n");

        string stages = $"  align: {{model: \"{TinyClip}\"}}\n  safety: {{blocklist: [blocklist.txt]}}";
        var first = await MellaProcess.RunAsync(["run", Pipeline(dir.Path, pairs, stages), "--out", dir.File("run1")]);
        Assert.True(first.ExitCode == 0, first.ToString());

        // Every row, native and model-written, has the score the pack gives its own image and caption.
        var rows = new List<PairRecord>();
        foreach (string shard in Directory.GetFiles(Path.Combine(dir.File("run1"), "shards"), "*.parquet"))
        {
            await foreach (var row in ShardReader.ReadAsync(shard))
            {
                rows.Add(row);
            }
        }

        Assert.Equal((3, 3), (rows.Count(r => r.Source == PairSources.Native), rows.Count(r => r.Source == PairSources.Mllm)));
        using (var scorer = new PackAlignmentScorer(ModelPack.Load(TinyClip), threads: 1))
        {
            var expected = await scorer.ScoreAsync(rows, CancellationToken.None);
            Assert.Equal(expected.Select(s => s.Score), rows.Select(r => r.AlignScore));
        }

        Assert.All(rows, r => Assert.Equal("tiny-clip@1", r.AlignModel));
        var czech = rows.Where(r => r.Lang == "cs").ToDictionary(r => r.Source);
        Assert.NotEqual(czech[PairSources.Native].AlignScore, czech[PairSources.Mllm].AlignScore); // the layer row's own caption, not its sibling's

        // The listed photo: its pair and the caption naming it by SHA-256 are key-and-reason rejects.
        Assert.DoesNotContain(rows, r => r.Lang == "th");
        var withheld = File.ReadAllLines(Path.Combine(dir.File("run1"), "rejects", "captions-bysha.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).Single();
        Assert.Equal(("image_blocklisted", "", JsonValueKind.Null, JsonValueKind.Null),
            (withheld.GetProperty("reason").GetString(), withheld.GetProperty("origin").GetString(), withheld.GetProperty("detail").ValueKind, withheld.GetProperty("url").ValueKind));
        Assert.DoesNotContain(listed, string.Concat(Directory.GetFiles(Path.Combine(dir.File("run1"), "rejects")).Select(File.ReadAllText)), StringComparison.Ordinal);

        // A threshold equal to a layer row's score keeps that row; every row below it, native or layer, is alignment_low.
        float at = czech[PairSources.Mllm].AlignScore!.Value;
        string threshold = ((double)at).ToString("R", CultureInfo.InvariantCulture);
        var second = await MellaProcess.RunAsync(["run", Pipeline(dir.Path, pairs, $"  align: {{model: \"{TinyClip}\", min_score: {{default: {threshold}}}}}\n  safety: {{blocklist: [blocklist.txt]}}"), "--out", dir.File("run2")]);
        Assert.True(second.ExitCode == 0, second.ToString());
        var kept = DuckDb.Query($"SELECT key FROM {DuckDb.Shards(dir.File("run2"))}").Select(r => (string)r[0]!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(rows.Where(r => r.AlignScore >= at).Select(r => r.Key).Order(StringComparer.Ordinal).ToArray(), kept);
        Assert.Contains(czech[PairSources.Mllm].Key, kept);
        var low = Directory.GetFiles(Path.Combine(dir.File("run2"), "rejects"), "*.jsonl").SelectMany(File.ReadAllLines)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("reason").GetString() == "alignment_low").Select(r => r.GetProperty("key").GetString()!);
        Assert.Equal(rows.Where(r => r.AlignScore < at).Select(r => r.Key).Order(StringComparer.Ordinal), low.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("  load_images: {enabled: false}\n  safety: {blocklist: [blocklist.txt]}", "stages.safety")]
    [InlineData("  load_images: {store: reference}\n  safety: {model: MODEL}", "stages.safety.model")]
    public async Task A_safety_check_that_would_see_no_image_is_refused_before_anything_is_written(string stages, string key)
    {
        using var dir = new TempDir();
        var (pairs, images) = WritePairs(dir.Path);
        File.WriteAllText(dir.File("byurl.jsonl"), "");
        File.WriteAllText(dir.File("bysha.jsonl"), "");
        File.WriteAllText(dir.File("blocklist.txt"), Sha256Of(images[0]) + "\n");
        string model = Path.Combine(RepoPaths.Root, "pipelines", "demo", "models", "tiny-nsfw");

        var result = await MellaProcess.RunAsync(["run", Pipeline(dir.Path, pairs, stages.Replace("MODEL", $"\"{model}\"", StringComparison.Ordinal)), "--out", dir.File("run")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(key, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
