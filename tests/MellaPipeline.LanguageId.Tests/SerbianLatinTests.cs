namespace MellaPipeline.LanguageId.Tests;

public class SerbianLatinTests
{
    // Flat, as the n-gram models' three-way confidences are on short Latin text.
    private static readonly SouthSlavicScores ModelSaysCroatian = new(0.3, 0.45, 0.25);
    private static readonly SouthSlavicScores ModelSaysBosnian = new(0.3, 0.25, 0.45);

    [Theory]
    [InlineData("gde je reka", 2.0)]
    [InlineData("gdje je rijeka", -2.0)]
    [InlineData("želeo sam", 1.0)]
    [InlineData("želio sam", -1.0)]
    [InlineData("počeo je i uzeo knjigu", 0.0)] // -čeo/-zeo are the same in every standard
    [InlineData("Ona radi sama.", 0.0)]
    [InlineData("izveo ga je i uveo u sobu, debeo", 0.0)] // -veo (voditi) and debeo are the same in every standard
    [InlineData("doživeo je sto godina", 1.0)]
    [InlineData("Tom je verovatno rešio problem, cena je niža", 3.0)]
    [InlineData("Tom je vjerojatno riješio problem, cijena je niža", -3.0)]
    [InlineData("Svetla na severu su se promenila", 3.0)]
    [InlineData("Svjetla na sjeveru su se promijenila", -3.0)]
    public void Counts_jat_reflexes(string text, double ekavianMinusIjekavian)
    {
        var evidence = SerbianLatin.Evidence.Of(text);

        Assert.Equal(ekavianMinusIjekavian, evidence.Ekavian - evidence.Ijekavian);
    }

    [Fact]
    public void A_word_serbian_shares_with_bosnian_is_not_enough_alone_but_adds_to_syntax()
    {
        Assert.Equal(("bs", "model"), SerbianLatin.Decide("Šta radiš?", ModelSaysBosnian, null));
        Assert.Equal(("sr", "serbian_markers"), SerbianLatin.Decide("Šta radiš, da li ideš?", ModelSaysBosnian, null));
        Assert.Equal(("hr", "model"), SerbianLatin.Decide("Moram ići, je li?", ModelSaysCroatian, null));
    }

    [Theory]
    [InlineData("Voz za Niš kreće u podne, takođe i sutra.")]
    [InlineData("Koliko košta hleb u prodavnici posle podne?")]
    [InlineData("Knjiga ima hiljadu strana i izašla je u februaru.")]
    public void Serbian_words_and_months_decide_for_serbian(string text) =>
        Assert.Equal("sr", SerbianLatin.Decide(text, ModelSaysCroatian, null).Lang);

    [Theory]
    [InlineData("Vlak za Split kreće u podne, također i sutra.")]
    [InlineData("Tko je pojeo kruh koji sam kupila u siječnju?")]
    [InlineData("Knjiga ima tisuću stranica i izašla je prošli tjedan.")]
    public void Croatian_words_and_months_keep_croatian(string text) =>
        Assert.Equal(("hr", "model"), SerbianLatin.Decide(text, ModelSaysCroatian, new LanguageHints("sr", "vesti.rs")));

    [Theory]
    [InlineData("Misa u crkvi Sveta Marija počinje u osam.")] // sveta: "holy" in Croatian, not the ekavian "world"
    [InlineData("Na svetu misu došli su svi iz sela.")]
    public void Words_croatian_also_writes_with_another_meaning_are_no_serbian_evidence(string text) =>
        Assert.Equal("hr", SerbianLatin.Decide(text, ModelSaysCroatian, null).Lang);

    [Fact]
    public void Text_the_same_in_all_three_standards_follows_the_page_or_stays_with_the_model()
    {
        const string same = "Ona radi sama u gradu.";

        Assert.Equal(("bs", "model"), SerbianLatin.Decide(same, ModelSaysBosnian, null));
        Assert.Equal(("bs", "model"), SerbianLatin.Decide(same, ModelSaysBosnian, new LanguageHints("hr", "example.com", "bs")));
        Assert.Equal(("sr", "hint:html_lang"), SerbianLatin.Decide(same, ModelSaysBosnian, new LanguageHints("sr-Latn", null)));
        Assert.Equal(("sr", "hint:tld"), SerbianLatin.Decide(same, ModelSaysCroatian, new LanguageHints(null, "www.b92.rs")));
        Assert.Equal(("sr", "hint:body"), SerbianLatin.Decide(same, ModelSaysCroatian, new LanguageHints(null, "example.com", "sr")));
    }

    [Fact]
    public void The_page_never_overrides_clear_evidence()
    {
        Assert.Equal("hr", SerbianLatin.Decide("Gdje je rijeka?", ModelSaysCroatian, new LanguageHints("sr", "vesti.rs", "sr")).Lang);
    }

    [Fact]
    public void A_word_repeated_is_one_piece_of_evidence()
    {
        Assert.Equal(1, SerbianLatin.Evidence.Of("76 hiljada, 42 hiljada i 30 hiljada").SharedWithBosnian);
        Assert.Equal(2, SerbianLatin.Evidence.Of("76 hiljada, 42 hiljade i 30 hiljada").SharedWithBosnian);
    }

    [Theory]
    [InlineData("Džon i Meri su došli.")] // English names as they sound
    [InlineData("Hajde da probamo.")]
    [InlineData("Moraćete da pitate Toma.")]
    public void Serbian_names_and_constructions_decide_for_serbian(string text) =>
        Assert.Equal(("sr", "serbian_markers"), SerbianLatin.Decide(text, ModelSaysBosnian, null));

    [Theory]
    [InlineData("Da li me voli?", true)] // da li: Serbian syntax
    [InlineData("Tim je bio primetno napet.", true)] // bio: Slovene writes bil
    [InlineData("Želeli su da me kazne.", true)] // su: Slovene writes so
    [InlineData("Ti me razumeš.", false)] // an ekavian form alone: Slovene is e-reflex too
    [InlineData("Jaz sem bil tam, da li?", false)] // Slovene-only words
    public void Slovene_answers_are_rechecked_only_with_evidence_slovene_does_not_share(string text, bool recheck) =>
        Assert.Equal(recheck, SerbianLatin.MayBeSerbianNotSlovene(text));
}
