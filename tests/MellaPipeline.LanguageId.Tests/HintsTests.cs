namespace MellaPipeline.LanguageId.Tests;

public class HintsTests
{
    [Theory]
    [InlineData("sr-Latn-RS", null, "sr", null)]
    [InlineData("CS", "www.idnes.cz", "cs", "cs")]
    [InlineData(null, "novosti.rs.", null, "sr")]
    [InlineData(null, "example.com", null, null)]
    [InlineData("x", "localhost", null, null)]
    public void Hints_read_the_declared_language_and_country_domain(string? htmlLang, string? host, string? declared, string? tld)
    {
        var hints = new LanguageHints(htmlLang, host);

        Assert.Equal(declared, hints.DeclaredLang);
        Assert.Equal(tld, hints.TldLang);
    }
}
