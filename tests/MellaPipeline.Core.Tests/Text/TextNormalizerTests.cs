using System.Text;
using MellaPipeline.Text;

namespace MellaPipeline.Core.Tests.Text;

public class TextNormalizerTests
{
    [Fact]
    public void Decomposed_vietnamese_becomes_nfc()
    {
        string decomposed = "Phở bò Hà Nội".Normalize(NormalizationForm.FormD);
        Assert.NotEqual("Phở bò Hà Nội", decomposed);

        Assert.Equal("Phở bò Hà Nội", TextNormalizer.Normalize(decomposed));
    }

    [Fact]
    public void Arabic_tatweel_is_removed()
    {
        Assert.Equal("قهوة عربية", TextNormalizer.Normalize("قهــــوة عربيـة"));
    }

    [Fact]
    public void Arabic_presentation_forms_fold_to_base_letters()
    {
        // U+FEFB is the isolated lam-alef ligature; U+FE8D/U+FEDF/U+FEE0 are contextual forms.
        Assert.Equal("لا", TextNormalizer.Normalize("\uFEFB"));
        Assert.Equal("الل", TextNormalizer.Normalize("\uFE8D\uFEDF\uFEE0"));
    }

    [Fact]
    public void Presentation_form_folding_does_not_touch_other_scripts()
    {
        // NFKC would turn the superscript two and the fullwidth A into plain characters; only
        // Arabic presentation forms are folded.
        Assert.Equal("x² Ａ لا", TextNormalizer.Normalize("x² Ａ \uFEFB"));
    }

    [Theory]
    [InlineData("  Karlův \t most\r\n v mlze  ", "Karlův most v mlze")]
    [InlineData("a\u200Bb", "a b")]
    [InlineData("a\u0000b\u0007c", "abc")]
    [InlineData("\uFEFFПельмени", "Пельмени")]
    [InlineData("   \t\n ", "")]
    public void White_space_and_control_characters_are_cleaned(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Fact]
    public void Zero_width_non_joiner_is_kept()
    {
        Assert.Equal("می\u200Cخواهم", TextNormalizer.Normalize("می\u200Cخواهم"));
    }

    [Fact]
    public void Thai_length_counts_user_perceived_characters_not_code_units()
    {
        // "ที่" is one grapheme made of three code points (base, vowel mark, tone mark).
        Assert.Equal(3, "ที่".Length);
        Assert.Equal(1, TextNormalizer.GraphemeCount("ที่"));
        Assert.Equal(4, TextNormalizer.GraphemeCount("กุ้ง"[..2] + "ที่" + "ab"));
    }
}
