using System.Text;
using MellaPipeline.Crawl.Archives;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Pages;
using MellaPipeline.LanguageId;
using MellaPipeline.TestSupport;
using static MellaPipeline.TestSupport.WarcFile;

namespace MellaPipeline.Crawl.Tests;

public class ArchiveReaderTests
{
    private const string CzechPage = "<html lang=\"cs\"><body><img src=\"/foto/praha.jpg\" alt=\"Karlův most v Praze za svítání\"></body></html>";

    private static List<ArchiveItem> Read(byte[] file, ArchiveCounts counts, ArchiveReaderOptions? options = null) =>
        ArchivePages.Read(new MemoryStream(file), counts, options ?? new ArchiveReaderOptions()).ToList();

    [Fact]
    public void Gzip_members_per_record_chunked_and_compressed_bodies_are_read()
    {
        var chunked = Encoding.ASCII.GetBytes("10\r\n").Concat(Encoding.UTF8.GetBytes(CzechPage)[..16]).Concat("\r\n"u8.ToArray())
            .Concat(Encoding.ASCII.GetBytes($"{Encoding.UTF8.GetByteCount(CzechPage) - 16:x}\r\n")).Concat(Encoding.UTF8.GetBytes(CzechPage)[16..])
            .Concat("\r\n0\r\n\r\n"u8.ToArray()).ToArray();
        byte[] file =
        [
            .. Gzip(Record("warcinfo", null, "software: test\r\n"u8.ToArray(), "application/warc-fields")),
            .. Gzip(Record("request", "http://example.cz/a", "GET /a HTTP/1.1\r\n\r\n"u8.ToArray(), "application/http; msgtype=request")),
            .. Gzip(Record("response", "http://example.cz/a", Http(chunked, "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n"))),
            .. Gzip(Record("response", "http://example.cz/b", Http(Gzip(Encoding.UTF8.GetBytes(CzechPage)), "Content-Type: text/html\r\nContent-Encoding: gzip\r\n"))),
            .. Gzip(Record("response", "http://example.cz/logo.png", Http("\x89PNG", "Content-Type: image/png\r\n"))),
        ];
        var counts = new ArchiveCounts();

        var pages = Read(file, counts);

        Assert.Equal((5, 2, 3, 0), (counts.Records, counts.Pages, counts.Skipped, counts.Problems));
        Assert.All(pages, p => Assert.Equal(CzechPage, Encoding.UTF8.GetString(p.Html!.Body)));
        var image = Assert.Single(PageExtraction.Extract(pages[0].Html!).Images);
        Assert.Equal("http://example.cz/foto/praha.jpg", image.ImageUrl);
    }

    [Fact]
    public void A_broken_header_is_reported_once_and_the_next_record_is_read()
    {
        byte[] file =
        [
            .. Record("response", "http://example.cz/a", Http(CzechPage)),
            .. "garbage line\r\nmore garbage\r\n"u8,
            .. Record("response", "http://example.cz/b", Http(CzechPage), contentLength: "many"),
            .. Record("response", "http://example.cz/c", Http(CzechPage)),
        ];
        var counts = new ArchiveCounts();

        var items = Read(file, counts);

        Assert.Equal([null, ArchiveReasons.WarcHeaderInvalid, ArchiveReasons.WarcHeaderInvalid, null], items.Select(i => i.Problem?.Reason));
        Assert.Equal(["http://example.cz/a", "http://example.cz/c"], items.Where(i => i.Html is not null).Select(i => i.Html!.Url));
        Assert.Equal("http://example.cz/b", items[2].Problem!.TargetUri);
    }

    [Fact]
    public void An_oversized_record_is_skipped_and_a_truncated_one_ends_the_file()
    {
        var big = Record("response", "http://example.cz/big", Http(CzechPage + new string(' ', 5000)));
        var whole = Record("response", "http://example.cz/ok", Http(CzechPage));
        var cut = Record("response", "http://example.cz/cut", Http(CzechPage))[..^40];
        var counts = new ArchiveCounts();

        var items = Read([.. big, .. whole, .. cut], counts, new ArchiveReaderOptions { MaxRecordBytes = 4096 });

        Assert.Equal([ArchiveReasons.WarcRecordTooLarge, null, ArchiveReasons.WarcRecordTruncated], items.Select(i => i.Problem?.Reason));
        Assert.Equal("http://example.cz/cut", items[2].Problem!.TargetUri);
    }

    [Fact]
    public void Corrupt_compression_keeps_the_records_before_it()
    {
        var first = Gzip(Record("response", "http://example.cz/a", Http(CzechPage)));
        var second = Gzip(Record("response", "http://example.cz/b", Http(CzechPage + new string('x', 2000))));
        for (int i = 20; i < second.Length - 20; i += 7)
        {
            second[i] ^= 0x5A;
        }

        var counts = new ArchiveCounts();
        var items = Read([.. first, .. second], counts);

        Assert.Equal("http://example.cz/a", items[0].Html!.Url);
        Assert.NotNull(items[^1].Problem);
        Assert.Contains(items[^1].Problem!.Reason, new[] { ArchiveReasons.ArchiveCompressionInvalid, ArchiveReasons.WarcRecordTruncated, ArchiveReasons.WarcHeaderInvalid });
    }

    [Fact]
    public void Arc_files_are_read()
    {
        var http = Http(CzechPage);
        var desc = "1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"u8.ToArray();
        byte[] file =
        [
            .. Encoding.ASCII.GetBytes($"filedesc://test.arc 127.0.0.1 20261101000000 text/plain {desc.Length}\n"), .. desc, .. "\n"u8,
            .. Encoding.ASCII.GetBytes($"http://example.cz/a 192.0.2.1 20261101000000 text/html {http.Length}\n"), .. http, .. "\n"u8,
        ];
        var counts = new ArchiveCounts();

        var item = Assert.Single(Read(file, counts));

        Assert.Equal("http://example.cz/a", item.Html!.Url);
        Assert.Equal((2, 1, 1), (counts.Records, counts.Pages, counts.Skipped));
    }

    [Fact]
    public void Wat_records_give_images_with_alt_lang_and_robots()
    {
        const string wat = """
            {"Container":{"Filename":"x.warc.gz"},"Envelope":{"Format":"WARC","WARC-Header-Metadata":{"WARC-Type":"response","WARC-Target-URI":"https://zpravy.example.cz/clanek/1"},
             "Payload-Metadata":{"HTTP-Response-Metadata":{"Response-Message":{"Status":"200"},"Headers":{"Content-Type":"text/html","X-Robots-Tag":"otherbot: noai"},
             "HTML-Metadata":{"Head":{"Title":"Zprávy","Base":"https://img.example.cz/","Metas":[{"name":"HTML@/lang","content":"cs"},{"name":"robots","content":"index, follow"}]},
             "Links":[{"path":"A@/href","url":"/jinam","text":"odkaz"},{"path":"IMG@/src","url":"foto/most.jpg","alt":"Karlův most v Praze za svítání"},{"path":"IMG@/src","url":"data:image/gif;base64,R0lGOD"}]}}}}}
            """;
        byte[] file =
        [
            .. Record("metadata", "https://zpravy.example.cz/clanek/1", Encoding.UTF8.GetBytes(wat), "application/json"),
            .. Record("metadata", "https://zpravy.example.cz/clanek/2", "{\"Envelope\": [unclosed"u8.ToArray(), "application/json"),
            .. Record("metadata", "https://zpravy.example.cz/clanek/3", Encoding.UTF8.GetBytes(wat.Replace("otherbot: noai", "noai", StringComparison.Ordinal)), "application/json"),
        ];
        var counts = new ArchiveCounts();
        var identifier = LanguageIdentifier.Create();

        var items = Read(file, counts);

        var page = items[0].Parsed!;
        Assert.Equal("cs", page.HtmlLang);
        Assert.Equal(["https://img.example.cz/foto/most.jpg", "data:image/gif;base64,R0lGOD"], page.Images.Select(i => i.ImageUrl));
        var records = AltTextRecord.FromPage(page, identifier).ToList();
        Assert.Equal([AltStatus.Kept, AltStatus.ImageDataUri], records.Select(r => r.Status));
        Assert.Equal("cs", records[0].Lang);
        Assert.Equal(ArchiveReasons.WatJsonInvalid, items[1].Problem!.Reason);
        Assert.All(AltTextRecord.FromPage(items[2].Parsed!, identifier), r => Assert.Equal(PageStatus.RobotsNoAi, r.Status));
    }

    [Fact]
    public void X_robots_tag_in_an_archived_response_drops_the_pages_pairs()
    {
        var file = Record("response", "http://example.cz/a", Http(CzechPage, "Content-Type: text/html\r\nX-Robots-Tag: noimageai\r\n"));

        var page = PageExtraction.Extract(Read(file, new ArchiveCounts())[0].Html!);

        Assert.Equal(PageStatus.RobotsNoImageAi, Assert.Single(AltTextRecord.FromPage(page, LanguageIdentifier.Create())).Status);
    }
}
