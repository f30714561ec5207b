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

    [Fact]
    public void Lao_is_never_taken_for_thai()
    {
        var rows = Load("laonlp_lao_dictionary_words.tsv").Concat(Load("langidpy_lao_phrases.tsv")).ToList();

        Assert.All(rows, r => Assert.Equal("lo", fixture.Identifier.Identify(r.Text).Lang));
    }
}
