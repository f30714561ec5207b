using System.Text;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Html;

namespace MellaPipeline.Crawl.Tests;

public class ExtractionTests
{
    private static readonly Uri Page = new("https://www.example.cz/clanky/praha.html");

    [Fact]
    public void Images_get_absolute_urls_from_src_lazy_attributes_srcset_and_picture()
    {
        const string html = """
            <!doctype html><html lang="cs"><head><base href="https://cdn.example.cz/media/"></head><body>
            <img src="a.jpg" alt="Karlův most v ranní mlze" width="640" height="480">
            <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/lazy/b.jpg" alt="Pražský hrad &amp; katedrála">
            <img srcset="c-320.jpg 320w, c-1280.jpg 1280w, c-640.jpg 640w" alt="Vltava">
            <picture><source srcset="d.webp 1x, d@2x.webp 2x"><img alt="Orloj"></picture>
            <figure><img src="//img.example.cz/e.jpg" alt="Staroměstské náměstí"><figcaption> Náměstí v létě </figcaption></figure>
            <img alt="bez obrázku">
            </body></html>
            """;

        var page = AltTextExtractor.Extract(html, Page);

        Assert.Equal("cs", page.HtmlLang);
        Assert.Equal(
            new string?[]
            {
                "https://cdn.example.cz/media/a.jpg", "https://cdn.example.cz/lazy/b.jpg", "https://cdn.example.cz/media/c-1280.jpg",
                "https://cdn.example.cz/media/d@2x.webp", "https://img.example.cz/e.jpg", null,
            },
            page.Images.Select(i => i.ImageUrl).ToArray());
        Assert.Equal("Pražský hrad & katedrála", page.Images[1].AltRaw);
        Assert.Equal(" Náměstí v létě ", page.Images[4].Figcaption);
        Assert.Equal((640, 480), (page.Images[0].DeclaredWidth!.Value, page.Images[0].DeclaredHeight!.Value));
        Assert.Equal(Enumerable.Range(0, 6), page.Images.Select(i => i.Index));
    }

    [Theory]
    [InlineData("https://e.cz/a.jpg", null, null, "Karlův most v mlze", null)]
    [InlineData(null, null, null, "Karlův most v mlze", "image_url_missing")]
    [InlineData("data:image/png;base64,AAAA", null, null, "Karlův most", "image_data_uri")]
    [InlineData("https://e.cz/logo.svg", null, null, "Karlův most", "image_svg")]
    [InlineData("https://e.cz/p.gif", 1, 1, "Karlův most", "image_tracking_pixel")]
    [InlineData("https://e.cz/i.png", 24, 24, "Karlův most", "image_icon")]
    [InlineData("https://e.cz/a.jpg", null, null, null, "alt_missing")]
    [InlineData("https://e.cz/a.jpg", null, null, "   ", "alt_empty")]
    [InlineData("https://e.cz/a.jpg", null, null, "IMG_1234.jpg", "alt_filename")]
    [InlineData("https://e.cz/a.jpg", null, null, "ảnh-1.jpg", "alt_filename")]
    [InlineData("https://e.cz/a.jpg", null, null, "DSC01234", "alt_filename")]
    [InlineData("https://e.cz/a.jpg", null, null, "https://e.cz/galerie", "alt_url")]
    [InlineData("https://e.cz/a.jpg", null, null, "Фотография", "alt_boilerplate")]
    [InlineData("https://e.cz/a.jpg", null, null, "รูปภาพ", "alt_boilerplate")]
    [InlineData("https://e.cz/a.jpg", null, null, "hình ảnh", "alt_boilerplate")]
    [InlineData("https://e.cz/a.jpg", null, null, "Most", "alt_too_short")]
    [InlineData("https://e.cz/a.jpg", null, null, "วัดอรุณ", null)] // 5 graphemes, 7 code units
    public void Filters_give_reason_codes(string? url, int? width, int? height, string? alt, string? reason)
    {
        var image = new ExtractedImage(0, url, url, alt, null, null, width, height);
        string normalized = MellaPipeline.Text.TextNormalizer.Normalize(alt);

        Assert.Equal(reason, AltTextFilter.CheckImage(image) ?? AltTextFilter.CheckAlt(alt, normalized));
    }

    [Theory]
    [InlineData("windows-1251", "ru", "Храм Василия Блаженного на Красной площади")]
    [InlineData("windows-1250", "cs", "Pražský orloj na Staroměstském náměstí")]
    [InlineData("iso-8859-2", "hu", "A budapesti Országház épülete éjszaka")]
    [InlineData("windows-1256", "ar", "مسجد الحسن الثاني في الدار البيضاء")]
    [InlineData("euc-kr", "ko", "경복궁 근정전 앞의 한복 입은 관광객들")]
    [InlineData("windows-874", "th", "วัดอรุณราชวรารามยามพระอาทิตย์ตก")]
    [InlineData("tis-620", "th", "ต้มยำกุ้งน้ำข้นในชามดินเผา")]
    [InlineData("windows-1258", "vi", "Vịnh Hạ Long nhìn từ trên cao")]
    public void Legacy_encodings_declared_in_the_page_decode_exactly(string charset, string lang, string alt)
    {
        var encoding = HtmlDecoder.Resolve(charset)!;
        string html = $"<html lang=\"{lang}\"><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\"></head>" +
            $"<body><img src=\"a.jpg\" alt=\"{alt}\"></body></html>";
        byte[] bytes = encoding.GetBytes(charset == "windows-1258" ? ToneMarksApart(html) : html);

        var decoded = HtmlDecoder.Decode(bytes);
        var page = AltTextExtractor.Extract(decoded.Text, Page);

        Assert.Equal("meta", decoded.DecidedBy);
        // windows-1258 stores Vietnamese tones as combining marks: compare in NFC, as the pipeline does.
        Assert.Equal(alt.Normalize(NormalizationForm.FormC), page.Images.Single().AltRaw!.Normalize(NormalizationForm.FormC));
    }

    /// <summary>Vietnamese as windows-1258 pages store it: letters precomposed, tone marks as combining characters.</summary>
    private static string ToneMarksApart(string text)
    {
        var builder = new StringBuilder();
        var enumerator = System.Globalization.StringInfo.GetTextElementEnumerator(text.Normalize(NormalizationForm.FormD));
        while (enumerator.MoveNext())
        {
            string element = (string)enumerator.Current;
            string tones = new(element.Where(c => c is '\u0300' or '\u0301' or '\u0303' or '\u0309' or '\u0323').ToArray());
            string rest = new(element.Where(c => c is not ('\u0300' or '\u0301' or '\u0303' or '\u0309' or '\u0323')).ToArray());
            builder.Append(rest.Normalize(NormalizationForm.FormC)).Append(tones);
        }

        return builder.ToString();
    }

    [Fact]
    public void The_http_charset_wins_over_the_meta_and_a_bom_over_both()
    {
        byte[] cyrillic = HtmlDecoder.Resolve("windows-1251")!.GetBytes("<meta charset=\"utf-8\"><img alt=\"Москва\">");
        byte[] withBom = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("<img alt=\"Praha\">")];

        Assert.Contains("Москва", HtmlDecoder.Decode(cyrillic, httpCharset: "cp1251").Text);
        Assert.Equal(("utf-8", "bom"), (HtmlDecoder.Decode(withBom, httpCharset: "windows-1251").Encoding, HtmlDecoder.Decode(withBom, "windows-1251").DecidedBy));
    }

    [Theory]
    [InlineData("windows-1251", "Зимний лес в Подмосковье после сильного снегопада. Пельмени со сметаной и чай с вареньем на даче.")]
    [InlineData("windows-1250", "Pražský orloj na Staroměstském náměstí. Šťastné děti si hrají u řeky, žluťoučký kůň úpěl ďábelské ódy.")]
    [InlineData("iso-8859-2", "Pražský orloj na Staroměstském náměstí. Šťastné děti si hrají u řeky, žluťoučký kůň úpěl ďábelské ódy.")]
    [InlineData("windows-1250", "A budapesti Országház épülete éjszaka. Árvíztűrő tükörfúrógép, öt szép szűzlány őrült írót nyúz.")]
    [InlineData("iso-8859-2", "A budapesti Országház épülete éjszaka. Árvíztűrő tükörfúrógép, öt szép szűzlány őrült írót nyúz.")]
    [InlineData("windows-1250", "Beogradska tvrđava Kalemegdan na ušću Save u Dunav. Ćevapčići i pljeskavica u Skadarliji, šetnja Knez Mihailovom.")]
    [InlineData("windows-1256", "مسجد الحسن الثاني في الدار البيضاء عند الغروب، والبحر هادئ والسماء صافية.")]
    [InlineData("euc-kr", "경복궁 근정전 앞의 한복 입은 관광객들. 서울의 가을 하늘은 높고 맑습니다.")]
    [InlineData("windows-874", "วัดอรุณราชวรารามยามพระอาทิตย์ตกริมแม่น้ำเจ้าพระยา ต้มยำกุ้งน้ำข้นในชามดินเผา")]
    [InlineData("windows-1258", "Vịnh Hạ Long nhìn từ trên cao vào buổi sáng. Phố cổ Hội An về đêm với những chiếc đèn lồng đỏ rực.")]
    public void Undeclared_legacy_pages_in_each_target_encoding_are_detected(string charset, string text)
    {
        int sentenceEnd = text.IndexOf('.', StringComparison.Ordinal);
        string alt = sentenceEnd > 0 ? text[..sentenceEnd] : text[..20];
        string html = $"<html><body><p>{text}</p><img src=\"a.jpg\" alt=\"{alt}\"></body></html>";
        byte[] bytes = HtmlDecoder.Resolve(charset)!.GetBytes(charset == "windows-1258" ? ToneMarksApart(html) : html);

        var decoded = HtmlDecoder.Decode(bytes);

        Assert.Equal("detected", decoded.DecidedBy);
        Assert.True(decoded.Text.Normalize(NormalizationForm.FormC).Contains(text.Normalize(NormalizationForm.FormC), StringComparison.Ordinal), $"decoded as {decoded.Encoding}");
    }

    [Fact]
    public void An_undeclared_legacy_page_is_detected()
    {
        byte[] bytes = HtmlDecoder.Resolve("windows-1251")!.GetBytes("<html><body><p>Зимний лес в Подмосковье после снегопада</p><img alt=\"Пельмени со сметаной\"></body></html>");

        var decoded = HtmlDecoder.Decode(bytes);

        Assert.Equal(("windows-1251", "detected"), (decoded.Encoding, decoded.DecidedBy));
        Assert.Contains("Пельмени со сметаной", decoded.Text);
    }
}
