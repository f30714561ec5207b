using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// Every reject of a pair names its image and page (<c>url</c>, <c>page_url</c>) as the input gave
/// them, whichever stage dropped it, so a user can find which image went and why.
/// </summary>
public class RejectUrlTests
{
    private static string PairLine(string image, string url, string page, string lang, string text) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["image_path"] = $"images/{image}.png", ["url"] = url, ["page_url"] = page, ["lang"] = lang, ["text"] = text,
    });

    [Fact]
    public async Task Every_reject_of_a_pair_carries_the_url_and_page_url_of_its_input_and_a_redirected_image_its_pre_redirect_url()
    {
        using var dir = new TempDir();
        await using var server = new LocalHttpServer();
        string host = server.Root.AbsoluteUri.TrimEnd('/');
        var photo = SyntheticPng.Create(160, 120, seed: 41);
        server.Map("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain");
        server.Map("/img/most.png", photo, "image/png");
        server.Map("/img/most-small.png", SyntheticPng.CreateResized(160, 120, 41, 80, 60), "image/png");
        server.Map("/img/moved.png", context => LocalHttpServer.Respond(context, "", "text/plain", 302, new Dictionary<string, string> { ["Location"] = $"{host}/img/gone.png" }));
        server.Map("/site/page.html", $"""
            <html lang="cs"><body>
            <img src="../img/most.png" alt="Karlův most v Praze za svítání, pohled z Malé Strany">
            <img src="{host}/img/most-small.png" alt="Karlův most v Praze">
            <img src="/img/moved.png" alt="Staroměstské náměstí v zimě za soumraku">
            </body></html>
            """);
        File.WriteAllLines(dir.File("seeds.txt"), [$"{host}/site/page.html", $"{host}/site/missing.html"]);

        Directory.CreateDirectory(dir.File("images"));
        File.WriteAllBytes(dir.File("images/castle.png"), SyntheticPng.Create(160, 120, seed: 77));
        File.WriteAllBytes(dir.File("images/castle-small.png"), SyntheticPng.CreateResized(160, 120, 77, 80, 60));
        string repeated = PairLine("castle", "https://example.org/i/1.jpg", "https://example.org/p/1.html", "cs", "Hrad Karlštejn nad řekou Berounkou");
        File.WriteAllLines(dir.File("pairs.jsonl"),
        [
            repeated,
            PairLine("castle-small", "https://example.org/i/2.jpg", "https://example.org/p/2.html", "cs", "Hrad Karlštejn"),
            PairLine("castle", "https://example.org/i/3.jpg", "https://example.org/p/3.html", "ru", "Latin text labelled Russian here"),
            PairLine("absent", "https://example.org/i/4.jpg", "https://example.org/p/4.html", "cs", "Zámek Hluboká nad Vltavou"),
            PairLine("castle", "https://example.org/i/5.jpg", "https://example.org/p/5.html", "cs", "x"),
            repeated,
            "{not json",
        ]);
        File.WriteAllText(dir.File("p.yaml"), """
            name: urls
            inputs:
              - kind: crawl
                paths: [seeds.txt]
                crawl: {allow_addresses: [127.0.0.1], requests_per_second_per_host: 100, max_retries: 0, max_depth: 0}
              - kind: pairs
                paths: [pairs.jsonl]
            languages: [cs, ru]
            tasks: 1
            failure_budget: 1
            stages:
              normalize_text: {min_chars: 3}
            """);

        var result = await MellaProcess.RunAsync(["run", dir.File("p.yaml"), "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var rejects = Directory.EnumerateFiles(dir.File("run/rejects"), "*.jsonl").SelectMany(File.ReadAllLines)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        static string? Text(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();

        // Pairs input: each reject's URLs are those of the line its origin names (byte offset); the malformed line has none.
        byte[] input = File.ReadAllBytes(dir.File("pairs.jsonl"));
        var fromPairs = rejects.Where(r => r.GetProperty("origin").GetString()!.StartsWith("pairs.jsonl@", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["dedup_exact duplicate_pair", "dedup_near image_near_duplicate", "load_images image_missing", "normalize_text script_mismatch",
             "normalize_text text_too_short", "read_inputs input_malformed"],
            fromPairs.Select(r => $"{Text(r, "stage")} {Text(r, "reason")}").Order(StringComparer.Ordinal));
        foreach (var reject in fromPairs)
        {
            int offset = int.Parse(Text(reject, "origin")!["pairs.jsonl@".Length..], System.Globalization.CultureInfo.InvariantCulture);
            string line = System.Text.Encoding.UTF8.GetString(input.AsSpan(offset)).Split('\n')[0];
            var (url, page) = line.StartsWith('{') && !line.StartsWith("{not", StringComparison.Ordinal)
                ? (JsonDocument.Parse(line).RootElement.GetProperty("url").GetString(), JsonDocument.Parse(line).RootElement.GetProperty("page_url").GetString())
                : (null, null);
            Assert.Equal((url, page), (Text(reject, "url"), Text(reject, "page_url")));
        }

        // Crawl: the image URL as the page gave it (made absolute), before the redirect; a page that could not be fetched names only itself.
        var fromCrawl = rejects.Except(fromPairs).Select(r => (Text(r, "stage"), Text(r, "reason"), Text(r, "url"), Text(r, "page_url")))
            .Order().ToList();
        Assert.Equal(
            new (string?, string?, string?, string?)[]
            {
                ("dedup_near", "image_near_duplicate", $"{host}/img/most-small.png", $"{host}/site/page.html"),
                ("load_images", "image_http_404", $"{host}/img/moved.png", $"{host}/site/page.html"),
                ("read_inputs", "http_404", null, $"{host}/site/missing.html"),
            }.Order().ToList(),
            fromCrawl);
        Assert.Equal(1, server.CountOf("/img/gone.png")); // the redirect was followed; the reject still names the URL the page gave
        Assert.Equal(
            [$"{host}/img/most.png", "https://example.org/i/1.jpg"],
            DuckDb.Query($"SELECT url FROM {DuckDb.Shards(dir.File("run"))} ORDER BY url").Select(r => (string)r[0]!));
    }
}
