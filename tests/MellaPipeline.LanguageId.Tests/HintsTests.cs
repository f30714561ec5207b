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

    [Theory]
    [InlineData(null, null, "cs", "cs", "hint:body")] // nothing else said: the body speaks
    [InlineData("sk", null, "cs", "cs", null)] // a Slovak page whose body reads as Czech stays Slovak
    [InlineData("sk", null, "cs", "sk", "hint:html_lang")]
    [InlineData(null, "www.zagreb.hr", "sr", "sr", null)] // a Croatian domain is not outvoted by the body
    [InlineData(null, "www.zagreb.hr", "sr", "hr", "hint:tld")]
    public void The_body_language_speaks_only_for_a_page_that_says_nothing_of_its_own(
        string? htmlLang, string? host, string bodyLang, string asked, string? suggestedBy)
    {
        var hints = new LanguageHints(htmlLang, host, bodyLang);

        Assert.Equal(suggestedBy, hints.Suggests(asked));
    }
}
