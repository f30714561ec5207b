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
    [InlineData("--out", "x.parquet")]
    public async Task Bad_options_exit_2(string option, string value)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.html"), "<img src='a.jpg' alt='Praha'>");

        var result = await MellaProcess.RunAsync(["extract", dir.File("p.html"), option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }
}
