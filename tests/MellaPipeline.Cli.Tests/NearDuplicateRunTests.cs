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

    private static async Task<string> RunAsync(TempDir dir, string pairs, int tasks, string keep = "per_language")
    {
        string folder = dir.File($"tasks{tasks}-{keep}");
        Directory.CreateDirectory(folder);
        string pipeline = PairsInput.WritePipeline(folder, pairs, tasks, shardMaxRows: 7, extra: $"stages:\n  dedup_near:\n    keep: {keep}");
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
