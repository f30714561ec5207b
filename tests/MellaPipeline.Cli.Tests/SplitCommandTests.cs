using System.Security.Cryptography;
using System.Text.Json;
using MellaPipeline.Datasets.Splits;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>A real run to split: 240 pairs over 60 images on 12 web hosts (each image on one host), in two tasks.</summary>
public sealed class SplitFixture() : PairsRunFixture(240, distinctImages: 60, hosts: 12)
{
    public string NewOut() => Dir.File("split-" + Guid.NewGuid().ToString("N")[..8]);
}

public class SplitCommandTests(SplitFixture fixture) : IClassFixture<SplitFixture>
{
    private static string Side(string split, string side) => $"read_parquet('{Path.Combine(split, side, "*.parquet")}')";

    private static long L(object? value) => DuckDb.Long(value);

    private async Task<(string Dir, JsonElement Summary)> SplitAsync(params string[] options)
    {
        string dir = fixture.NewOut();
        var result = await MellaProcess.RunAsync(["split", fixture.RunDir, "--out", dir, "--json", .. options]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return (dir, JsonDocument.Parse(result.Stdout).RootElement);
    }

    private static SortedDictionary<string, byte[]> Files(string dir) => new(
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes),
        StringComparer.Ordinal);

    [Fact]
    public async Task The_same_seed_gives_byte_identical_output_and_another_seed_another_eval_set()
    {
        var (first, _) = await SplitAsync("--eval-per-language", "6", "--seed", "7");
        var (second, _) = await SplitAsync("--eval-per-language", "6", "--seed", "7");
        var (other, _) = await SplitAsync("--eval-per-language", "6", "--seed", "8");

        var a = Files(first);
        var b = Files(second);
        Assert.Equal(a.Keys, b.Keys);
        Assert.All(a, file => Assert.True(file.Value.AsSpan().SequenceEqual(b[file.Key]), file.Key));
        Assert.Contains("split.json", a.Keys);
        Assert.Contains(Path.Combine("eval", "manifest.json"), a.Keys);

        string Keys(string dir) => string.Join(",", DuckDb.Query($"SELECT key FROM {Side(dir, "eval")} ORDER BY key").Select(r => (string)r[0]!));
        Assert.NotEqual(Keys(first), Keys(other));
    }

    [Fact]
    public async Task Eval_is_stratified_per_language_and_source_and_no_cluster_or_image_crosses()
    {
        var (dir, summary) = await SplitAsync("--eval-per-language", "6", "--min-per-source", "2");

        var input = DuckDb.Query($"SELECT lang, source, count(*) FROM {DuckDb.Shards(fixture.RunDir)} GROUP BY ALL ORDER BY ALL");
        var eval = DuckDb.Query($"SELECT lang, source, count(*) FROM {Side(dir, "eval")} GROUP BY ALL ORDER BY ALL")
            .ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => L(r[2]));
        var strata = summary.GetProperty("strata").EnumerateArray().ToList();
        Assert.Equal(input.Count, strata.Count);
        Assert.True(input.Select(r => (string)r[0]!).Distinct().Count() == 8, "all eight languages in the input");
        foreach (var (row, stratum) in input.Zip(strata))
        {
            long rows = L(row[2]);
            var key = ((string)row[0]!, (string)row[1]!);
            Assert.Equal(key, (stratum.GetProperty("lang").GetString()!, stratum.GetProperty("source").GetString()!));
            Assert.Equal(rows, stratum.GetProperty("rows").GetInt64());

            // The quota: the source's share of 6, at least 2, at most half the stratum, met exactly.
            long languageRows = input.Where(r => (string)r[0]! == key.Item1).Sum(r => L(r[2]));
            long expectedQuota = Math.Min(Math.Max((long)Math.Round(6.0 * rows / languageRows, MidpointRounding.AwayFromZero), Math.Min(2, rows)), rows / 2);
            Assert.Equal(expectedQuota, stratum.GetProperty("quota").GetInt64());
            Assert.Equal(expectedQuota, eval.GetValueOrDefault(key));
        }

        // Nothing crosses: counted by DuckDB on the written shards, and all rows are there once.
        var overlap = CrossCheck.SplitOverlap(dir);
        Assert.Equal((0L, 0L, 0L), (overlap.Clusters, overlap.Images, overlap.Keys));
        Assert.Equal(0L, L(DuckDb.Scalar(
            $"SELECT count(*) FROM ((SELECT key FROM {DuckDb.Shards(fixture.RunDir)} EXCEPT ALL (SELECT key FROM {Side(dir, "train")} UNION ALL SELECT key FROM {Side(dir, "eval")})) " +
            $"UNION ALL ((SELECT key FROM {Side(dir, "train")} UNION ALL SELECT key FROM {Side(dir, "eval")}) EXCEPT ALL SELECT key FROM {DuckDb.Shards(fixture.RunDir)}))")));

        // Clusters here span languages: a plain per-row sample would have split some of them.
        Assert.True(L(DuckDb.Scalar($"SELECT count(*) FROM (SELECT dup_cluster FROM {Side(dir, "eval")} GROUP BY 1 HAVING count(DISTINCT lang) > 1)")) > 0);
        var check = summary.GetProperty("check");
        Assert.True(check.GetProperty("passed").GetBoolean());
        Assert.Equal(0, check.GetProperty("clusters_in_both").GetInt64());

        // The eval side carries what scoring needs, images included, and a manifest like a dataset's.
        Assert.Equal(0L, L(DuckDb.Scalar($"SELECT count(*) FROM {Side(dir, "eval")} WHERE key IS NULL OR text IS NULL OR lang IS NULL OR source IS NULL OR image.bytes IS NULL")));
        var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "eval", "manifest.json"))).RootElement;
        Assert.Equal(eval.Values.Sum(), manifest.GetProperty("rows").GetInt64());
        foreach (var shard in manifest.GetProperty("shards").EnumerateArray())
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(dir, "eval", shard.GetProperty("path").GetString()!));
            Assert.Equal(shard.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
    }

    [Fact]
    public async Task Grouping_by_domain_keeps_every_web_host_on_one_side()
    {
        var (byCluster, _) = await SplitAsync("--eval-per-language", "6");
        var (byDomain, summary) = await SplitAsync("--eval-per-language", "6", "--group-by", "domain");

        Assert.True(CrossCheck.SplitOverlap(byCluster).Hosts > 0, "clusters alone let hosts cross");
        Assert.Equal(0L, CrossCheck.SplitOverlap(byDomain).Hosts);
        Assert.True(L(DuckDb.Scalar($"SELECT count(*) FROM {Side(byDomain, "eval")}")) > 0);
        Assert.True(summary.GetProperty("check").GetProperty("passed").GetBoolean());
        Assert.Equal(0, summary.GetProperty("check").GetProperty("domains_in_both").GetInt64());
    }

    [Fact]
    public async Task The_sft_export_is_valid_llava_jsonl_and_every_image_it_names_exists()
    {
        var (dir, summary) = await SplitAsync("--eval-per-language", "6");
        var texts = DuckDb.Query($"SELECT key, text, sha256, lang, script, source FROM {DuckDb.Shards(fixture.RunDir)}").ToDictionary(r => (string)r[0]!);

        long lines = 0;
        foreach (string side in new[] { "train", "eval" })
        {
            var sideKeys = DuckDb.Query($"SELECT key FROM {Side(dir, side)}").Select(r => (string)r[0]!).ToHashSet();
            var seen = new HashSet<string>();
            foreach (string line in File.ReadLines(Path.Combine(dir, "sft", side + ".jsonl")))
            {
                lines++;
                var record = JsonDocument.Parse(line).RootElement;
                string key = record.GetProperty("id").GetString()!;
                Assert.Contains(key, sideKeys);
                Assert.True(seen.Add(key), $"{key} twice");
                var row = texts[key];
                var turns = record.GetProperty("conversations").EnumerateArray().ToList();
                Assert.Equal(["human", "gpt"], turns.Select(t => t.GetProperty("from").GetString()));
                string instruction = turns[0].GetProperty("value").GetString()!;
                Assert.StartsWith("<image>\n", instruction, StringComparison.Ordinal);
                Assert.Equal(SftInstructions.For((string)row[3]!, (string)row[4]!, (string)row[5]!), instruction["<image>\n".Length..]);
                Assert.Equal((string)row[1]!, turns[1].GetProperty("value").GetString());

                string image = Path.Combine(dir, "sft", record.GetProperty("image").GetString()!);
                Assert.True(File.Exists(image), image);
                Assert.Equal((string)row[2]!, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(image))));
            }

            Assert.Equal(sideKeys.Count, seen.Count);
        }

        Assert.Equal(texts.Count, lines);
        Assert.Equal(Directory.EnumerateFiles(Path.Combine(dir, "sft", "images"), "*", SearchOption.AllDirectories).Count(), summary.GetProperty("sft").GetProperty("images").GetInt64());
        Assert.Equal(L(DuckDb.Scalar($"SELECT count(DISTINCT sha256) FROM {DuckDb.Shards(fixture.RunDir)}")), summary.GetProperty("sft").GetProperty("images").GetInt64());
        Assert.Contains("ภาพนี้", File.ReadAllText(Path.Combine(dir, "sft", "train.jsonl")) + File.ReadAllText(Path.Combine(dir, "sft", "eval.jsonl")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_check_reads_the_written_sides_back_and_fails_when_a_cluster_crosses()
    {
        var (dir, summary) = await SplitAsync("--eval-per-language", "6", "--no-sft");
        Assert.False(Directory.Exists(Path.Combine(dir, "sft")));
        var strata = JsonSerializer.Deserialize<List<StratumSplit>>(summary.GetProperty("strata").GetRawText(), Json.MellaJson.Indented)!;
        string train = Path.Combine(dir, "train"), eval = Path.Combine(dir, "eval");
        Assert.True((await DatasetSplitter.CheckAsync(train, eval, strata, SplitGrouping.Cluster, CancellationToken.None)).Passed);

        // An eval shard copied into train: its clusters, images and keys are now on both sides.
        File.Copy(Directory.GetFiles(eval, "*.parquet")[0], Path.Combine(train, "leaked-00000.parquet"));
        var check = await DatasetSplitter.CheckAsync(train, eval, strata, SplitGrouping.Cluster, CancellationToken.None);

        Assert.False(check.Passed);
        Assert.False(check.RowsAddUp);
        Assert.Equal(L(DuckDb.Scalar($"SELECT count(DISTINCT dup_cluster) FROM {Side(dir, "eval")}")), check.ClustersInBoth);
        Assert.Equal(summary.GetProperty("eval").GetProperty("rows").GetInt64(), check.KeysInBoth);
    }

    [Fact]
    public async Task The_eval_set_depends_on_the_clusters_not_on_how_the_dataset_was_sharded()
    {
        string oneTask = fixture.Dir.File("run-one-task");
        string pipeline = PairsInput.WritePipeline(fixture.Dir.File("."), Path.Combine(fixture.Dir.Path, "pairs.jsonl"), tasks: 1, shardMaxRows: 1000);
        var run = await MellaProcess.RunAsync(["run", pipeline, "--out", oneTask]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotEqual(
            Directory.GetFiles(Path.Combine(fixture.RunDir, "shards"), "*.parquet").Length,
            Directory.GetFiles(Path.Combine(oneTask, "shards"), "*.parquet").Length);

        var (fromTwo, _) = await SplitAsync("--eval-per-language", "6", "--no-sft");
        string fromOne = fixture.NewOut();
        var split = await MellaProcess.RunAsync(["split", oneTask, "--out", fromOne, "--eval-per-language", "6", "--no-sft"]);
        Assert.True(split.ExitCode == 0, split.ToString());

        string Keys(string dir) => string.Join(",", DuckDb.Query($"SELECT key FROM {Side(dir, "eval")} ORDER BY key").Select(r => (string)r[0]!));
        Assert.Equal(Keys(fromTwo), Keys(fromOne));
    }

    [Theory]
    [InlineData("--eval-per-language", "0.7", "a fraction may be at most 0.5")]
    [InlineData("--eval-per-language", "0", "--eval-per-language must be")]
    [InlineData("--eval-per-language", "2.5", "a count must be whole")]
    [InlineData("--min-per-source", "-1", "--min-per-source: '-1' is out of range")]
    [InlineData("--group-by", "page", "--group-by")]
    public async Task Bad_options_exit_2_with_one_line_naming_the_option(string option, string value, string message)
    {
        var result = await MellaProcess.RunAsync(["split", fixture.RunDir, "--out", fixture.NewOut(), option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task An_output_folder_in_use_is_refused_and_only_a_split_is_overwritten()
    {
        var (dir, _) = await SplitAsync("--eval-per-language", "4", "--no-sft");

        var again = await MellaProcess.RunAsync(["split", fixture.RunDir, "--out", dir]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("not empty", again.Stderr, StringComparison.Ordinal);

        var replaced = await MellaProcess.RunAsync(["split", fixture.RunDir, "--out", dir, "--overwrite", "--eval-per-language", "6"]);
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.True(Directory.Exists(Path.Combine(dir, "sft")));

        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        var foreign = await MellaProcess.RunAsync(["split", fixture.RunDir, "--out", dir, "--overwrite"]);
        Assert.Equal(2, foreign.ExitCode);
        Assert.Contains("notes.txt", foreign.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "split.json")));

        var missing = await MellaProcess.RunAsync(["split", fixture.Dir.File("no-such-run"), "--out", fixture.NewOut()]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no-such-run", missing.Stderr, StringComparison.Ordinal);
    }
}

public class SplitQuotaTests
{
    [Theory]
    [InlineData(1000, null, 9000, 10000, 900)] // the source's share
    [InlineData(1000, null, 200, 10000, 100)] // raised to a tenth of the language's eval rows
    [InlineData(1000, 50, 200, 10000, 50)] // or to --min-per-source
    [InlineData(1000, null, 60, 10000, 30)] // never more than half the stratum
    [InlineData(0.05, null, 8000, 10000, 400)] // a fraction of the language's rows
    [InlineData(0.05, null, 2000, 10000, 100)]
    [InlineData(0.05, null, 1, 10000, 0)] // one row stays in train
    public void The_quota_is_the_source_share_raised_to_the_minimum_and_capped_at_half(double perLanguage, int? minimum, long stratumRows, long languageRows, long quota)
    {
        var settings = new SplitSettings(perLanguage, minimum, 0, SplitGrouping.Cluster, Sft: false);

        Assert.Equal(quota, settings.Quota(stratumRows, languageRows));
    }
}
