using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>mella extract</c> on every HTML page and web archive of <c>../shared/data/html-multilingual</c>
/// at once: one record per image the independent reader finds in each archive page, and the right
/// language for the Czech, Arabic, Hungarian, Korean and Russian pages.
/// </summary>
[Trait("Category", "SharedData")]
public class SharedDataExtractCommandTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.SharedData, "html-multilingual");

    [Fact]
    public async Task Extracting_the_whole_folder_matches_the_reference_and_finds_each_pages_language()
    {
        using var dir = new TempDir();
        var result = await MellaProcess.RunAsync(["extract", Folder, "--base-url", "https://example.org/", "--out", dir.File("all.jsonl")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var records = File.ReadAllLines(dir.File("all.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        // Archives: per page, the alt texts in document order, as the independent reader sees them.
        foreach (var archive in Directory.EnumerateFiles(Path.Combine(Folder, "warc")).Where(f => f.Contains(".warc", StringComparison.Ordinal) || f.EndsWith(".arc.gz", StringComparison.Ordinal)))
        {
            foreach (var page in ArchiveReference.Read(archive).GroupBy(r => new Uri(r[0]).AbsoluteUri))
            {
                var ours = records.Where(r => r.GetProperty("page_url").GetString() == page.Key).Select(r => ArchiveReference.Collapse(r.GetProperty("alt_raw").GetString() ?? "")).ToList();
                Assert.Equal(page.Select(r => r[4]).ToList(), ours);
            }
        }

        string Majority(string pageSuffix) => records
            .Where(r => r.GetProperty("page_url").GetString()!.EndsWith(pageSuffix, StringComparison.Ordinal) && r.GetProperty("status").GetString() is "kept" or "lang_other")
            .GroupBy(r => r.GetProperty("lang").GetString()).MaxBy(g => g.Count())!.Key!;
        Assert.Equal("cs", Majority("readability/aktualne.source.html"));
        Assert.Equal("ar", Majority("trafilatura/assabah.com.tn.article.html"));
        Assert.Equal("ar", Majority("w3c-i18n/questions__qa-navigation-select.ar.html"));
        Assert.Equal("hu", Majority("trafilatura/mindmegette.hu.levagott.html"));
        Assert.Equal("hu", Majority("w3c-i18n/articles__article-text-size.hu.html"));
        Assert.Equal("ko", Majority("w3c-i18n/articles__article-text-size.ko.html"));
        Assert.Equal("ru", Majority("w3c-i18n/articles__serving-xhtml__index.ru.html"));
        Assert.Equal("ru", Majority("trafilatura/football.ua.podolski.html"));
        Assert.Equal("ru", Majority("http://01spb.ru/company/")); // windows-1251, declared only in the HTTP header of the archived response
    }
}
