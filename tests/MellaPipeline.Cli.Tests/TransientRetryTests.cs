using System.Text.Json;
using System.Text.Json.Nodes;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// A crawl whose pages sit on one loopback host and half of whose images sit on a second one
/// (127.0.0.2) that answers 503 or 429 while it is "down", next to a pairs input spread over every
/// task. The healthy run, with the image host up all along, is made once; each test runs the same
/// pipeline with the host down, then brings it up and retries.
/// </summary>
public sealed class FlakyImageSite : IAsyncLifetime
{
    private readonly LocalHttpServer _pages = new();
    private readonly RawHttpServer _images = new("127.0.0.2");

    public FlakyImageSite()
    {
        string pages = _pages.Root.AbsoluteUri.TrimEnd('/');
        string images = _images.Root.AbsoluteUri.TrimEnd('/');
        _pages.Map("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain");
        _images.Map("/robots.txt", System.Text.Encoding.UTF8.GetBytes("User-agent: *\nAllow: /\n"), "text/plain");
        _pages.Map("/img/most.png", SyntheticPng.Create(160, 120, seed: 31), "image/png");
        _pages.Map("/img/namesti-small.png", SyntheticPng.CreateResized(160, 120, 33, 80, 60), "image/png");

        // Near-duplicate pairs on the page host, loaded in every run: the kept row of some is named by its dropped copy's sha256.
        foreach (int seed in DuplicatePairSeeds)
        {
            _pages.Map($"/img/pair{seed}.png", SyntheticPng.Create(160, 120, seed), "image/png");
            _pages.Map($"/img/pair{seed}-small.png", SyntheticPng.CreateResized(160, 120, seed, 80, 60), "image/png");
        }

        Flaky("/img/orloj.png", SyntheticPng.Create(160, 120, seed: 32), 503);
        Flaky("/img/most-small.png", SyntheticPng.CreateResized(160, 120, 31, 80, 60), 503);
        Flaky("/img/namesti.png", SyntheticPng.Create(160, 120, seed: 33), 503);
        Flaky("/img/vltava.png", SyntheticPng.Create(150, 110, seed: 34), 429);
        _images.Map("/img/gone.png", exchange => exchange.RespondAsync(404, [], "text/plain"));
        (string Src, string Alt)[] page =
        [
            ("/img/most.png", "Karlův most v Praze za svítání, pohled z Malé Strany"),
            ($"{images}/img/orloj.png", "Staroměstský orloj na radnici v centru Prahy"),
            ($"{images}/img/most-small.png", "Karlův most přes řeku Vltavu v ranní mlze"),
            ("/img/namesti-small.png", "Staroměstské náměstí v zimě za soumraku"),
            ($"{images}/img/namesti.png", "Vánoční trh na Staroměstském náměstí v Praze"),
            ($"{images}/img/vltava.png", "Parníky na Vltavě pod Vyšehradem v létě"),
            ($"{images}/img/gone.png", "Petřínská rozhledna nad zahradami v dubnu"),
            ("/img/pair35.png", "Tramvaj číslo dvacet dva projíždí Malou Stranou"),
            ("/img/pair35-small.png", "Historická tramvaj u Národního divadla večer"),
            ("/img/pair36.png", "Tančící dům na nábřeží u Jiráskova mostu"),
            ("/img/pair36-small.png", "Moderní budova Tančícího domu za deštivého dne"),
            ("/img/pair37.png", "Pražský hrad a katedrála svatého Víta v noci"),
            ("/img/pair37-small.png", "Katedrála svatého Víta z Hradčanského náměstí"),
        ];
        _pages.Map("/site/praha.html", $"<html lang=\"cs\"><body>\n{string.Concat(page.Select(i => $"<img src=\"{i.Src}\" alt=\"{i.Alt}\">\n"))}</body></html>");
        File.WriteAllLines(Dir.File("seeds.txt"), [$"{pages}/site/praha.html"]);
        string pairs = PairsInput.Write(Dir.Path, 10, distinctImages: 4);
        string languages = string.Join(", ", TestSupport.Captions.All.Select(c => c.Lang).Append("cs").Distinct());
        File.WriteAllText(Pipeline, $"""
            name: flaky
            languages: [{languages}]
            tasks: 3
            workers: 2
            failure_budget: 1
            inputs:
              - kind: crawl
                paths: [seeds.txt]
                crawl: {"{"}allow_addresses: [127.0.0.1, 127.0.0.2], requests_per_second_per_host: 100, max_retries: 0, max_depth: 0{"}"}
              - kind: pairs
                paths: ["{pairs}"]
            output:
              shard_max_rows: 4
            """);
    }

    public async Task InitializeAsync()
    {
        var healthy = await MellaProcess.RunAsync(["run", Pipeline, "--out", HealthyRun]);
        if (healthy.ExitCode != 0)
        {
            throw new InvalidOperationException("healthy run failed: " + healthy);
        }
    }

    public static readonly int[] DuplicatePairSeeds = [35, 36, 37];

    public TempDir Dir { get; } = new();

    public string Pipeline => Dir.File("flaky.yaml");

    /// <summary>The run with the image host up all along.</summary>
    public string HealthyRun => Dir.File("healthy");

    /// <summary>While true, the image host answers its flaky images with their error status.</summary>
    public bool Down { get; set; }

    /// <summary>Requests per image path on the image host (robots.txt left out: every process reads it again).</summary>
    public IReadOnlyDictionary<string, int> ImageRequests => _images.Counts.Where(p => p.Key.StartsWith("/img/", StringComparison.Ordinal)).ToDictionary();

    public int PageImageRequests => _pages.CountOf("/img/most.png") + _pages.CountOf("/img/namesti-small.png");

    private void Flaky(string path, byte[] image, int status) =>
        _images.Map(path, exchange => Down ? exchange.RespondAsync(status, "down"u8.ToArray(), "text/plain") : exchange.RespondAsync(200, image, "image/png"));

    public async Task DisposeAsync()
    {
        await _pages.DisposeAsync();
        await _images.DisposeAsync();
        Dir.Dispose();
    }
}

public class TransientRetryTests(FlakyImageSite site) : IClassFixture<FlakyImageSite>
{
    private static readonly string[] FlakyImages = ["/img/most-small.png", "/img/namesti.png", "/img/orloj.png", "/img/vltava.png"];

    private FlakyImageSite Site => site;

    [Fact]
    public async Task A_retry_after_the_image_host_came_back_gives_the_dataset_rejects_and_summary_of_a_run_with_the_host_up_all_along()
    {
        string runDir = await FlakyRunAsync("retried");
        var before = Site.ImageRequests;
        int pageImages = Site.PageImageRequests;
        Assert.Equal(4, TransientRejects(runDir).Count);
        Assert.NotEqual(Rows(Site.HealthyRun), Rows(runDir));

        // Untouched rows whose cluster id comes from a dropped copy (not staged again by the retry) must keep it.
        Assert.NotEmpty(DuckDb.Query(
            $"SELECT key FROM {DuckDb.Shards(runDir)} WHERE url LIKE '%/img/pair%' AND dup_cluster <> substr(sha256, 1, 16)"));

        var retry = await MellaProcess.RunAsync(["run", Site.Pipeline, "--out", runDir, "--retry-transient"]);

        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Contains("4 samples recovered", retry.Stderr, StringComparison.Ordinal);

        // Exactly the transient samples were asked for again, once each: not the 404, not the images that had loaded.
        var after = Site.ImageRequests;
        Assert.Equal(FlakyImages, after.Where(p => p.Value != before.GetValueOrDefault(p.Key)).Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(FlakyImages, path => Assert.Equal(before[path] + 1, after[path]));
        Assert.Equal(pageImages, Site.PageImageRequests);
        AssertSameAsHealthy(runDir);

        // The smaller copy of namesti.png, kept while the larger one could not be loaded, is now its near duplicate.
        Assert.Contains(Rejects(runDir), r => r.Contains("namesti-small.png", StringComparison.Ordinal) && r.Contains("image_near_duplicate", StringComparison.Ordinal));

        // Nothing transient is left: a second retry says so and changes nothing.
        byte[] summary = File.ReadAllBytes(Path.Combine(runDir, "summary.json"));
        var shards = ShardFiles(runDir).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList();
        var again = await MellaProcess.RunAsync(["run", Site.Pipeline, "--out", runDir, "--retry-transient"]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("no transient load_images rejects; nothing to retry", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(summary, File.ReadAllBytes(Path.Combine(runDir, "summary.json")));
        Assert.Equal(shards, ShardFiles(runDir).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList());
        Assert.Equal(after, Site.ImageRequests);
    }

    [Fact]
    public async Task Samples_that_fail_again_keep_their_reject_and_the_run_still_adds_up()
    {
        string runDir = await FlakyRunAsync("still-down");
        var rowsBefore = Rows(runDir);
        var summaryBefore = Summary(runDir);

        Site.Down = true;
        var retry = await MellaProcess.RunAsync(["run", Site.Pipeline, "--out", runDir, "--retry-transient"]);
        Site.Down = false;

        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Contains("0 samples recovered", retry.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, TransientRejects(runDir).Count);
        Assert.Equal(rowsBefore, Rows(runDir));
        Assert.Equal(summaryBefore.ToJsonString(), Summary(runDir).ToJsonString());
        Assert.False(Directory.Exists(Path.Combine(runDir, "retry")));
    }

    [Theory]
    [InlineData(CrashPoints.RetryFetched + ":1", false)]
    [InlineData(CrashPoints.RetryRestaged + ":2", true)]
    [InlineData(CrashPoints.RetrySwapping + ":2", false)]
    [InlineData(CrashPoints.RankFiltered + ":1", true)]
    [InlineData(CrashPoints.ManifestWritten, false)]
    public async Task A_retry_killed_midway_is_finished_by_the_next_run_with_or_without_the_flag(string crashAt, bool withFlag)
    {
        string runDir = await FlakyRunAsync("killed-" + crashAt.Replace(':', '-') + withFlag);

        var killed = await MellaProcess.RunAsync(
            ["run", Site.Pipeline, "--out", runDir, "--retry-transient"], new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = crashAt });
        Assert.True(killed.ExitCode != 0, killed.ToString());
        Assert.True(Directory.Exists(Path.Combine(runDir, "retry")), "the kill came before the round was over");

        var finished = await MellaProcess.RunAsync(withFlag
            ? ["run", Site.Pipeline, "--out", runDir, "--retry-transient"]
            : ["run", Site.Pipeline, "--out", runDir]);

        Assert.True(finished.ExitCode == 0, finished.ToString());
        AssertSameAsHealthy(runDir);
    }

    [Fact]
    public async Task A_retry_is_refused_where_there_is_no_complete_run_and_with_rank_or_reduce()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 6, distinctImages: 3);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 2, shardMaxRows: 10);
        string runDir = dir.File("run");

        var nothing = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir, "--retry-transient"]);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Equal($"mella run: {runDir}: no run here to retry; run the pipeline first", nothing.Stderr.Trim());
        Assert.False(Directory.Exists(runDir));

        Assert.Equal(0, (await MellaProcess.RunAsync(["run", pipeline, "--out", runDir, "--rank", "0"])).ExitCode);
        var incomplete = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir, "--retry-transient"]);
        Assert.Equal(2, incomplete.ExitCode);
        Assert.Equal(
            $"mella run: {runDir}: the run is not complete; finish it first (mella run without --retry-transient), then retry",
            incomplete.Stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(runDir, "retry")));

        foreach (string[] extra in new[] { new[] { "--reduce" }, ["--rank", "1"] })
        {
            var refused = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir, "--retry-transient", .. extra]);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("a transient retry is done by one process for the whole run", refused.Stderr, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(runDir, "completions", "00001")));
    }

    /// <summary>A run of the pipeline with the image host down, checked to have lost exactly the flaky images.</summary>
    private async Task<string> FlakyRunAsync(string name)
    {
        string runDir = Site.Dir.File(name);
        Site.Down = true;
        var flaky = await MellaProcess.RunAsync(["run", Site.Pipeline, "--out", runDir]);
        Site.Down = false;
        Assert.True(flaky.ExitCode == 0, flaky.ToString());
        Assert.Equal(
            ["image_http_429", "image_http_503", "image_http_503", "image_http_503"],
            TransientRejects(runDir).Select(r => r.GetProperty("reason").GetString()).Order(StringComparer.Ordinal));
        return runDir;
    }

    private void AssertSameAsHealthy(string runDir)
    {
        Assert.Equal(Rows(Site.HealthyRun), Rows(runDir));
        Assert.Equal(Rejects(Site.HealthyRun), Rejects(runDir));
        Assert.Equal(Summary(Site.HealthyRun).ToJsonString(), Summary(runDir).ToJsonString());
        Assert.False(Directory.Exists(Path.Combine(runDir, "retry")));
        Assert.False(Directory.Exists(Path.Combine(runDir, "staging")));
        Assert.Empty(TransientRejects(runDir));
    }

    /// <summary>Every row, every column (the image by its size; its bytes are in sha256), in file and row order.</summary>
    private static List<string> Rows(string runDir) =>
        DuckDb.Query(
                $"SELECT CAST(r AS VARCHAR) FROM (SELECT regexp_extract(filename, 'part-[0-9]+-[0-9]+') AS shard, file_row_number, " +
                $"* EXCLUDE (image, filename, file_row_number), image.path AS image_path, octet_length(image.bytes) AS image_bytes " +
                $"FROM read_parquet('{Path.Combine(runDir, "shards", "*.parquet")}', filename = true, file_row_number = true)) r ORDER BY r.shard, r.file_row_number")
            .Select(row => (string)row[0]!)
            .ToList();

    private static List<string> Rejects(string runDir) =>
        Directory.EnumerateFiles(Path.Combine(runDir, "rejects"), "*.jsonl").SelectMany(File.ReadAllLines).Order(StringComparer.Ordinal).ToList();

    private static List<JsonElement> TransientRejects(string runDir) =>
        Rejects(runDir).Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("transient").GetBoolean()).ToList();

    private static string[] ShardFiles(string runDir) => Directory.GetFiles(Path.Combine(runDir, "shards")).Order(StringComparer.Ordinal).ToArray();

    /// <summary>summary.json without its timings.</summary>
    private static JsonNode Summary(string runDir)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json")))!;
        foreach (var stage in summary["stages"]!.AsArray())
        {
            stage!.AsObject().Remove("busy_seconds");
        }

        summary.AsObject().Remove("seconds");
        return summary;
    }
}
