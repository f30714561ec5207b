namespace MellaPipeline.LanguageId.Tests;

public class CzechSlovakTests
{
    [Theory]
    [InlineData("Jsem doma a čtu si", "cs")]
    [InlineData("Som doma a čítam si", "sk")]
    [InlineData("který dům je jeho", "cs")] // ů
    [InlineData("ktorý dom je jeho", "sk")]
    [InlineData("to není pravda", "cs")]
    [InlineData("to nie je pravda", "sk")]
    [InlineData("Tiež ide na poštu", "sk")]
    [InlineData("Jako vždy pozdě", "cs")]
    [InlineData("Jaká je tvoje dohoda?", "cs")]
    [InlineData("Aká je tvoja dohoda?", "sk")]
    [InlineData("Pracuji doma", "cs")] // -uji
    [InlineData("Pracujem doma", "sk")] // -ujem
    [InlineData("konec posledního dne", "cs")] // -ního
    [InlineData("hlavne riešenie", "sk")] // -nie
    public void Letters_and_words_only_one_language_writes_decide(string text, string lang)
    {
        Assert.Equal(lang, CzechSlovak.Decide(text, "cs", null).Lang);
        Assert.Equal(lang, CzechSlovak.Decide(text, "sk", null).Lang);
    }

    [Fact]
    public void Evidence_that_agrees_with_the_model_leaves_its_decision()
    {
        Assert.Equal(("cs", "model"), CzechSlovak.Decide("Jsem doma", "cs", null));
        Assert.Equal(("cs", "czech_slovak_markers"), CzechSlovak.Decide("Jsem doma", "sk", null));
    }

    [Fact]
    public void Without_evidence_the_page_chooses_and_otherwise_the_model()
    {
        const string both = "Hrad na kopci nad mestom"; // nothing only one of them writes

        Assert.Equal(0, CzechSlovak.Score(both));
        Assert.Equal(("sk", "model"), CzechSlovak.Decide(both, "sk", null));
        Assert.Equal(("cs", "hint:body"), CzechSlovak.Decide(both, "sk", new LanguageHints(null, "example.com", "cs")));
        Assert.Equal(("cs", "hint:tld"), CzechSlovak.Decide(both, "sk", new LanguageHints(null, "www.hrady.cz")));
        Assert.Equal(("sk", "model"), CzechSlovak.Decide("Som tu", "sk", new LanguageHints("cs", "www.hrady.cz", "cs")));
    }
}
