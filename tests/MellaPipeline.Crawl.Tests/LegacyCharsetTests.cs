using System.Text;
using MellaPipeline.Crawl.Html;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Crawl.Tests;

/// <summary>
/// Pages that declare no charset and are not UTF-8: detection by letter statistics, on real pages
/// re-encoded by <see cref="LegacyCharsetPages"/> and on the pairs of encodings that are hardest to
/// tell apart.
/// </summary>
public class LegacyCharsetTests
{
    static LegacyCharsetTests()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static TheoryData<string> Encodings() => [.. LegacyCharsetPages.SharedPages.Keys];

    [Theory]
    [Trait("Category", "SharedData")]
    [MemberData(nameof(Encodings))]
    public void Real_pages_re_encoded_without_a_declaration_decode_exactly(string encoding)
    {
        var samples = LegacyCharsetPages.Shared(encoding).ToList();

        var missed = samples.Where(s => !DecodesExactly(s.Bytes, s.Expected)).Select(s => s.ToString()).ToList();

        // Every page kind the shared data has for the encoding is in the set, whole and cut short.
        Assert.True(samples.Count >= 8, $"{samples.Count} samples");
        Assert.True(samples.Count - missed.Count >= 0.95 * samples.Count, $"{missed.Count} of {samples.Count} missed: {string.Join("; ", missed)}");
    }

    [Fact]
    public void A_koi8_r_page_declaring_nothing_is_koi8_r_not_windows_1251()
    {
        string html = "<html><head><title>Новости</title></head><body><p>Москва - столица России, крупнейший по численности населения город страны.</p>" +
            "<img src=\"kremlin.jpg\" alt=\"Вид на Кремль с Большого Каменного моста\"></body></html>";
        byte[] bytes = Encoding.GetEncoding("koi8-r").GetBytes(html);

        var decoded = HtmlDecoder.Decode(bytes);

        Assert.Equal(("koi8-r", "detected", html), (decoded.Encoding, decoded.DecidedBy, decoded.Text));
    }

    [Theory]
    [InlineData("iso-8859-2")]
    [InlineData("windows-1250")]
    public void Iso_8859_2_and_windows_1250_pages_that_differ_only_in_s_z_and_s_acute_are_told_apart(string encoding)
    {
        // Every other letter here has the same byte in both encodings; š ž ś Š Ž Ś do not.
        string html = "<html><body><h1>Šumava a Žďár</h1><p>Na Šumavě leží sníh, v Žďáru je už jaro. Široké údolí, žlutá pole.</p>" +
            "<img src=\"slask.jpg\" alt=\"Śląsk: Opava a Ostrava\"></body></html>";
        byte[] latin2 = Encoding.GetEncoding("iso-8859-2").GetBytes(html), windows = Encoding.GetEncoding("windows-1250").GetBytes(html);
        Assert.NotEqual(latin2, windows);

        var decoded = HtmlDecoder.Decode(encoding == "iso-8859-2" ? latin2 : windows);

        Assert.Equal((encoding, html), (decoded.Encoding, decoded.Text));
    }

    [Fact]
    public void A_vietnamese_windows_1258_page_with_combining_tone_marks_decodes_to_the_same_text_in_nfc()
    {
        string html = "<html lang=\"vi\"><body><p>Hà Nội là thủ đô của nước Cộng hòa Xã hội chủ nghĩa Việt Nam. Phố cổ có nhiều ngôi nhà ống.</p>" +
            "<img src=\"hoan-kiem.jpg\" alt=\"Hồ Hoàn Kiếm vào buổi sáng sớm\"></body></html>";
        var encoding = Encoding.GetEncoding("windows-1258");
        string written = LegacyCharsetPages.Writable(html, encoding, tonesApart: true);
        byte[] bytes = encoding.GetBytes(written);
        Assert.Contains((byte)0xEC, bytes); // U+0301, the acute tone, as a combining mark

        var decoded = HtmlDecoder.Decode(bytes);

        Assert.Equal("windows-1258", decoded.Encoding);
        Assert.Equal(html.Normalize(NormalizationForm.FormC), decoded.Text.Normalize(NormalizationForm.FormC));
    }

    [Theory]
    [InlineData("windows-1251", "Зимний лес")]
    [InlineData("koi8-r", "Зимний лес")]
    [InlineData("windows-1256", "مسجد الحسن")]
    [InlineData("euc-kr", "경복궁 근정전")]
    [InlineData("windows-874", "วัดอรุณ")]
    [InlineData("iso-8859-2", "Šťastný kůň")]
    [InlineData("windows-1250", "Šťastný kůň")]
    public void A_body_that_is_only_a_short_title_is_decoded_in_its_encoding(string encoding, string title)
    {
        byte[] bytes = Encoding.GetEncoding(encoding).GetBytes($"<title>{title}</title>");

        Assert.Equal($"<title>{title}</title>", HtmlDecoder.Decode(bytes).Text);
    }

    [Fact]
    public void Random_bytes_and_bodies_of_a_few_bytes_decode_without_failing()
    {
        var random = new Random(18);
        List<byte[]> bodies = [[], [0x80], [0xFF], [0xC3], [0xA1, 0xA1], [0x8A, 0x9A, 0x9E], [0xE0, 0x41]];
        for (int length = 1; length <= 4096; length *= 4)
        {
            var body = new byte[length];
            random.NextBytes(body);
            bodies.Add(body);
        }

        foreach (var body in bodies)
        {
            var decoded = HtmlDecoder.Decode(body);

            Assert.Contains(decoded.Encoding, HtmlDecoder.LegacyCandidates.Append("utf-8"));
            Assert.Equal(decoded.Text, Encoding.GetEncoding(decoded.Encoding).GetString(body));
        }
    }

    [Fact]
    public void The_decision_is_taken_on_the_first_non_ascii_bytes_and_the_rest_of_the_page_is_only_decoded()
    {
        // Over 16 K Cyrillic letters before the tail, more than the detector looks at.
        string russian = string.Concat(Enumerable.Repeat("Москва — столица России и крупнейший город страны. ", 1600));
        byte[] head = Encoding.GetEncoding("windows-1251").GetBytes(russian);
        byte[] tail = Encoding.GetEncoding("euc-kr").GetBytes(string.Concat(Enumerable.Repeat("경복궁 근정전 앞의 한복 입은 관광객들. ", 20_000)));

        var decoded = HtmlDecoder.Decode([.. head, .. tail]);

        Assert.True(head.Count(b => b >= 0x80) > LegacyCharsetDetector.MaxHighBytes);
        Assert.Equal("windows-1251", decoded.Encoding);
        Assert.StartsWith(russian, decoded.Text, StringComparison.Ordinal);
    }

    private static bool DecodesExactly(byte[] bytes, string expected) =>
        HtmlDecoder.Decode(bytes).Text.Normalize(NormalizationForm.FormC) == expected.Normalize(NormalizationForm.FormC);
}
