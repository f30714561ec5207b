using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>mella run</c> on <c>kind: urls</c> inputs in the three layouts users bring — LAION-2B-multi's
/// Parquet, img2dataset's <c>url</c>/<c>caption</c> text lists, and <c>mella extract</c>'s Parquet —
/// with the images on a loopback server: every input row ends as a shard row or a reject naming
/// its file and row, and the rows do not depend on the number of tasks.
/// </summary>
public class UrlListRunTests
{
    private static readonly string[] Languages = ["ar", "cs", "hu", "ko", "ru", "th", "vi"];

    /// <summary>A loopback image host: <c>/p/N.jpg</c> are real photos, <c>/page/N.html</c> is not an image, anything else is a 404.</summary>
    private static LocalHttpServer ImageHost()
    {
        var server = new LocalHttpServer();
        var photos = UrlListWriter.Photos();
        server.Map("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain");
        for (int i = 0; i < 80; i++)
        {
            server.Map($"/p/{i}.jpg", photos[i % photos.Count], "image/jpeg");
            server.Map($"/page/{i}.html", "<html><body>not an image</body></html>");
        }

        return server;
    }

    /// <summary>The good rows: a distinct real caption and URL each; every fourth row's language label is wrong, as LAION's often are.</summary>
    private static List<(string Url, string Text, string TrueLang, string Label)> GoodRows(LocalHttpServer host, int perLanguage)
    {
        var sentences = UrlListWriter.Sentences(Languages, perLanguage);
        return sentences.Select((s, i) => ($"{host.Root}p/{i}.jpg", s.Text, s.Lang, i % 4 == 3 ? "en" : s.Lang)).ToList();
    }

    private static string Pipeline(string name, string inputYaml, int tasks, string extra = "") => $"""
        name: {name}
        languages: [{string.Join(", ", Languages)}]
        tasks: {tasks}
        failure_budget: 1
        inputs:
          - kind: urls
        {inputYaml}
            crawl: {"{"}allow_addresses: [127.0.0.1], requests_per_second_per_host: 500, concurrency_per_host: 8, max_retries: 0{"}"}
        stages:
          dedup_near: {"{"}enabled: false{"}"}
        {extra}
        """;

    private static List<JsonElement> Rejects(string run) =>
        Directory.EnumerateFiles(Path.Combine(run, "rejects"), "*.jsonl").SelectMany(File.ReadAllLines)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private static List<(string Key, string Text, string Lang)> Rows(string run) =>
        DuckDb.Query($"SELECT key, text, lang FROM {DuckDb.Shards(run)} ORDER BY key")
            .Select(r => ((string)r[0]!, (string)r[1]!, (string)r[2]!)).ToList();

    [Fact]
    public async Task A_laion_parquet_list_is_downloaded_with_every_row_accounted_for_the_same_with_one_task_or_three()
    {
        using var dir = new TempDir();
        await using var host = ImageHost();
        var good = GoodRows(host, perLanguage: 8);
        var rows = good.Select((g, i) => new object?[] { g.Url, g.Text, g.Label, 640L, 480L, 0.31 + i / 1000.0, 0.05, 0.0012 }).ToList();
        rows.Add([null, "Pražský hrad nad Vltavou při západu slunce", "cs", 640L, 480L, 0.3, 0.1, 0.01]);
        rows.Add(["ftp://files.example.cz/most.jpg", "Karlův most přes Vltavu v ranní mlze", "cs", 640L, 480L, 0.3, 0.1, 0.01]);
        rows.Add([$"{host.Root}missing/1.jpg", "Budapešťský parlament na břehu Dunaje v noci", "cs", 640L, 480L, 0.3, 0.1, 0.01]);
        rows.Add([$"{host.Root}page/1.html", "Hradčany a katedrála svatého Víta za soumraku", "cs", 640L, 480L, 0.3, 0.1, 0.01]);
        rows.Add([$"{host.Root}p/79.jpg", "A dog running on the beach at sunset with the waves behind it", "en", 640L, 480L, 0.3, 0.1, 0.01]);
        Directory.CreateDirectory(dir.File("laion"));
        await UrlListWriter.WriteParquetAsync(dir.File("laion/part-00000.parquet"), UrlListWriter.LaionColumns, rows, rowGroupRows: 20);
        string input = "    paths: [laion]\n    keep_columns: [similarity, punsafe]";
        File.WriteAllText(dir.File("three.yaml"), Pipeline("laion", input, tasks: 3));
        File.WriteAllText(dir.File("one.yaml"), Pipeline("laion", input, tasks: 1));

        var three = await MellaProcess.RunAsync(["run", dir.File("three.yaml"), "--out", dir.File("run3")]);
        var one = await MellaProcess.RunAsync(["run", dir.File("one.yaml"), "--out", dir.File("run1")]);

        Assert.True(three.ExitCode == 0, three.ToString());
        Assert.True(one.ExitCode == 0, one.ToString());
        var stored = Rows(dir.File("run3"));
        var rejects = Rejects(dir.File("run3"));
        Assert.Equal(rows.Count, stored.Count + rejects.Count);
        Assert.True(stored.Count >= Math.Ceiling(0.95 * good.Count), $"{stored.Count} of {good.Count} downloadable rows stored; rejects: {string.Join(", ", rejects.Select(r => r.GetProperty("reason").GetString()))}");
        // The same rows from one task as from three, but for downloads that failed transiently in one of the runs (max_retries: 0 on a loaded machine).
        var transient = rejects.Concat(Rejects(dir.File("run1"))).Where(r => r.GetProperty("transient").GetBoolean())
            .Select(r => r.GetProperty("key").GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(stored.Where(s => !transient.Contains(s.Key)), Rows(dir.File("run1")).Where(s => !transient.Contains(s.Key)));

        // The list's language label is a hint: a row labelled "en" is stored in the language of its text.
        var mislabelled = good.Where((g, i) => i % 4 == 3).ToList();
        var byText = stored.ToDictionary(s => s.Text, s => s.Lang);
        Assert.All(mislabelled.Where(m => byText.ContainsKey(m.Text)), m => Assert.Equal(m.TrueLang, byText[m.Text]));

        var expectedReasons = new[] { "image_url_missing", "image_url_invalid", "image_http_404", "lang_other" };
        var reasons = rejects.Select(r => r.GetProperty("reason").GetString()!).ToList();
        Assert.All(expectedReasons, reason => Assert.Contains(reason, reasons));
        Assert.Contains(reasons, r => r is "image_content_type_unexpected" or "image_format_unsupported" or "image_header_invalid");
        Assert.All(rejects, r => Assert.Matches(@"^part-00000\.parquet:row \d+$", r.GetProperty("origin").GetString()));
        var ftp = rejects.Single(r => r.GetProperty("reason").GetString() == "image_url_invalid");
        Assert.Equal("ftp://files.example.cz/most.jpg", ftp.GetProperty("url").GetString());
        Assert.Equal($"part-00000.parquet:row {good.Count + 1}", ftp.GetProperty("origin").GetString());

        var meta = JsonDocument.Parse((string)DuckDb.Scalar($"SELECT source_meta FROM {DuckDb.Shards(dir.File("run3"))} WHERE url = '{good[0].Url}'")!).RootElement;
        Assert.Equal(0.31, meta.GetProperty("similarity").GetDouble(), 6);
        Assert.Equal(0.0012, meta.GetProperty("punsafe").GetDouble(), 6);
        Assert.False(meta.TryGetProperty("pwatermark", out _));
    }

    [Fact]
    public async Task Img2dataset_style_csv_tsv_gz_and_jsonl_lists_in_one_folder_give_every_row_a_fate()
    {
        using var dir = new TempDir();
        await using var host = ImageHost();
        var good = GoodRows(host, perLanguage: 6);
        int third = good.Count / 3;
        Directory.CreateDirectory(dir.File("lists"));
        string[] columns = ["url", "caption", "lang"];
        var csv = good.Take(third).Select(g => new object?[] { g.Url, g.Text, g.Label }).ToList();
        csv[0][1] = $"{csv[0][1]}, \"quoted\"\nand a second line"; // RFC 4180: a comma, quotes and a line break inside one field
        UrlListWriter.WriteDelimited(dir.File("lists/a.csv"), columns, csv);
        UrlListWriter.WriteDelimited(dir.File("lists/b.tsv.gz"), columns, good.Skip(third).Take(third).Select(g => new object?[] { g.Url, g.Text, g.Label }).ToList(), '\t');
        var jsonl = good.Skip(2 * third).Select(g => new object?[] { g.Url, g.Text, g.Label }).ToList();
        UrlListWriter.WriteJsonl(dir.File("lists/c.jsonl"), columns, jsonl);
        File.AppendAllText(dir.File("lists/c.jsonl"), "{\"url\": \"" + host.Root + "p/70.jpg\", \"caption\": 42}\nnot json at all\n");
        File.WriteAllText(dir.File("p.yaml"), Pipeline("img2dataset", "    paths: [lists]", tasks: 4));

        var result = await MellaProcess.RunAsync(["run", dir.File("p.yaml"), "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var stored = Rows(dir.File("run"));
        var rejects = Rejects(dir.File("run"));
        Assert.Equal(good.Count + 2, stored.Count + rejects.Count);
        Assert.True(stored.Count >= Math.Ceiling(0.95 * good.Count), $"{stored.Count} of {good.Count} stored");
        Assert.Contains(stored, s => s.Text.EndsWith(", \"quoted\" and a second line", StringComparison.Ordinal));
        var malformed = rejects.Where(r => r.GetProperty("origin").GetString()!.StartsWith("c.jsonl:line ", StringComparison.Ordinal)
            && r.GetProperty("reason").GetString() is "input_field_invalid" or "input_malformed").ToList();
        Assert.Equal([$"c.jsonl:line {jsonl.Count + 1}", $"c.jsonl:line {jsonl.Count + 2}"], malformed.Select(r => r.GetProperty("origin").GetString()).Order());

        // The map's last progress line says how much it downloaded: at least the photos it stored, at most every photo the lists name.
        var mapDone = System.Text.RegularExpressions.Regex.Match(result.Stderr, @"map done: [\d,]+ records in [\d:]+.* · ([\d.]+) (kB|MB) downloaded");
        Assert.True(mapDone.Success, result.Stderr);
        double downloaded = double.Parse(mapDone.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * (mapDone.Groups[2].Value == "MB" ? 1e6 : 1e3);
        var photos = UrlListWriter.Photos();
        Assert.InRange(downloaded, stored.Count * photos.Min(p => p.Length) * 0.99, (good.Count + 2) * photos.Max(p => p.Length) * 1.01);
    }

    [Fact]
    public async Task A_mella_extract_parquet_is_a_urls_input_as_it_is()
    {
        using var dir = new TempDir();
        await using var host = ImageHost();
        var good = GoodRows(host, perLanguage: 2);
        string page = "<html lang=\"cs\"><body>"
            + string.Concat(good.Select(g => $"<img src=\"{g.Url}\" alt=\"{g.Text}\" width=\"640\" height=\"480\">"))
            + $"<img src=\"{host.Root}p/60.jpg\" alt=\"\"><img src=\"{host.Root}p/61.jpg\" alt=\"IMG_1234.jpg\"></body></html>";
        File.WriteAllText(dir.File("page.html"), page);
        var extract = await MellaProcess.RunAsync(["extract", dir.File("page.html"), "--base-url", "https://galerie.example.cz/", "--out", dir.File("x.parquet")]);
        Assert.True(extract.ExitCode == 0, extract.ToString());
        long kept = DuckDb.Long(DuckDb.Scalar($"SELECT count(*) FROM read_parquet('{dir.File("x.parquet")}') WHERE status = 'kept'"));
        File.WriteAllText(dir.File("p.yaml"), Pipeline("extracted", "    paths: [x.parquet]", tasks: 2));

        var result = await MellaProcess.RunAsync(["run", dir.File("p.yaml"), "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var stored = DuckDb.Query($"SELECT page_url, text FROM {DuckDb.Shards(dir.File("run"))}");
        var rejects = Rejects(dir.File("run"));
        Assert.True(stored.Count >= Math.Ceiling(0.95 * kept) && kept >= Math.Ceiling(0.95 * good.Count), $"{stored.Count} stored of {kept} kept of {good.Count}");
        Assert.All(stored, r => Assert.Equal("https://galerie.example.cz/", r[0]));
        Assert.Equal(good.Count + 2, stored.Count + rejects.Count);
        Assert.Contains(rejects, r => r.GetProperty("reason").GetString() == "alt_empty");
        Assert.Contains(rejects, r => r.GetProperty("reason").GetString() == "alt_filename");
    }

    [Fact]
    public async Task With_load_images_off_a_list_is_read_filtered_and_identified_without_one_download()
    {
        using var dir = new TempDir();
        await using var host = ImageHost();
        var good = GoodRows(host, perLanguage: 3);
        UrlListWriter.WriteDelimited(dir.File("list.csv"), ["url", "caption"], good.Select(g => new object?[] { g.Url, g.Text }).ToList());
        File.WriteAllText(dir.File("p.yaml"), Pipeline("metadata", "    paths: [list.csv]", tasks: 2, extra: "  load_images: {enabled: false}"));

        var result = await MellaProcess.RunAsync(["run", dir.File("p.yaml"), "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = DuckDb.Query($"SELECT url, coalesce(octet_length(image.bytes), 0) = 0 AND image.path = url, sha256 IS NULL, phash IS NULL, lang FROM {DuckDb.Shards(dir.File("run"))}");
        Assert.True(rows.Count >= Math.Ceiling(0.95 * good.Count), $"{rows.Count} of {good.Count}");
        Assert.All(rows, r => Assert.Equal((true, true, true), ((bool)r[1]!, (bool)r[2]!, (bool)r[3]!)));
        Assert.Equal(good.Select(g => g.Url).Order(), rows.Select(r => (string)r[0]!).Concat(Rejects(dir.File("run")).Select(r => r.GetProperty("url").GetString()!)).Order());
        Assert.DoesNotContain(host.Requests, r => r.Path.StartsWith("/p/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bad.parquet", "not a readable Parquet file")]
    [InlineData("nocaption.csv", "no caption column")]
    [InlineData("numbers.parquet", "column 'TEXT' holds")]
    [InlineData("excel.csv", "UTF-16 text")]
    public async Task A_list_that_cannot_be_read_at_all_is_exit_2_naming_the_file_before_anything_is_written(string file, string problem)
    {
        using var dir = new TempDir();
        switch (file)
        {
            case "bad.parquet":
                File.WriteAllText(dir.File(file), "url,caption\nhttp://127.0.0.1/a.jpg,Karlův most\n");
                break;
            case "excel.csv":
                File.WriteAllText(dir.File(file), "url,caption\nhttp://127.0.0.1/a.jpg,Karlův most\n", System.Text.Encoding.Unicode);
                break;
            case "nocaption.csv":
                UrlListWriter.WriteDelimited(dir.File(file), ["url", "title"], [["http://127.0.0.1/a.jpg", "Karlův most"]]);
                break;
            default:
                await UrlListWriter.WriteParquetAsync(dir.File(file), ["URL", "TEXT"], [["http://127.0.0.1/a.jpg", 42L]]);
                break;
        }

        File.WriteAllText(dir.File("p.yaml"), Pipeline("bad", $"    paths: [{file}]", tasks: 1));

        var result = await MellaProcess.RunAsync(["run", dir.File("p.yaml"), "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 2, result.ToString());
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(dir.File(file), line);
        Assert.Contains(problem, line);
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
