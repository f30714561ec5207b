namespace MellaPipeline.LanguageId.Tests;

public class SerbianLatinTests
{
    [Theory]
    [InlineData("gde je reka", 4)]
    [InlineData("gdje je rijeka", -4)]
    [InlineData("želeo sam", 2)]
    [InlineData("želio sam", -2)]
    [InlineData("počeo je i uzeo knjigu", 0)] // -čeo/-zeo are the same in every standard
    [InlineData("Ona radi sama.", 0)]
    public void Counts_jat_reflexes_and_standard_words(string text, int score)
    {
        Assert.Equal(score, SerbianLatin.Score(text, modelSaidCroatian: false));
    }

    [Fact]
    public void Syntax_shared_with_bosnian_counts_only_against_croatian()
    {
        Assert.Equal(1, SerbianLatin.Score("Moram da idem.", modelSaidCroatian: true));
        Assert.Equal(0, SerbianLatin.Score("Moram da idem.", modelSaidCroatian: false));
        Assert.Equal(-1, SerbianLatin.Score("Moram ići.", modelSaidCroatian: true));
    }
}
