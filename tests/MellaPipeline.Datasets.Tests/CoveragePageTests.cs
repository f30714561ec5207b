using System.Globalization;
using System.Xml.Linq;
using MellaPipeline.Datasets.Coverage;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Datasets.Tests;

/// <summary>The report page's gallery and clusters in-process on shards written by the real writer: sampling, thumbnails, rows by reference, undecodable images.</summary>
public class CoveragePageTests
{
    private static readonly XNamespace X = "http://www.w3.org/1999/xhtml";

    private static LanguageId.LanguageIdentifier NoIdentifier() => throw new InvalidOperationException("no sample was asked for");

    private static async Task<(CoveragePage Page, XDocument Html)> BuildAsync(string dataset)
    {
        var page = await CoveragePage.BuildAsync(dataset, null, 0, NoIdentifier, CancellationToken.None);
        return (page, XDocument.Parse(CoverageHtml.Render(page)));
    }

    [Fact]
    public async Task A_row_by_reference_shows_its_url_and_an_undecodable_image_a_marker_while_the_others_get_thumbnails()
    {
        using var dir = new TempDir();
        string dataset = dir.File("shards");
        var rows = new List<PairRecord>
        {
            DatasetShards.Row("ar", "مسجد محمد علي في قلعة صلاح الدين بالقاهرة", imageSeed: 1, width: 400, height: 300),
            DatasetShards.Row("cs", "Karlův most v ranní mlze", imageSeed: 2, width: 90, height: 200),
            DatasetShards.Row("vi", "Vịnh Hạ Long lúc bình minh", imageSeed: 3, url: "https://img.example/ha-long.jpg")
                with { ImageBytes = null, Sha256 = null, ImagePath = "https://img.example/ha-long.jpg" },
            DatasetShards.Row("hu", "A budapesti Országház éjszaka", imageSeed: 4) with { ImageBytes = "not an image at all"u8.ToArray() },
        };
        await DatasetShards.WriteAsync(dataset, rows, shardMaxRows: 2);

        var (_, html) = await BuildAsync(dataset);

        var figures = html.Descendants(X + "section").Single(s => (string?)s.Attribute("id") == "gallery").Descendants(X + "figure")
            .ToDictionary(f => f.Attribute("data-lang")!.Value);
        Assert.Equal(["ar", "cs", "hu", "vi"], figures.Keys.Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            var caption = figures[row.Lang].Element(X + "figcaption")!;
            Assert.Equal((row.Text, row.Lang, row.Lang == "ar" ? "rtl" : "ltr"), (caption.Value, caption.Attribute("lang")!.Value, caption.Attribute("dir")!.Value));
        }

        foreach (var (lang, width, height) in new[] { ("ar", 160, 120), ("cs", 72, 160) })
        {
            var img = figures[lang].Element(X + "img")!;
            using var bitmap = SKBitmap.Decode(Convert.FromBase64String(img.Attribute("src")!.Value.Split(',')[1]));
            Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
            Assert.Equal((width.ToString(CultureInfo.InvariantCulture), height.ToString(CultureInfo.InvariantCulture)), (img.Attribute("width")!.Value, img.Attribute("height")!.Value));
        }

        // Every figure has an <img>: the two without a thumbnail a placeholder box whose alt text names the URL or the reason.
        Assert.All(figures.Values, f => Assert.NotNull(f.Element(X + "img")));
        var reference = figures["vi"].Element(X + "img")!;
        Assert.Equal("true", (string?)reference.Attribute("data-reference"));
        Assert.Contains("https://img.example/ha-long.jpg", reference.Attribute("alt")!.Value, StringComparison.Ordinal);
        var marker = figures["hu"].Element(X + "img")!;
        Assert.Equal("true", (string?)marker.Attribute("data-undecodable"));
        Assert.Contains("image_", marker.Attribute("alt")!.Value, StringComparison.Ordinal);
        foreach (var placeholder in new[] { reference, marker })
        {
            Assert.Equal(("160", "100"), (placeholder.Attribute("width")!.Value, placeholder.Attribute("height")!.Value));
            string src = placeholder.Attribute("src")!.Value;
            Assert.StartsWith("data:image/svg+xml;base64,", src, StringComparison.Ordinal);
            var svg = XDocument.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(src.Split(',')[1])));
            Assert.Equal(("svg", "160"), (svg.Root!.Name.LocalName, (string?)svg.Root.Attribute("width")));
        }
    }

    [Fact]
    public async Task Characters_xml_forbids_in_captions_and_urls_become_replacement_characters_and_long_captions_are_cut()
    {
        using var dir = new TempDir();
        string dataset = dir.File("shards");
        string control = "Karlův\u0001 most\u0008 v ranní\uFFFE mlze\uFFFF";
        string longCaption = "Вид на Неву с Дворцового моста белой ночью, " + string.Concat(Enumerable.Repeat("набережная и дворцы, ", 40)) + "конец";
        string url = "https://img.example/most\u0002\u001f.jpg";
        var rows = new List<PairRecord>
        {
            DatasetShards.Row("cs", control, imageSeed: 1) with { Key = "key\u0003one" },
            DatasetShards.Row("ru", longCaption, imageSeed: 2),
            DatasetShards.Row("vi", "Cầu Long Biên\u0007 lúc hoàng hôn", imageSeed: 3, url: url) with { ImageBytes = null, Sha256 = null, ImagePath = url },
        };
        await DatasetShards.WriteAsync(dataset, rows);

        // BuildAsync parses the page as XML: a raw U+0001 or U+FFFF in it would throw here.
        var (_, html) = await BuildAsync(dataset);

        var figures = html.Descendants(X + "figure").ToDictionary(f => f.Attribute("data-lang")!.Value);
        Assert.Equal("Karlův\uFFFD most\uFFFD v ranní\uFFFD mlze\uFFFD", figures["cs"].Element(X + "figcaption")!.Value);
        Assert.Equal("Cầu Long Biên\uFFFD lúc hoàng hôn", figures["vi"].Element(X + "figcaption")!.Value);
        Assert.Contains("https://img.example/most\uFFFD\uFFFD.jpg", figures["vi"].Element(X + "img")!.Attribute("alt")!.Value, StringComparison.Ordinal);
        string shown = figures["ru"].Element(X + "figcaption")!.Value;
        Assert.True(longCaption.Length > 600, "the caption is long enough to be cut");
        Assert.InRange(shown.Length, 200, 301);
        Assert.EndsWith("…", shown, StringComparison.Ordinal);
        Assert.StartsWith(shown[..^1], longCaption, StringComparison.Ordinal);
    }

    [Fact]
    public void A_thumbnail_of_an_image_more_than_160_to_1_is_shown_at_most_160_px_long()
    {
        var thumbnail = GalleryThumbnails.Make(SyntheticPng.Create(800, 2, 7), reference: null);
        Assert.NotNull(thumbnail.DataUri);
        Assert.Equal((160, 1), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public void The_escape_replaces_unpaired_surrogates_and_keeps_pairs_tabs_and_newlines()
    {
        string escaped = MellaPipeline.Reports.HtmlPage.Escape("a\uD800b\uDC00c \U0001F600 \t\n\r <&> \"");
        var element = XElement.Parse($"<p title=\"{escaped}\">{escaped}</p>");
        Assert.Equal("a\uFFFDb\uFFFDc \U0001F600 \t\n\n <&> \"", element.Value);
        // An attribute value turns each tab and line break into a space.
        Assert.Equal("a\uFFFDb\uFFFDc \U0001F600     <&> \"", element.Attribute("title")!.Value);
    }

    [Fact]
    public async Task The_sample_is_a_few_rows_of_every_stratum_spread_over_the_shards_and_the_same_every_time()
    {
        using var dir = new TempDir();
        string dataset = dir.File("shards");
        var rows = new List<PairRecord>();
        for (int i = 0; i < 300; i++)
        {
            rows.Add(DatasetShards.Row("ru", $"Набережная Невы белой ночью, снимок {i}", imageSeed: i, width: 32, height: 24));
        }

        rows.Add(DatasetShards.Row("th", "วัดอรุณราชวรารามยามเย็น", imageSeed: 1000, width: 32, height: 24));
        await DatasetShards.WriteAsync(dataset, rows, shardMaxRows: 50);

        var (first, _) = await BuildAsync(dataset);
        var (second, _) = await BuildAsync(dataset);

        var russian = first.Gallery["ru"]["native"];
        Assert.Equal(4, russian.Count);
        Assert.Equal(russian, second.Gallery["ru"]["native"]);
        Assert.True(russian.Select(p => p.Shard).Distinct().Count() >= 2, string.Join(", ", russian.Select(p => p.Shard)));
        Assert.Single(first.Gallery["th"]["native"]);
        Assert.All(russian, p => Assert.Equal(rows[(p.Shard * 50) + (int)p.RowInShard].Text, p.Text));
        Assert.Equal(5, first.Thumbnails.Count);
        Assert.All(first.Thumbnails.Values, t => Assert.NotNull(t.DataUri));
    }

    [Fact]
    public async Task Clusters_count_images_by_their_languages_and_show_the_captions_of_one_photo()
    {
        using var dir = new TempDir();
        string dataset = dir.File("shards");
        var rows = new List<PairRecord>
        {
            DatasetShards.Row("ru", "Зимний дворец на Дворцовой площади", imageSeed: 1, cluster: "aaaaaaaaaaaaaaaa"),
            DatasetShards.Row("cs", "Zimní palác v Petrohradu", imageSeed: 2, cluster: "aaaaaaaaaaaaaaaa"),
            DatasetShards.Row("ar", "قصر الشتاء في سانت بطرسبرغ", imageSeed: 3, cluster: "aaaaaaaaaaaaaaaa"),
            DatasetShards.Row("vi", "Vịnh Hạ Long", imageSeed: 4, cluster: "bbbbbbbbbbbbbbbb"),
            DatasetShards.Row("vi", "Vịnh Hạ Long lúc bình minh", imageSeed: 5, cluster: "bbbbbbbbbbbbbbbb"),
        };
        await DatasetShards.WriteAsync(dataset, rows);

        var (page, html) = await BuildAsync(dataset);

        Assert.Equal(new SortedDictionary<int, long> { [1] = 1, [3] = 1 }, page.ClustersByLanguageCount);
        var example = Assert.Single(page.ClusterExamples);
        Assert.Equal(("aaaaaaaaaaaaaaaa", 3), (example.Cluster, example.Languages));
        var spans = html.Descendants(X + "ul").Single(u => (string?)u.Attribute("data-cluster") == "aaaaaaaaaaaaaaaa").Descendants(X + "span").ToList();
        Assert.Equal(rows.Take(3).Select(r => (r.Lang, r.Text)).OrderBy(p => p.Lang, StringComparer.Ordinal), spans.Select(s => (s.Attribute("lang")!.Value, s.Value)));
        Assert.Equal("rtl", spans.Single(s => s.Attribute("lang")!.Value == "ar").Attribute("dir")!.Value);

        // No Serbian rows and no score columns: the page says so.
        Assert.Contains(html.Descendants(X + "p"), p => (string?)p.Attribute("data-nodata") == "true" && p.Value.Contains("Serbian", StringComparison.Ordinal));
    }
}
