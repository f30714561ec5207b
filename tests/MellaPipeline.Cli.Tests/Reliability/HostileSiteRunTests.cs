using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests.Reliability;

/// <summary>
/// <c>mella run</c> crawling a small <see cref="HostileSite"/>: every good image is stored, every
/// hostile one is a reject with its reason, retried images end up stored, opted-out images are
/// never stored, and the trap behind a redirect to 127.0.0.2 never sees a connection.
/// </summary>
public class HostileSiteRunTests
{
    [Fact]
    public async Task Every_image_of_a_hostile_site_is_stored_or_rejected_with_its_expected_reason()
    {
        using var dir = new TempDir();
        await using var site = new HostileSite(pages: 3, goodImagesPerPage: 2);
        string pipeline = site.WritePipeline(dir.Path, "retry_base_delay_seconds: 0.05", "failure_budget: 1");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var stored = DuckDb.Query($"SELECT url FROM {DuckDb.Shards(dir.File("run"))}").Select(r => (string)r[0]!);
        var rejected = Directory.GetFiles(dir.File("run/rejects"), "*.jsonl")
            .Where(f => !f.EndsWith(".dedup_near.jsonl", StringComparison.Ordinal))
            .SelectMany(File.ReadAllLines)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        var outcome = stored.Select(url => (url, HostileSite.Stored))
            .Concat(rejected.Select(r => (site.UrlOfKey[r.GetProperty("key").GetString()!], r.GetProperty("reason").GetString()!)))
            .OrderBy(o => o.Item1, StringComparer.Ordinal)
            .Select(o => $"{o.Item1} {o.Item2}")
            .ToList();
        Assert.Equal(site.Expected.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} {e.Value}"), outcome);

        // An opt-out is a policy drop, a trickle a transient failure.
        Assert.All(rejected.Where(r => r.GetProperty("reason").GetString() == "image_noai"), r =>
            Assert.Equal(("dropped", false), (r.GetProperty("kind").GetString(), r.GetProperty("transient").GetBoolean())));
        Assert.All(rejected.Where(r => r.GetProperty("reason").GetString() == "image_too_slow"), r =>
            Assert.Equal(("failed", true), (r.GetProperty("kind").GetString(), r.GetProperty("transient").GetBoolean())));

        Assert.Equal(0, site.Trap.Connections);
        for (int page = 0; page < 3; page++)
        {
            Assert.Equal(2, site.Server.CountOf($"/h/{page}/busy429.png"));
            Assert.Equal(3, site.Server.CountOf($"/h/{page}/busy503.png"));
            Assert.Equal(2, site.Server.CountOf($"/h/{page}/reset.png"));
            Assert.Equal(4, site.Server.CountOf($"/h/{page}/slow.png")); // 1 + max_retries
            Assert.Equal(1, site.Server.CountOf($"/h/{page}/noai.png"));
        }
    }
}
