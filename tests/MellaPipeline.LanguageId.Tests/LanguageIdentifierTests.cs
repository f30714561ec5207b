namespace MellaPipeline.LanguageId.Tests;

public class LanguageIdentifierTests(LanguageIdentifierFixture fixture) : IClassFixture<LanguageIdentifierFixture>
{
    private LanguageGuess Identify(string text, LanguageHints? hints = null) => fixture.Identifier.Identify(text, hints);

    [Theory]
    [InlineData("مسجد الحسن الثاني في الدار البيضاء عند غروب الشمس", "ar", "Arab")]
    [InlineData("Pražský orloj na Staroměstském náměstí je jednou z nejznámějších památek", "cs", "Latn")]
    [InlineData("A budapesti Országház épülete éjszakai kivilágításban a Duna partjáról", "hu", "Latn")]
    [InlineData("경복궁 근정전 앞에서 한복을 입은 관광객들이 사진을 찍고 있다", "ko", "Hang")]
    [InlineData("Храм Василия Блаженного на Красной площади в Москве зимой", "ru", "Cyrl")]
    [InlineData("Манастир Студеница у долини Ибра је задужбина Стефана Немање", "sr", "Cyrl")]
    [InlineData("วัดอรุณราชวรารามยามพระอาทิตย์ตกริมแม่น้ำเจ้าพระยา", "th", "Thai")]
    [InlineData("Phở bò Hà Nội với hành lá và rau thơm trong một chiếc bát lớn", "vi", "Latn")]
    public void Captions_in_the_target_languages_get_their_language_and_script(string text, string lang, string script)
    {
        var guess = Identify(text);

        Assert.Equal((lang, script), (guess.Lang, guess.Script));
        Assert.InRange(guess.Confidence, 0.3, 1.0);
    }

    [Theory]
    [InlineData("Das Schloss Neuschwanstein liegt im Winter unter einer dicken Schneedecke", "de")]
    [InlineData("El castillo de Neuschwanstein en invierno está cubierto de nieve", "es")]
    [InlineData("Les enfants jouent dans le jardin près de la maison de leurs grands-parents", "fr")]
    [InlineData("The castle of Neuschwanstein is covered with snow in winter", "en")]
    [InlineData("Хрещатик у центрі Києва взимку, вкритий снігом", "uk")]
    [InlineData("Катедралата Свети Александър Невски в центъра на София през зимата", "bg")]
    [InlineData("Bratislavský hrad na kopci nad Dunajom v zimnom období", "sk")]
    [InlineData("Zamek Królewski na Wawelu w Krakowie zimą pod śniegiem", "pl")]
    [InlineData("東京タワーと桜の花が春の空に映える", "ja")]
    [InlineData("北京故宫博物院的冬季雪景", "zh")]
    [InlineData("ພະທາດຫຼວງວຽງຈັນໃນຍາມແລງ", "lo")]
    [InlineData("Κάστρο της Ρόδου το χειμώνα", "el")]
    public void Other_languages_get_their_own_code_and_never_a_target(string text, string lang)
    {
        Assert.Equal(lang, Identify(text).Lang);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("2024-11-29 12:30 :) !!!")]
    public void Text_without_letters_is_undetermined(string text)
    {
        var guess = Identify(text);

        Assert.Equal(("und", 0.0), (guess.Lang, guess.Confidence));
    }

    [Theory]
    [InlineData("Beogradska tvrđava na ušću Save u Dunav, gde se reke spajaju pred veče")]
    [InlineData("Uvek sam voleo da šetam pored reke kada je lepo vreme")]
    [InlineData("Deca su se igrala na snegu ispred škole ceo dan")]
    public void Serbian_in_latin_script_is_serbian_not_croatian_or_bosnian(string text)
    {
        var guess = Identify(text);

        Assert.Equal(("sr", "Latn"), (guess.Lang, guess.Script));
        Assert.Equal("serbian_markers", guess.DecidedBy);
    }

    [Theory]
    [InlineData("Šta si naučio danas?")] // the guard alone takes it for Lithuanian
    [InlineData("Uvek sam se pitao ovo.")] // for Tsonga
    [InlineData("Da li me voli?")] // the models for Slovene
    public void Short_serbian_with_evidence_is_not_left_to_the_guard_or_slovene(string text) =>
        Assert.Equal(("sr", "Latn", "serbian_markers"), (Identify(text).Lang, Identify(text).Script, Identify(text).DecidedBy));

    [Theory]
    [InlineData("Uvijek sam volio šetati pored rijeke kada je lijepo vrijeme", "hr", "bs")]
    [InlineData("Djeca su se igrala na snijegu ispred škole cijeli dan", "hr", "bs")]
    [InlineData("Tko želi kruh i kavu za doručak ovaj tjedan", "hr", "hr")]
    public void Croatian_and_bosnian_are_never_labelled_serbian(string text, string expected, string alternative)
    {
        string lang = Identify(text).Lang;

        Assert.True(lang == expected || lang == alternative, $"got {lang}");
    }

    [Theory]
    [InlineData("Az erdõ felett hideg szél fújt.", "hu")] // ő and ű as Latin-1 conversions leave them
    [InlineData("Їжак їсть яблука в саду, а ми п'ємо чай і слухаємо пісні.", "uk")]
    [InlineData("Съешь же ещё этих мягких французских булок, да выпей чаю.", "ru")]
    [InlineData("Řeka teče pod mostem a děti si hrají na břehu.", "cs")]
    [InlineData("Ľudia sa prechádzajú po nábreží a pozerajú na loďky.", "sk")]
    public void Letters_a_language_never_writes_rule_it_out(string text, string lang) =>
        Assert.Equal(lang, Identify(text).Lang);

    [Fact]
    public void A_page_hint_settles_only_what_the_text_leaves_open()
    {
        // No jat reflex and no standard-specific word: the text alone cannot tell sr from hr/bs.
        const string ambiguous = "Ona radi sama u gradu.";
        var withoutHint = Identify(ambiguous);
        var withHtmlLang = Identify(ambiguous, new LanguageHints("sr-Latn", null));
        var withTld = Identify(ambiguous, new LanguageHints(null, "www.novosti.rs"));
        var clearCzech = Identify("Pražský orloj na Staroměstském náměstí je jednou z nejznámějších památek", new LanguageHints("sk", "example.sk"));

        Assert.NotEqual("sr", withoutHint.Lang);
        Assert.Equal(("sr", "hint:html_lang"), (withHtmlLang.Lang, withHtmlLang.DecidedBy));
        Assert.Equal(("sr", "hint:tld"), (withTld.Lang, withTld.DecidedBy));
        Assert.Equal(("cs", "model"), (clearCzech.Lang, clearCzech.DecidedBy));
    }

    [Fact]
    public void Normalisation_happens_before_identification()
    {
        var decomposed = Identify("Vịnh Hạ Long nhìn từ trên cao vào buổi sáng".Normalize(System.Text.NormalizationForm.FormD));

        Assert.Equal("vi", decomposed.Lang);
    }
}
