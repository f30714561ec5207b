using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>dedup_near</c>, the reduce after the tasks: clusters span tasks, the keep policy holds one
/// row per cluster, language and source, and the dataset does not depend on how many tasks ran.
/// </summary>
public class NearDuplicateRunTests
{
    /// <summary>
    /// 12 photos; each is also served as two smaller copies. Every photo gets a Czech caption, its
    /// first copy a Korean one and its second copy a second Czech one (a shorter caption on a
    /// smaller image: the one to drop), spread over the file so that tasks split the clusters.
    /// </summary>
    private static string WriteInput(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        var lines = new List<string>();
        for (int photo = 0; photo < 12; photo++)
        {
            int width = 160 + (photo % 3) * 16, height = 120;
            File.WriteAllBytes(Path.Combine(folder, "images", $"photo{photo}.png"), SyntheticPng.Create(width, height, 500 + photo));
            File.WriteAllBytes(Path.Combine(folder, "images", $"photo{photo}-a.png"), SyntheticPng.CreateResized(width, height, 500 + photo, width * 3 / 4, height * 3 / 4));
            File.WriteAllBytes(Path.Combine(folder, "images", $"photo{photo}-b.png"), SyntheticPng.CreateResized(width, height, 500 + photo, width / 2, height / 2));
        }

        string Line(string image, string lang, string text) => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["image_path"] = $"images/{image}.png", ["url"] = $"https://example.org/{image}.jpg", ["lang"] = lang, ["text"] = text,
        });

        for (int photo = 0; photo < 12; photo++)
        {
            lines.Add(Line($"photo{photo}-b", "cs", $"Hrad číslo {photo}"));
        }

        for (int photo = 0; photo < 12; photo++)
        {
            lines.Add(Line($"photo{photo}", "cs", $"Starý kamenný hrad nad řekou, pohled číslo {photo}"));
            lines.Add(Line($"photo{photo}-a", "ko", $"강가 언덕 위의 오래된 돌성 {photo}번"));
        }

        string path = Path.Combine(folder, "pairs.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<string> RunAsync(TempDir dir, string pairs, int tasks, string keep = "per_language", bool enabled = true)
    {
        string folder = dir.File($"tasks{tasks}-{keep}-{enabled}");
        Directory.CreateDirectory(folder);
        string pipeline = PairsInput.WritePipeline(folder, pairs, tasks, shardMaxRows: 7,
            extra: $"stages:\n  dedup_near:\n    keep: {keep}\n    enabled: {(enabled ? "true" : "false")}");
        string runDir = Path.Combine(folder, "run");
        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return runDir;
    }

    [Fact]
    public async Task Clusters_span_tasks_every_language_keeps_its_caption_and_the_task_count_changes_nothing()
    {
        using var dir = new TempDir();
        string pairs = WriteInput(dir.Path);

        string one = await RunAsync(dir, pairs, tasks: 1);
        string three = await RunAsync(dir, pairs, tasks: 3);

        string Rows(string run) => $"SELECT key, lang, image.path AS path, dup_cluster FROM {DuckDb.Shards(run)}";
        var rows = DuckDb.Query(Rows(three) + " ORDER BY key");
        Assert.Equal(DuckDb.Query(Rows(one) + " ORDER BY key").Select(r => string.Join('|', r)), rows.Select(r => string.Join('|', r)));

        // 12 clusters of three images; each keeps the full-size Czech photo and the Korean copy; the half-size Czech copy is dropped.
        Assert.Equal(24, rows.Count);
        Assert.Equal(12, rows.Select(r => r[3]).Distinct().Count());
        Assert.All(rows.GroupBy(r => r[3]), cluster => Assert.Equal(
            new[] { "cs", "ko" }, cluster.Select(r => (string)r[1]!).Order(StringComparer.Ordinal).ToArray()));
        Assert.All(rows.Where(r => (string)r[1]! == "cs"), r => Assert.DoesNotContain("-b", (string)r[2]!, StringComparison.Ordinal));

        var rejects = Directory.EnumerateFiles(Path.Combine(three, "rejects"), "*.dedup_near.jsonl").SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(12, rejects.Count);
        Assert.All(rejects, line => Assert.Contains("\"reason\":\"image_near_duplicate\"", line, StringComparison.Ordinal));
        var clusters = JsonDocument.Parse(File.ReadAllText(Path.Combine(three, "reduce", "clusters.json"))).RootElement;
        Assert.Equal((36, 12, 12, 12), (clusters.GetProperty("rows").GetInt64(), clusters.GetProperty("clusters").GetInt64(),
            clusters.GetProperty("shared_clusters").GetInt64(), clusters.GetProperty("rows_dropped").GetInt64()));
    }

    [Fact]
    public async Task Keep_all_marks_clusters_and_drops_nothing()
    {
        using var dir = new TempDir();
        string pairs = WriteInput(dir.Path);

        string run = await RunAsync(dir, pairs, tasks: 2, keep: "all");

        Assert.Equal(36L, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Shards(run)}")));
        Assert.Equal(12L, Convert.ToInt64(DuckDb.Scalar($"SELECT count(DISTINCT dup_cluster) FROM {DuckDb.Shards(run)}")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(run, "rejects"), "*.dedup_near.jsonl").SelectMany(File.ReadAllLines));
    }

    /// <summary>
    /// Keys are unique whatever the keep policy: a line repeated far away in the file is read by
    /// another task, and the reduce makes the later copy a <c>duplicate_pair</c> reject — also with
    /// clustering off, where the reduce runs for this alone and every row is its own cluster.
    /// </summary>
    [Theory]
    [InlineData("all", true, 36, 0)]
    [InlineData("per_language", true, 24, 12)]
    [InlineData("per_language", false, 36, 0)]
    public async Task A_line_repeated_in_another_task_gives_one_row_and_a_duplicate_pair_reject_whatever_the_keep_policy(string keep, bool enabled, int rows, int nearDuplicates)
    {
        using var dir = new TempDir();
        string pairs = WriteInput(dir.Path);
        var lines = File.ReadAllLines(pairs);

        // The full-size Czech photo 2 and its Korean copy (lines 17 and 18, task 1 of 4) again at the end of the file (task 3).
        File.AppendAllLines(pairs, [lines[16], lines[17]]);

        string run = await RunAsync(dir, pairs, tasks: 4, keep, enabled);

        string shards = DuckDb.Shards(run);
        Assert.Equal((long)rows, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {shards}")));
        Assert.Equal((long)rows, Convert.ToInt64(DuckDb.Scalar($"SELECT count(DISTINCT key) FROM {shards}")));
        var rejects = Directory.EnumerateFiles(Path.Combine(run, "rejects"), "*.dedup_near.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var repeated = rejects.Where(r => r.GetProperty("reason").GetString() == "duplicate_pair").ToList();
        Assert.Equal(2, repeated.Count);
        Assert.All(repeated, r => Assert.Equal(("dedup_near", "dropped", "same key in task 00001, kept there"),
            (r.GetProperty("stage").GetString(), r.GetProperty("kind").GetString(), r.GetProperty("detail").GetString())));
        Assert.Equal(
            [JsonDocument.Parse(lines[16]).RootElement.GetProperty("url").GetString(), JsonDocument.Parse(lines[17]).RootElement.GetProperty("url").GetString()],
            repeated.Select(r => r.GetProperty("url").GetString()));
        Assert.Equal(nearDuplicates, rejects.Count - repeated.Count);

        // The figures add up: every line read is a row or a reject, in the summary and the manifest alike.
        var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, "summary.json"))).RootElement;
        var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, "shards", "manifest.json"))).RootElement;
        Assert.Equal((38L, (long)rows, 2L + nearDuplicates), (summary.GetProperty("input_records").GetInt64(), summary.GetProperty("rows").GetInt64(), summary.GetProperty("dropped").GetInt64()));
        Assert.Equal(2L, summary.GetProperty("reasons").GetProperty("duplicate_pair").GetInt64());
        Assert.Equal((long)rows, manifest.GetProperty("rows").GetInt64());
        var clusters = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "reduce", "clusters.json"))).RootElement;
        Assert.Equal((38L, 2L), (clusters.GetProperty("rows").GetInt64(), clusters.GetProperty("repeated_keys").GetInt64()));
        Assert.Equal(enabled ? 12L : 36L, Convert.ToInt64(DuckDb.Scalar($"SELECT count(DISTINCT dup_cluster) FROM {shards}")));
        Assert.Equal(0L, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {shards} WHERE NOT {enabled} AND dup_cluster <> left(sha256, 16)")));
    }

    [Fact]
    public async Task A_threshold_out_of_range_is_a_config_error()
    {
        using var dir = new TempDir();
        string pairs = WriteInput(dir.Path);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, 1, shardMaxRows: 7, extra: "stages:\n  dedup_near:\n    threshold: 40");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("threshold", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
