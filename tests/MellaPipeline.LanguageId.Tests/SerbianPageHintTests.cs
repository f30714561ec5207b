using MellaPipeline.TestSupport;

namespace MellaPipeline.LanguageId.Tests;

/// <summary>A Serbian page (<c>lang="sr"</c>, <c>sr-Latn</c>, a .rs host) labels its Latin Serbian text Serbian unless the letters rule it out; without one, Croatian and Bosnian stay themselves.</summary>
[Trait("Category", "SharedData")]
public class SerbianPageHintTests(LanguageIdentifierFixture fixture) : IClassFixture<LanguageIdentifierFixture>
{
    private static List<(string Label, string Text)> Load(string file) => LangIdData.Load(file);

    [Theory]
    [InlineData("sr", null)]
    [InlineData("sr-Latn", null)]
    [InlineData(null, "www.example.rs")]
    public void Latin_serbian_on_a_serbian_page_is_serbian(string? htmlLang, string? host)
    {
        var rows = Load("tatoeba_laser_v1.tsv").Where(r => r.Label == "sr-Latn").ToList();
        var hints = new LanguageHints(htmlLang, host);

        int serbian = rows.Count(r => fixture.Identifier.Identify(r.Text, hints).Lang == "sr");

        Assert.True(rows.Count > 600);
        Assert.True(100.0 * serbian / rows.Count >= 99.0, $"{serbian} of {rows.Count} labelled sr");
    }

    [Fact]
    public void Croatian_and_bosnian_without_a_hint_are_rarely_serbian()
    {
        var rows = Load("tatoeba_laser_v1.tsv").Concat(Load("lingua_sentences.tsv")).Where(r => r.Label is "hr" or "bs").ToList();

        int serbian = rows.Count(r => fixture.Identifier.Identify(r.Text).Lang == "sr");

        Assert.True(100.0 * serbian / rows.Count <= 5.0, $"{serbian} of {rows.Count} labelled sr");
    }

    [Theory]
    [InlineData("The castle of Neuschwanstein is covered with snow in winter", "en")]
    [InlineData("Pražský orloj na Staroměstském náměstí je jednou z nejznámějších památek", "cs")]
    public void A_serbian_page_does_not_take_text_whose_letters_or_language_rule_serbian_out(string text, string lang)
    {
        Assert.Equal(lang, fixture.Identifier.Identify(text, new LanguageHints("sr", "www.example.rs")).Lang);
    }
}
