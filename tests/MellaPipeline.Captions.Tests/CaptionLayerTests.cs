using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Captions.Tests;

/// <summary>
/// A caption layer built in-process over real shards of a run folder: captions matched by
/// SHA-256, key or URL become <c>mllm</c> rows carrying the matched row's image; every bad line is
/// a reject with its reason, file and line; the layer is a step (marker, figures, rejects) that a
/// second run skips and a changed file rebuilds.
/// </summary>
public class CaptionLayerTests
{
    /// <summary>A finished run's native rows: a Czech, a Russian and a Thai photo, in two shards.</summary>
    private static class Run
    {
        public static Task<LayerRun> CreateAsync() => LayerRun.CreateAsync(
            [
                DatasetShards.Row("cs", "Karlův most v ranní mlze nad Vltavou", imageSeed: 1),
                DatasetShards.Row("ru", "Зимний лес в Подмосковье после снегопада", imageSeed: 2),
                DatasetShards.Row("th", "ตลาดน้ำดำเนินสะดวกในตอนเช้า", imageSeed: 3),
            ],
            shardMaxRows: 2);
    }

    private static CaptionLayerOptions Options(string path, CaptionMatch match = CaptionMatch.Sha256) =>
        new() { Name = "v1", Paths = [path], MatchBy = match, CheckLanguage = false };

    private static string Sql(LayerRun run) => run.Sql("v1");

    [Fact]
    public async Task Good_captions_become_mllm_rows_on_their_images_and_every_bad_line_is_a_reject_with_its_reason()
    {
        using var run = await Run.CreateAsync();
        string cs = run.Rows[0].Sha256!, ru = run.Rows[1].Sha256!, th = run.Rows[2].Sha256!;
        var good = new { sha256 = cs, lang = "cs", model = "m1", text = "Na fotografii je kamenný most se sochami nad řekou." };
        string file = run.WriteCaptions(
            good,
            "not json at all",
            "[1, 2]",
            new { sha256 = ru, lang = "ru", model = "m1" },
            new Dictionary<string, object> { ["sha256"] = ru, ["lang"] = "ru", ["model"] = "m1", ["text"] = 5 },
            new { sha256 = ru, lang = "de", model = "m1", text = "Ein verschneiter Wald im Winter" },
            new { sha256 = ru, lang = "ru", model = "m1", text = "Лес" },
            new { sha256 = ru, lang = "th", model = "m1", text = "The picture shows a snowy forest" },
            new { sha256 = new string('f', 64), lang = "ru", model = "m1", text = "На фотографии зимний лес под снегом" },
            good,
            "",
            new { sha256 = th, lang = "th", model = "m2", text = "ภาพนี้แสดงตลาดน้ำในตอนเช้า", prompt_id = "describe-v1", source_lang = "en", translation_engine = "nllb" });

        var summary = await run.Layer(Options(file)).RunAsync(run.Shards, 1, CancellationToken.None);

        Assert.Equal((11L, 2L, 9L, 1L), (summary.Lines, summary.Rows, summary.Rejected, summary.ImagesWithoutCaption));
        Assert.Equal(
            [
                "captions.jsonl:2 failed caption_malformed", "captions.jsonl:3 failed caption_malformed",
                "captions.jsonl:4 failed caption_field_missing", "captions.jsonl:5 failed caption_field_invalid",
                "captions.jsonl:6 dropped caption_lang_not_targeted", "captions.jsonl:7 dropped caption_too_short",
                "captions.jsonl:8 dropped caption_lang_mismatch", "captions.jsonl:9 dropped caption_image_unknown",
                "captions.jsonl:10 dropped caption_duplicate",
            ],
            run.Rejects("v1").Select(r => $"{r.GetProperty("origin").GetString()} {r.GetProperty("kind").GetString()} {r.GetProperty("reason").GetString()}")
                .OrderBy(r => int.Parse(r.Split(':', ' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(run.Rejects("v1"), r => Assert.Equal("captions_v1", r.GetProperty("stage").GetString()));

        // A duplicate is known once matched: its reject names the image's URL.
        var duplicate = run.Rejects("v1").Single(r => r.GetProperty("reason").GetString() == "caption_duplicate");
        Assert.Equal(run.Rows[0].Url, duplicate.GetProperty("url").GetString());

        var rows = DuckDb.Query($"SELECT key, lang, source, origin, caption_model, caption_prompt_id, caption_source_lang, caption_translator, image.bytes, sha256, dup_cluster FROM {Sql(run)} ORDER BY lang");
        Assert.Equal(2, rows.Count);
        Assert.Equal(
            new object?[] { PairKey.For(PairSources.Mllm, "sha256:" + cs, "layer:v1", good.text), "cs", "mllm", "captions.jsonl:1", "m1", null, null, null },
            rows[0][..8]);
        Assert.Equal(new object?[] { "th", "mllm", "captions.jsonl:12", "m2", "describe-v1", "en", "nllb" }, rows[1][1..8]);
        Assert.Equal(run.Rows[0].ImageBytes, (byte[])rows[0][8]!);
        Assert.Equal((run.Rows[2].Sha256, run.Rows[2].DupCluster), ((string)rows[1][9]!, (string)rows[1][10]!));

        // The step's files: figures, then the marker.
        Assert.True(File.Exists(run.Directory.CaptionCompletionPath("v1")));
        var figures = JsonDocument.Parse(File.ReadAllBytes(run.Directory.CaptionStatsPath("v1"))).RootElement;
        Assert.Equal((2L, 9L), (figures.GetProperty("rows").GetInt64(), figures.GetProperty("rejected").GetInt64()));
    }

    [Theory]
    [InlineData(CaptionMatch.Key)]
    [InlineData(CaptionMatch.Url)]
    public async Task A_caption_names_its_image_by_key_or_by_url(CaptionMatch match)
    {
        using var run = await Run.CreateAsync();
        var target = run.Rows[1];
        string name = match == CaptionMatch.Key ? target.Key : target.Url!;
        string field = CaptionFile.MatchField(match);
        string file = run.WriteCaptions(
            new Dictionary<string, string> { [field] = name, ["lang"] = "ru", ["model"] = "m1", ["text"] = "На фотографии заснеженный еловый лес под пасмурным небом." },
            new Dictionary<string, string> { [field] = name + "-missing", ["lang"] = "ru", ["model"] = "m1", ["text"] = "На фотографии деревянный дом у замёрзшей реки." });

        var summary = await run.Layer(Options(file, match)).RunAsync(run.Shards, 1, CancellationToken.None);

        Assert.Equal((2L, 1L, 1L, 2L), (summary.Lines, summary.Rows, summary.Rejected, summary.ImagesWithoutCaption));
        Assert.Equal(target.Sha256, DuckDb.Scalar($"SELECT sha256 FROM {Sql(run)}"));
        var unknown = Assert.Single(run.Rejects("v1"));
        Assert.Equal("caption_image_unknown", unknown.GetProperty("reason").GetString());
        Assert.Contains($"{field} {name}-missing", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_unpaired_drop_a_caption_in_a_language_the_image_has_no_native_pair_in_is_dropped()
    {
        using var run = await Run.CreateAsync();
        string cs = run.Rows[0].Sha256!;
        string file = run.WriteCaptions(
            new { sha256 = cs, lang = "cs", model = "m1", text = "Na fotografii je kamenný most v mlze." },
            new { sha256 = cs, lang = "ru", model = "m1", text = "На фотографии каменный мост в тумане." });
        var options = Options(file);
        options.Unpaired = UnpairedCaptions.Drop;

        var summary = await run.Layer(options).RunAsync(run.Shards, 1, CancellationToken.None);

        Assert.Equal((1L, 1L), (summary.Rows, summary.Rejected));
        Assert.Equal("cs", DuckDb.Scalar($"SELECT lang FROM {Sql(run)}"));
        Assert.Equal("caption_unpaired", Assert.Single(run.Rejects("v1")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_built_layer_is_skipped_an_interrupted_one_discarded_and_a_changed_file_rebuilds_it()
    {
        using var run = await Run.CreateAsync();
        string cs = run.Rows[0].Sha256!;
        string file = run.WriteCaptions(new { sha256 = cs, lang = "cs", model = "model-a", text = "Na fotografii je kamenný most se sochami." });

        // What a layer killed before its marker leaves: a shard of its own. It must not survive the build.
        string leftover = Path.Combine(run.Directory.ShardsDir, RunDirectory.CaptionShardPrefix("v1") + "00009.parquet");
        File.WriteAllText(leftover, "cut short");
        var first = await run.Layer(Options(file)).RunAsync(run.Shards, 1, CancellationToken.None);
        Assert.False(File.Exists(leftover));
        string shard = Assert.Single(Directory.GetFiles(run.Directory.ShardsDir, RunDirectory.CaptionShardPrefix("v1") + "*"));
        var written = File.GetLastWriteTimeUtc(shard);

        var again = await run.Layer(Options(file)).RunAsync(run.Shards, 1, CancellationToken.None);
        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.Equal(written, File.GetLastWriteTimeUtc(shard));
        Assert.NotNull(run.Layer(Options(file)).Current());

        run.WriteCaptions(new { sha256 = cs, lang = "cs", model = "model-b", text = "Kamenný most přes řeku za mlhavého rána." });
        Assert.Null(run.Layer(Options(file)).Current());
        var rebuilt = await run.Layer(Options(file)).RunAsync(run.Shards, 1, CancellationToken.None);

        Assert.NotEqual(first.Fingerprint, rebuilt.Fingerprint);
        Assert.Equal("model-b", DuckDb.Scalar($"SELECT caption_model FROM {Sql(run)}"));
        Assert.Equal(3L, DuckDb.Long(DuckDb.Scalar($"SELECT count(*) FROM {DatasetShards.Sql(run.Directory.ShardsDir, "part-*.parquet")}")));
    }
}
