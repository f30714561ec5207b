using System.Text;
using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

public class ExtractCommandTests
{
    [Fact]
    public async Task Prints_a_record_per_image_with_language_and_status()
    {
        using var dir = new TempDir();
        string html = """
            <html lang="ru"><head><meta charset="windows-1251"></head><body>
            <img src="/img/1.jpg" alt="Храм Василия Блаженного на Красной площади">
            <img src="/img/2.jpg" alt="IMG_2041.JPG">
            <img src="/img/3.jpg" alt="Red Square at night in winter">
            <img src="/img/4.svg" alt="Логотип сайта новостей">
            <img src="/img/5.jpg" alt="Обложка журнала &amp;amp; приложение &lt;Огонёк&gt;">
            </body></html>
            """;
        File.WriteAllBytes(dir.File("page.html"), MellaPipeline.Crawl.Html.HtmlDecoder.Resolve("windows-1251")!.GetBytes(html));

        var result = await MellaProcess.RunAsync(["extract", dir.File("page.html"), "--base-url", "https://news.example.ru/2024/moscow.html"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var records = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(5, records.Length);
        Assert.Equal(["kept", "alt_filename", "lang_other", "image_svg", "kept"], records.Select(r => r.GetProperty("status").GetString()!).ToArray());
        Assert.Equal("https://news.example.ru/img/1.jpg", records[0].GetProperty("image_url").GetString());
        Assert.Equal(("ru", "Cyrl", "ru"), (records[0].GetProperty("lang").GetString(), records[0].GetProperty("script").GetString(), records[0].GetProperty("html_lang").GetString()));
        Assert.Equal("Храм Василия Блаженного на Красной площади", records[0].GetProperty("alt_text").GetString());
        Assert.Equal("en", records[2].GetProperty("lang").GetString());
        // Entities are decoded exactly once: "&amp;amp;" in the page is a literal "&amp;" in the caption.
        Assert.Equal("Обложка журнала &amp; приложение <Огонёк>", records[4].GetProperty("alt_text").GetString());
    }

    [Theory]
    [InlineData("--base-url", "not a url")]
    [InlineData("--base-url", "ftp://example.org/")]
    public async Task Bad_options_exit_2(string option, string value)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.html"), "<img src='a.jpg' alt='Praha'>");

        var result = await MellaProcess.RunAsync(["extract", dir.File("p.html"), option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_missing_input_exits_2_naming_it()
    {
        var result = await MellaProcess.RunAsync(["extract", "/nonexistent/page.warc.gz"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/page.warc.gz", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_warc_with_a_damaged_record_gives_jsonl_and_parquet_with_the_same_records()
    {
        using var dir = new TempDir();
        const string thai = "<html lang=\"th\"><body><img src=\"/p/wat.jpg\" alt=\"วัดพระแก้วในกรุงเทพมหานครยามเย็น\"><img src=\"/p/x.jpg\" alt=\"\"></body></html>";
        const string korean = "<html lang=\"ko\"><body><img src=\"https://cdn.example.kr/a.jpg\" alt=\"서울 남산타워의 야경\"></body></html>";
        byte[] warc =
        [
            .. WarcFile.Gzip(WarcFile.Record("response", "https://news.example.th/a", WarcFile.Http(thai))),
            .. WarcFile.Gzip(WarcFile.Record("response", "https://news.example.th/broken", WarcFile.Http(thai), contentLength: "-5")),
            .. WarcFile.Gzip(WarcFile.Record("response", "https://news.example.kr/b", WarcFile.Http(korean))),
        ];
        File.WriteAllBytes(dir.File("crawl.warc.gz"), warc);

        var jsonl = await MellaProcess.RunAsync(["extract", dir.File("crawl.warc.gz"), "--out", dir.File("out.jsonl")]);
        var parquet = await MellaProcess.RunAsync(["extract", dir.File("crawl.warc.gz"), "--out", dir.File("out.parquet")]);

        Assert.True(jsonl.ExitCode == 0, jsonl.ToString());
        Assert.True(parquet.ExitCode == 0, parquet.ToString());
        Assert.Contains("warc_header_invalid", jsonl.Stderr, StringComparison.Ordinal);
        var records = File.ReadAllLines(dir.File("out.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => (r.GetProperty("page_url").GetString(), r.GetProperty("image_url").GetString(), r.GetProperty("alt_text").GetString(), r.GetProperty("lang").GetString(), r.GetProperty("status").GetString()))
            .ToList();
        Assert.Equal(
            [
                ("https://news.example.th/a", "https://news.example.th/p/wat.jpg", "วัดพระแก้วในกรุงเทพมหานครยามเย็น", "th", "kept"),
                ("https://news.example.th/a", "https://news.example.th/p/x.jpg", "", "und", "alt_empty"),
                ("https://news.example.th/broken", null, "", "und", "warc_header_invalid"),
                ("https://news.example.kr/b", "https://cdn.example.kr/a.jpg", "서울 남산타워의 야경", "ko", "kept"),
            ],
            records);
        var rows = DuckDb.Query($"select page_url, image_url, alt_text, lang, status from read_parquet('{dir.File("out.parquet")}')")
            .Select(r => ((string?)r[0], (string?)r[1], (string?)r[2], (string?)r[3], (string?)r[4]))
            .ToList();
        Assert.Equal(records, rows);
        Assert.False(File.Exists(dir.File("out.parquet.tmp")));
    }

    [Fact]
    public async Task A_pipeline_files_alt_text_rules_and_languages_apply_as_in_mella_run()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("page.html"), """
            <html lang="ru"><body>
            <img src="/a.jpg" alt="Храм Василия Блаженного на Красной площади">
            <img src="/b.jpg" alt="Пельмени со сметаной">
            <img src="/c.jpg" alt="Karlův most v ranní mlze">
            </body></html>
            """);
        Directory.CreateDirectory(dir.File("archives"));
        File.WriteAllText(dir.File("pipeline.yaml"), """
            name: alt
            languages: [ru]
            input:
              kind: warc
              paths: [archives]
              alt_text: {min_chars: 5, max_chars: 30}
            """);
        string[] extract = ["extract", dir.File("page.html"), "--base-url", "https://news.example.ru/"];

        var defaults = await MellaProcess.RunAsync(extract);
        var configured = await MellaProcess.RunAsync([.. extract, "--pipeline", dir.File("pipeline.yaml")]);

        string[] Statuses(MellaResult result) =>
            result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("status").GetString()!).ToArray();
        Assert.True(configured.ExitCode == 0, configured.ToString());
        Assert.Equal(["kept", "kept", "kept"], Statuses(defaults));
        Assert.Equal(["alt_too_long", "kept", "lang_other"], Statuses(configured));
    }

    [Fact]
    public async Task A_bad_pipeline_file_exits_2_with_one_line_naming_it()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.html"), "<img src='a.jpg' alt='Praha'>");
        File.WriteAllText(dir.File("pipeline.yaml"), "name: alt\ninput: {kind: warc, paths: [p.html], alt_text: {min_chars: 0}}\n");

        var result = await MellaProcess.RunAsync(["extract", dir.File("p.html"), "--pipeline", dir.File("pipeline.yaml")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("min_chars", Assert.Single(result.Stderr.Trim().Split('\n')), StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }
}
