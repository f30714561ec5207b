using MellaPipeline.Languages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.LanguageId.Tests;

/// <summary>
/// Regression floors on the public labelled sentences in <c>../shared/data/langid</c> (see its
/// README). The full per-language report is a benchmark (docs/BENCHMARKS.md); these floors sit just
/// under what the identifier reaches today so that a regression fails.
/// </summary>
[Trait("Category", "SharedData")]
public class SharedDataLangIdTests(LanguageIdentifierFixture fixture) : IClassFixture<LanguageIdentifierFixture>
{
    private static List<(string Label, string Text)> Load(string file) => LangIdData.Load(file);

    [Theory]
    [InlineData("ar", 99.0)]
    [InlineData("hu", 99.0)]
    [InlineData("ko", 99.0)]
    [InlineData("th", 99.0)]
    [InlineData("vi", 99.0)]
    [InlineData("sr-Cyrl", 97.0)]
    [InlineData("ru", 95.0)]
    [InlineData("cs", 90.0)]
    public void Recall_on_full_sentences_stays_above_its_floor(string label, double floor)
    {
        var rows = Load("lingua_sentences.tsv").Concat(Load("tatoeba_laser_v1.tsv")).Where(r => r.Label == label).ToList();
        string lang = label.Split('-')[0];

        int right = rows.Count(r => fixture.Identifier.Identify(r.Text).Lang == lang);

        Assert.True(rows.Count >= 300, $"{label}: only {rows.Count} rows");
        Assert.True(100.0 * right / rows.Count >= floor, $"{label}: {100.0 * right / rows.Count:F2}% < {floor}%");
    }

    [Fact]
    public void Confusable_sentences_are_rarely_labelled_as_a_target()
    {
        var rows = Load("lingua_sentences.tsv").Where(r => !TargetLanguages.IsTarget(r.Label.Split('-')[0])).ToList();

        int leaked = rows.Count(r => TargetLanguages.IsTarget(fixture.Identifier.Identify(r.Text).Lang));

        Assert.True(rows.Count > 5000);
        Assert.True(100.0 * leaked / rows.Count <= 2.0, $"{leaked} of {rows.Count} confusable sentences labelled as a target");
    }

    /// <summary>The held-out half (<see cref="LabelledSplit"/>) of the sentences: never looked at when the Serbian and Czech/Slovak evidence was chosen.</summary>
    private static List<(string Label, string Text)> HeldOut(params string[] files) =>
        files.SelectMany(Load).Where(r => LabelledSplit.IsHeldOut(r.Text)).ToList();

    private static double Percent(int part, int whole) => 100.0 * part / whole;

    [Fact]
    public void Held_out_serbian_latin_sentences_are_serbian_without_context_and_almost_all_with_a_serbian_page()
    {
        var rows = HeldOut("tatoeba_laser_v1.tsv", "cld2_unittest_strings.tsv").Where(r => r.Label == "sr-Latn").ToList();
        var serbianPage = new LanguageHints("sr", null);

        int alone = rows.Count(r => fixture.Identifier.Identify(r.Text) is { Lang: "sr", Script: "Latn" });
        int withPage = rows.Count(r => fixture.Identifier.Identify(r.Text, serbianPage) is { Lang: "sr", Script: "Latn" });

        Assert.True(rows.Count >= 300, $"only {rows.Count} rows");
        Assert.True(Percent(alone, rows.Count) >= 37.0, $"no context: {Percent(alone, rows.Count):F2}%");
        Assert.True(Percent(withPage, rows.Count) >= 99.0, $"html_lang=sr: {Percent(withPage, rows.Count):F2}%");
    }

    [Fact]
    public void Held_out_latin_croatian_and_bosnian_are_rarely_labelled_serbian()
    {
        var rows = HeldOut("lingua_sentences.tsv", "tatoeba_laser_v1.tsv").Where(r => r.Label is "hr" or "bs").ToList();

        int serbian = rows.Count(r => fixture.Identifier.Identify(r.Text).Lang == "sr");

        Assert.True(rows.Count >= 1500, $"only {rows.Count} rows");
        Assert.True(Percent(serbian, rows.Count) <= 5.0, $"{serbian} of {rows.Count} labelled sr");
    }

    [Theory]
    [InlineData("cs", 83.0)]
    [InlineData("sk", 82.0)]
    public void Held_out_czech_and_slovak_three_word_starts_keep_their_floor(string label, double floor)
    {
        var rows = HeldOut("lingua_sentences.tsv", "tatoeba_laser_v1.tsv").Where(r => r.Label == label)
            .Select(r => string.Join(' ', r.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3)))
            .ToList();

        int right = rows.Count(t => fixture.Identifier.Identify(t).Lang == label);

        Assert.True(rows.Count >= 900, $"only {rows.Count} rows");
        Assert.True(Percent(right, rows.Count) >= floor, $"{label}: {Percent(right, rows.Count):F2}% < {floor}%");
    }

    [Fact]
    public void Lao_is_never_taken_for_thai()
    {
        var rows = Load("laonlp_lao_dictionary_words.tsv").Concat(Load("langidpy_lao_phrases.tsv")).ToList();

        Assert.All(rows, r => Assert.Equal("lo", fixture.Identifier.Identify(r.Text).Lang));
    }
}
