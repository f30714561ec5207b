using MellaPipeline.Crawl.Archives;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Pages;
using MellaPipeline.LanguageId;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Crawl.Tests;

/// <summary>
/// The real WARC/ARC samples in <c>../shared/data/html-multilingual/warc</c>: every image of every
/// HTML response against an independent reader (Reference/warc_img_alt.py, Python's standard
/// library only), and the damaged samples reported record by record without stopping the rest.
/// </summary>
[Trait("Category", "SharedData")]
public class SharedDataArchiveTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.SharedData, "html-multilingual", "warc");

    public static TheoryData<string> Archives()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder).Select(Path.GetFileName).Where(f => ArchivePages.IsArchiveName(f!)).Order(StringComparer.Ordinal))
        {
            data.Add(file!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Archives))]
    public void Images_and_alt_texts_match_an_independent_reader(string file)
    {
        var expected = ArchiveReference.Read(Path.Combine(Folder, file));
        var actual = new List<string>();
        var counts = new ArchiveCounts();
        foreach (var item in ArchivePages.Read(Path.Combine(Folder, file), counts))
        {
            if (item.Html is { } html)
            {
                var page = PageExtraction.Extract(html);
                actual.AddRange(page.Images.Select(i =>
                    string.Join('\t', html.Url, i.Index, i.AltRaw is null ? "MISSING" : i.AltRaw.Length == 0 ? "EMPTY" : "PRESENT", ArchiveReference.Collapse(i.SourceAttribute ?? ""), ArchiveReference.Collapse(i.AltRaw ?? ""))));
            }
        }

        // The reference keeps target URIs as written; compare them the way .NET normalises them.
        var expectedLines = expected.Select(e => string.Join('\t', new Uri(e[0]).AbsoluteUri, e[1], e[2], e[3], e[4])).ToList();
        for (int i = 0; i < Math.Min(expectedLines.Count, actual.Count); i++)
        {
            Assert.Equal(expectedLines[i], actual[i]);
        }

        Assert.Equal(expectedLines.Count, actual.Count);
    }

    [Fact]
    public void The_sample_crawl_gives_16_pages_and_the_windows_1251_page_is_Russian()
    {
        var counts = new ArchiveCounts();
        var identifier = LanguageIdentifier.Create();
        var records = ArchivePages.Read(Path.Combine(Folder, "resiliparse__warcfile.warc.gz"), counts)
            .SelectMany(i => AltTextRecord.FromPage(PageExtraction.Extract(i.Html!), identifier))
            .ToList();

        Assert.Equal((50, 16, 0), (counts.Records, counts.Pages, counts.Problems));
        var spb = records.Where(r => r.PageUrl.Contains("01spb.ru", StringComparison.Ordinal) && r.AltText.Length > 10).ToList();
        Assert.NotEmpty(spb);
        Assert.All(spb, r => Assert.Equal(("ru", "Cyrl"), (r.Lang, r.Script)));
        Assert.Contains(spb, r => r.AltText.Contains("Санкт", StringComparison.Ordinal) || r.AltText.Any(c => c is >= 'а' and <= 'я'));
    }

    [Theory]
    [InlineData("resiliparse__clipped.warc.gz", ArchiveReasons.WarcRecordTruncated)]
    [InlineData("warcio__example-trunc.warc", ArchiveReasons.WarcHeaderInvalid)]
    [InlineData("warcio__bad.arc", ArchiveReasons.ArcHeaderInvalid)]
    public void Damaged_archives_are_reported_with_a_reason_and_the_rest_is_read(string file, string reason)
    {
        var counts = new ArchiveCounts();
        var items = ArchivePages.Read(Path.Combine(Folder, file), counts).ToList();

        Assert.Contains(items, i => i.Problem?.Reason == reason);
        if (file == "warcio__example-trunc.warc")
        {
            // The response is cut short; the request and metadata records after it are still found.
            Assert.True(counts.Records >= 4, $"{counts.Records} records");
        }
    }

    [Fact]
    public void Bad_chunked_encoding_keeps_the_body_as_stored()
    {
        foreach (var file in new[] { "warcio__example-bad-non-chunked.warc.gz", "warcio__example-wrong-chunks.warc.gz", "warcio__example-iana.org-chunked.warc" })
        {
            var pages = ArchivePages.Read(Path.Combine(Folder, file), new ArchiveCounts()).Where(i => i.Html is not null).ToList();
            var page = Assert.Single(pages);
            var text = System.Text.Encoding.UTF8.GetString(page.Html!.Body);
            Assert.Contains("<html", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("</html>", text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
