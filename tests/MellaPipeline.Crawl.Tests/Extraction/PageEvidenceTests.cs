using MellaPipeline.Crawl.Extraction;
using MellaPipeline.LanguageId;

namespace MellaPipeline.Crawl.Tests.Extraction;

/// <summary>The language of a page's own body text is a prior for alts too short to decide, never against clear evidence.</summary>
public class PageEvidenceTests
{
    private static readonly LanguageIdentifier Identifier = LanguageIdentifier.Create();

    private const string SerbianBody =
        "Beograd je glavni grad Srbije. Posle kiše uvek izađemo u šetnju pored reke, gde deca vole da se igraju. "
        + "Ovde ima lepih mesta za celu porodicu, a svake nedelje se u centru održava pijaca sa svežim voćem i povrćem.";

    private const string CzechBody =
        "Praha je hlavní město České republiky. Jsem rád, že jsme se sem vrátili, protože tady je vždycky co dělat. "
        + "Na Starém Městě je spousta kaváren, muzeí a galerií, které jsou otevřené i o víkendu.";

    private static string Page(string? lang, string body, params string[] alts) =>
        $"<html{(lang is null ? "" : $" lang=\"{lang}\"")}><head><title>t</title><style>p {{ color: red }}</style></head><body>"
        + $"<script>var x = 'English script text that is never shown';</script><p>{body}</p>"
        + string.Concat(alts.Select((a, i) => $"<img src=\"/{i}.jpg\" alt=\"{a}\">")) + "</body></html>";

    private static List<AltTextRecord> Records(string html, string url = "https://example.com/page") =>
        AltTextRecord.FromPage(AltTextExtractor.Extract(html, new Uri(url)), Identifier).ToList();

    [Fact]
    public void Body_text_is_the_visible_text_only_and_bounded()
    {
        var page = AltTextExtractor.Extract(Page(null, string.Concat(Enumerable.Repeat(CzechBody + " ", 60))), new Uri("https://example.com/"));

        Assert.StartsWith("Praha je hlavní město", page.BodyText);
        Assert.DoesNotContain("English script", page.BodyText);
        Assert.DoesNotContain("color", page.BodyText);
        Assert.InRange(page.BodyText.Length, 3000, AltTextExtractor.BodyTextLimit);
    }

    [Fact]
    public void English_alts_on_a_thai_page_stay_out()
    {
        const string thai = "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย มีวัดวาอารามมากมายและอาหารริมทางที่มีชื่อเสียงไปทั่วโลก";

        var records = Records(Page("th", thai, "A brown dog running on the beach at sunset", "วัดอรุณราชวรารามยามเย็น"), "https://example.co.th/");

        Assert.Equal(("en", "lang_other"), (records[0].Lang, records[0].Status));
        Assert.Equal(("th", "kept"), (records[1].Lang, records[1].Status));
    }

    [Fact]
    public void Short_latin_alts_on_a_serbian_page_are_serbian()
    {
        const string alt = "Ona radi sama u gradu"; // the same words in Serbian, Croatian and Bosnian

        var alone = Records(Page(null, "", alt));
        var declared = Records(Page("sr", "", alt));
        var body = Records(Page(null, SerbianBody, alt));

        Assert.NotEqual("sr", alone[0].Lang);
        Assert.Equal(("sr", "Latn", "hint:html_lang", "kept"), (declared[0].Lang, declared[0].Script, declared[0].LangDecidedBy, declared[0].Status));
        Assert.Equal(("sr", "Latn", "hint:body", "kept"), (body[0].Lang, body[0].Script, body[0].LangDecidedBy, body[0].Status));
    }

    [Fact]
    public void A_czech_body_decides_short_alts_that_czech_and_slovak_write_alike_but_not_slovak_ones()
    {
        const string alike = "Zeleň v parku";
        const string slovak = "Ľudia sa prechádzajú po nábreží";

        var alone = Records(Page(null, "", alike, slovak));
        var czechPage = Records(Page(null, CzechBody, alike, slovak));

        Assert.Equal("sk", alone[0].Lang);
        Assert.Equal(("cs", "hint:body", "kept"), (czechPage[0].Lang, czechPage[0].LangDecidedBy, czechPage[0].Status));
        Assert.Equal(("sk", "lang_other"), (czechPage[1].Lang, czechPage[1].Status));
    }
}
