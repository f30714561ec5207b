using System.Text.Json;
using System.Text.RegularExpressions;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>mella run</c>'s progress on a redirected stderr, on a real run: plain lines for the map (against the
/// input's line count), the reduce's phases and the caption layer, and a last line in the figures of <c>summary.json</c>.
/// </summary>
public partial class RunProgressRunTests
{
    [GeneratedRegex(@"^\d\d:\d\d:\d\d (info|warn|error|debug|trace|fatal): ")]
    private static partial Regex LogLine();

    [Fact]
    public async Task A_run_logs_each_phase_against_its_total_and_ends_on_the_summary_s_figures()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, count: 48);
        var captions = Enumerable.Range(0, 6).Select(i =>
        {
            var (lang, text) = TestSupport.Captions.All[i % TestSupport.Captions.All.Count];
            return JsonSerializer.Serialize(new { url = $"https://example.org/{lang}/{i}.jpg", lang, text = $"{text} — {i + 100}", model = "test-captioner" });
        });
        File.WriteAllLines(dir.File("captions.jsonl"), [.. captions, "{not json"]);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 2, shardMaxRows: 10,
            extra: "captions:\n  - name: v1\n    paths: [captions.jsonl]\n    match_by: url");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.Matches(LogLine(), line));
        var progress = lines.Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..])
            .Where(m => m.StartsWith("progress: ", StringComparison.Ordinal)).Select(m => m["progress: ".Length..]).ToList();
        var summary = JsonDocument.Parse(File.ReadAllText(dir.File("run/summary.json"))).RootElement;
        long Figure(string name) => summary.GetProperty(name).GetInt64();
        long mapRows = Enumerable.Range(0, 2).Sum(rank => JsonDocument.Parse(File.ReadAllText(dir.File($"run/stats/{rank:00000}.json"))).RootElement.GetProperty("rows").GetInt64());

        string[] expected =
        [
            "map started: 48 records", "map done: 48 records in ",
            $"cluster started: {mapRows} rows", $"cluster done: {mapRows} rows in ",
            "filter started: 2 tasks", "filter done: 2 tasks in ",
            "captions v1 started: 7 lines", "captions v1 done: 7 lines in ",
            "finish started: 2 files", "finish done: 2 files in ",
        ];
        Assert.Equal(expected, progress.Where(p => p.Contains(" started: ", StringComparison.Ordinal) || p.Contains(" done: ", StringComparison.Ordinal))
            .Select(p => p.Contains(" in ", StringComparison.Ordinal) ? p[..(p.LastIndexOf(" in ", StringComparison.Ordinal) + 4)] : p));
        Assert.Equal(
            $"done: {Figure("input_records")} records read · {Figure("rows")} rows · {Figure("dropped")} dropped · {Figure("failed")} failed",
            progress[^1]);
        Assert.Equal(48 + 7, Figure("input_records"));
        Assert.Contains($"{Figure("input_records")} records read, {Figure("dropped")} dropped, {Figure("failed")} failed", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crawl_beside_a_pairs_file_leaves_the_map_a_lower_bound_that_its_end_makes_exact()
    {
        using var dir = new TempDir();
        await using var server = new LocalHttpServer();
        string host = server.Root.AbsoluteUri.TrimEnd('/');
        server.Map("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain");
        server.Map("/img/most.png", SyntheticPng.Create(160, 120, seed: 41), "image/png");
        server.Map("/site/page.html", """<html lang="cs"><body><img src="../img/most.png" alt="Karlův most v Praze za svítání, pohled z Malé Strany"></body></html>""");
        File.WriteAllLines(dir.File("seeds.txt"), [$"{host}/site/page.html"]);
        string pairs = PairsInput.Write(dir.Path, count: 12);
        File.WriteAllText(dir.File("p.yaml"), $"""
            name: mixed
            inputs:
              - kind: crawl
                paths: [seeds.txt]
                crawl: {"{"}allow_addresses: [127.0.0.1], requests_per_second_per_host: 100, max_retries: 0, max_depth: 0{"}"}
              - kind: pairs
                paths: ["{pairs}"]
            tasks: 1
            failure_budget: 1
            """);

        var result = await MellaProcess.RunAsync(["run", dir.File("p.yaml"), "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var progress = result.Stderr.Split('\n').Where(l => l.Contains("progress: map ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("progress: ", StringComparison.Ordinal) + "progress: ".Length)..].TrimEnd()).ToList();
        long mapRead = JsonDocument.Parse(File.ReadAllText(dir.File("run/stats/00000.json"))).RootElement.GetProperty("input_records").GetInt64();
        Assert.True(mapRead > 12, result.ToString()); // the crawl's record comes on top of the counted part
        Assert.Equal("map started: 12 records in 1 of 2 inputs; a crawl's are not known", progress[0]);
        Assert.StartsWith($"map done: {mapRead} records in ", progress[^1], StringComparison.Ordinal);
    }
}
