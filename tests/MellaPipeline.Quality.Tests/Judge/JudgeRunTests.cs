using System.Security.Cryptography;
using System.Text.Json;
using MellaPipeline.TestSupport;
using SampleCaptions = MellaPipeline.TestSupport.Captions;

namespace MellaPipeline.Quality.Tests.Judge;

/// <summary>
/// <c>stages.align.judge</c> in a real <c>mella run</c> against an OpenAI-wire-format server on
/// 127.0.0.1, over generated images and real captions in all eight languages: scores and the
/// judge's id in every row (read back by DuckDB), malformed answers as <c>judge_answer_invalid</c>
/// rejects of their rows, per-language thresholds, a rerun with another task count that asks nothing.
/// </summary>
public class JudgeRunTests
{
    /// <summary>What the judge answers for each caption (by its language and number): scores, bare numbers and three malformed answers.</summary>
    private static readonly (string Lang, string Text, string Answer, float? Score)[] Pairs =
    [
        ("ar", SampleCaptions.All[0].Text, "{\"score\": 0.9}", 0.9f),
        ("cs", SampleCaptions.All[2].Text, "0.3", 0.3f),
        ("hu", SampleCaptions.All[4].Text, "{\"score\": 0.75, \"reason\": \"the bridge and the castle are shown\"}", 0.75f),
        ("ko", SampleCaptions.All[6].Text, "{\"score\": 0.45}", 0.45f),
        ("ru", SampleCaptions.All[8].Text, "{\"score\": 1.7}", null),
        ("sr", SampleCaptions.All[10].Text, "Yes, the caption describes the image.", null),
        ("th", SampleCaptions.All[12].Text, "{\"score\": 0.3}", 0.3f),
        ("th", SampleCaptions.All[13].Text, "{\"score\": 0.15}", 0.15f),
        ("vi", SampleCaptions.All[14].Text, "{\"score\": 0.1}", 0.1f),
        ("ar", SampleCaptions.All[1].Text, "{\"score\": 0.6}", 0.6f),
        ("cs", SampleCaptions.All[3].Text, "{\"score\": 0.55}", 0.55f),
        ("ko", SampleCaptions.All[7].Text, "{\"score\": 0.", null),
        ("ru", SampleCaptions.All[9].Text, "{\"score\": 1}", 1f),
        ("vi", SampleCaptions.All[15].Text, "{\"score\": 0.5}", 0.5f),
        ("hu", SampleCaptions.All[5].Text, "{\"score\": 0.05}", 0.05f),
        ("sr", SampleCaptions.All[11].Text, "{\"score\": 0.8}", 0.8f),
    ];

    private const string JudgeId = "judge:test-vlm/align-judge-v1";

    private static string WritePairs(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        string path = Path.Combine(folder, "pairs.jsonl");
        File.WriteAllLines(path, Pairs.Select((p, i) =>
        {
            File.WriteAllBytes(Path.Combine(folder, "images", $"p{i}.png"), SyntheticPng.Create(64 + i, 48, 300 + i));
            return JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["image_path"] = $"images/p{i}.png", ["url"] = $"https://img.example/{i}.png", ["lang"] = p.Lang, ["text"] = p.Text,
            });
        }));
        return path;
    }

    private static ChatCompletionsServer Judge() => new(request =>
        new ChatReply(Pairs.Single(p => request.Prompt.Contains($"Caption: {p.Text}", StringComparison.Ordinal)).Answer));

    private static string Pipeline(string folder, string endpoint, int tasks, string align = "", string loadImages = "") =>
        PairsInput.WritePipeline(folder, WritePairs(folder), tasks, shardMaxRows: 5, extra: $$"""
            stages:
              {{loadImages}}
              align:
                batch_size: 3
                judge:
                  endpoint: {{endpoint}}
                  model: test-vlm
                  concurrency: 2
                  cache_dir: {{Path.Combine(folder, "judge-cache")}}
                {{align}}
            """);

    private static Dictionary<string, (float? Score, string? Model)> Scores(string runDir) =>
        DuckDb.Query($"SELECT text, align_score, align_model FROM {DuckDb.Shards(runDir)}")
            .ToDictionary(r => (string)r[0]!, r => (r[1] is null ? (float?)null : Convert.ToSingle(r[1]), (string?)r[2]));

    private static List<JsonElement> Rejects(string runDir) =>
        [.. Directory.GetFiles(Path.Combine(runDir, "rejects"), "*.jsonl").SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement)];

    [Fact]
    public async Task Every_row_gets_the_judges_score_bad_answers_are_rejects_and_a_rerun_with_other_tasks_asks_nothing()
    {
        using var dir = new TempDir();
        await using var server = Judge();
        string pipeline = Pipeline(dir.Path, server.Endpoint, tasks: 2);

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Pairs.Length, server.Requests);
        var scored = Pairs.Where(p => p.Score is not null).ToDictionary(p => p.Text, p => ((float?)p.Score, (string?)JudgeId));
        Assert.Equal(scored, Scores(dir.File("run")));

        var rejects = Rejects(dir.File("run"));
        Assert.Equal(3, rejects.Count);
        Assert.All(rejects, r => Assert.Equal(("align", "judge_answer_invalid", "failed", false),
            (r.GetProperty("stage").GetString(), r.GetProperty("reason").GetString(), r.GetProperty("kind").GetString(), r.GetProperty("transient").GetBoolean())));
        var bad = Pairs.Select((p, i) => (p, i)).Where(x => x.p.Score is null).ToArray();
        Assert.Equal(bad.Select(x => $"https://img.example/{x.i}.png").Order(StringComparer.Ordinal), rejects.Select(r => r.GetProperty("url").GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains(rejects, r => r.GetProperty("detail").GetString() == "score 1.7 is outside [0, 1]: \"{\\\"score\\\": 1.7}\"");

        // Another run directory, three tasks instead of two, the same cache: every answer is found, nothing is asked.
        var rerun = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("rerun"), "--tasks", "3"]);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(Pairs.Length, server.Requests);
        Assert.Equal(scored, Scores(dir.File("rerun")));
        Assert.Equal(3, Rejects(dir.File("rerun")).Count);
    }

    [Fact]
    public async Task A_per_language_min_score_drops_exactly_the_rows_below_their_languages_threshold()
    {
        using var dir = new TempDir();
        await using var server = Judge();
        string pipeline = Pipeline(dir.Path, server.Endpoint, tasks: 2, align: "min_score: {default: 0.5, th: 0.2}");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var below = Pairs.Where(p => p.Score is { } s && s < (p.Lang == "th" ? 0.2f : 0.5f)).ToArray();
        Assert.Equal(["cs", "hu", "ko", "th", "vi"], below.Select(p => p.Lang).Order(StringComparer.Ordinal));
        Assert.Equal(
            Pairs.Where(p => p.Score is not null).Except(below).Select(p => p.Text).Order(StringComparer.Ordinal),
            Scores(dir.File("run")).Keys.Order(StringComparer.Ordinal));
        var low = Rejects(dir.File("run")).Where(r => r.GetProperty("reason").GetString() == "alignment_low").ToArray();
        Assert.Equal(below.Length, low.Length);
        Assert.All(low, r => Assert.Equal("dropped", r.GetProperty("kind").GetString()));
        Assert.Contains(low, r => r.GetProperty("detail").GetString() == $"score 0.150 < 0.200 (th) by {JudgeId}");
        Assert.Contains(low, r => r.GetProperty("detail").GetString() == $"score 0.450 < 0.500 (ko) by {JudgeId}");
    }

    [Fact]
    public async Task Without_images_loaded_no_row_is_judged_and_every_row_is_kept_unscored()
    {
        using var dir = new TempDir();
        await using var server = Judge();
        string pipeline = Pipeline(dir.Path, server.Endpoint, tasks: 1, align: "min_score: {default: 0.5}", loadImages: "load_images: {enabled: false}");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, server.Requests);
        var scores = Scores(dir.File("run"));
        Assert.Equal(Pairs.Length, scores.Count);
        Assert.All(scores.Values, s => Assert.Equal((null, null), s));
    }
}
