using MellaPipeline.Languages;

namespace MellaPipeline.Core.Tests.Languages;

public class ScriptsTests
{
    [Theory]
    [InlineData("مسجد الحسن الثاني", "Arab")]
    [InlineData("Pražský orloj", "Latn")]
    [InlineData("Gulyásleves bográcsban", "Latn")]
    [InlineData("경복궁 근정전", "Hang")]
    [InlineData("Храм Василия Блаженного", "Cyrl")]
    [InlineData("Манастир Студеница", "Cyrl")]
    [InlineData("Beogradska tvrđava", "Latn")]
    [InlineData("วัดอรุณราชวราราม", "Thai")]
    [InlineData("Vịnh Hạ Long nhìn từ trên cao", "Latn")]
    public void Detects_the_script_of_each_target_language(string text, string expected)
    {
        Assert.Equal(expected, Scripts.Detect(text));
    }

    [Fact]
    public void A_few_foreign_letters_do_not_outvote_the_main_script()
    {
        Assert.Equal("Hang", Scripts.Detect("大韓民國 대한민국의 수도 서울특별시"));
        Assert.Equal("Thai", Scripts.Detect("ร้านกาแฟ Starbucks สาขาสยามพารากอน"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024 — 12:30 !!! 😀")]
    public void Text_without_letters_has_no_script(string text)
    {
        Assert.Equal(Scripts.Unknown, Scripts.Detect(text));
    }

    [Fact]
    public void Serbian_allows_both_of_its_scripts_and_russian_only_cyrillic()
    {
        Assert.True(TargetLanguages.AllowsScript("sr", "Cyrl"));
        Assert.True(TargetLanguages.AllowsScript("sr", "Latn"));
        Assert.True(TargetLanguages.AllowsScript("ru", "Cyrl"));
        Assert.False(TargetLanguages.AllowsScript("ru", "Latn"));
        Assert.False(TargetLanguages.AllowsScript("de", "Latn"));
        Assert.Equal(8, TargetLanguages.Codes.Count);
    }
}
