using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary><c>mella run</c> over web archives: alt text from WARC records, images downloaded from a local server.</summary>
public class WebInputRunTests
{
    [Fact]
    public async Task A_warc_input_gives_rows_with_downloaded_images_and_rejects_for_the_rest()
    {
        using var dir = new TempDir();
        await using var server = new LocalHttpServer();
        server.Map("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain");
        server.Map("/img/most.png", SyntheticPng.Create(64, 48, seed: 1), "image/png");
        server.Map("/private/p.png", SyntheticPng.Create(64, 48, seed: 2), "image/png");
        server.Map("/img/busy.png", "try later", "text/plain", 503);
        string host = server.Root.AbsoluteUri.TrimEnd('/');
        string page = $"""
            <html lang="cs"><body>
            <img src="{host}/img/most.png" alt="Karlův most v Praze za svítání">
            <img src="{host}/private/p.png" alt="Soukromá fotografie z výletu na Šumavu">
            <img src="{host}/img/gone.png" alt="Chybějící obrázek hradu Karlštejn">
            <img src="{host}/img/most.png" alt="DSC01234">
            <img src="{host}/img/busy.png" alt="Staroměstské náměstí v zimě za soumraku">
            </body></html>
            """;
        byte[] warc =
        [
            .. WarcFile.Gzip(WarcFile.Record("response", "https://zpravy.example.cz/clanek", WarcFile.Http(page))),
            .. WarcFile.Gzip(WarcFile.Record("response", "https://zpravy.example.cz/vadny", WarcFile.Http(page), contentLength: "x")),
        ];
        Directory.CreateDirectory(dir.File("archives"));
        File.WriteAllBytes(dir.File("archives/crawl-00000.warc.gz"), warc);
        File.WriteAllText(dir.File("p.yaml"), """
            name: web
            input:
              kind: warc
              paths: [archives]
              crawl: {allow_addresses: [127.0.0.1], requests_per_second_per_host: 100, max_retries: 0}
            tasks: 1
            failure_budget: 1
            """);

        var result = await MellaProcess.RunAsync(["run", dir.File("p.yaml"), "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = DuckDb.Query($"SELECT text, url, page_url, width, height, lang FROM {DuckDb.Shards(dir.File("run"))}");
        var row = Assert.Single(rows);
        Assert.Equal(("Karlův most v Praze za svítání", $"{host}/img/most.png", "https://zpravy.example.cz/clanek", 64, 48, "cs"),
            ((string)row[0]!, (string)row[1]!, (string)row[2]!, (int)row[3]!, (int)row[4]!, (string)row[5]!));
        var rejects = File.ReadAllLines(dir.File("run/rejects/00000.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(r => (r.GetProperty("reason").GetString(), r.GetProperty("transient").GetBoolean()))
            .Order().ToList();
        // Only the 503 may go away by itself: a later run can retry exactly the transient rejects.
        Assert.Equal(
            [("alt_filename", false), ("image_http_404", false), ("image_http_503", true), ("image_robots_disallowed", false), ("warc_header_invalid", false)],
            rejects);
        Assert.Equal(0, server.CountOf("/private/p.png"));
        Assert.Equal(1, server.CountOf("/robots.txt"));
    }
}
