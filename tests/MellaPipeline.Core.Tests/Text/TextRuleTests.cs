using MellaPipeline.Config;
using MellaPipeline.Languages;
using MellaPipeline.Records;
using MellaPipeline.Stages;
using MellaPipeline.Text;

namespace MellaPipeline.Core.Tests.Text;

/// <summary>One rule model for every input: the same rules, each input's own thresholds and codes.</summary>
public class TextRuleTests
{
    [Theory]
    [InlineData("Most", "text_too_short", "caption_too_short")]
    [InlineData("Karlův most", null, null)]
    [InlineData("", "text_empty", "caption_empty")]
    [InlineData("Karlův most v mlze nad Vltavou", "text_too_long", null)]
    public void Pairs_and_captions_share_the_rules_and_report_their_own_codes(string text, string? pairReason, string? captionReason)
    {
        var pairs = TextRules.ForPairs(new NormalizeTextOptions { MinChars = 5, MaxChars = 20 }, ["cs"]);
        var captions = TextRules.ForCaptions(5, ["cs"]);

        Assert.Equal(pairReason, pairs.Check(text, new TextContext(text, "cs")).Reason);
        Assert.Equal(captionReason, captions.Check(text, new TextContext(text, "cs")).Reason);
    }

    [Fact]
    public void Lengths_are_grapheme_clusters_and_the_detail_says_both_numbers()
    {
        var rule = new LengthRule(6, 10, "too_short", "too_long");
        const string thai = "วัดอรุณ"; // 5 grapheme clusters, 7 code units

        Assert.Equal(new TextVerdict("too_short", "5 < 6 characters"), rule.Check(thai, new TextContext(thai)));
    }

    [Fact]
    public void Language_rules_read_the_declared_language()
    {
        var pairs = TextRules.ForPairs(new NormalizeTextOptions(), ["ru", "cs"]);

        Assert.Equal("lang_missing", pairs.Check("Пельмени", new TextContext("Пельмени", null)).Reason);
        Assert.Equal("lang_not_targeted", pairs.Check("Pelmeni", new TextContext("Pelmeni", "de")).Reason);
        Assert.Equal("script_mismatch", pairs.Check("Pelmeni", new TextContext("Pelmeni", "ru")).Reason);
        Assert.Equal("caption_lang_mismatch", TextRules.ForCaptions(3, ["ru"]).Check("Pelmeni", new TextContext("Pelmeni", "ru")).Reason);
        Assert.True(pairs.Check("Пельмени", new TextContext("Пельмени", "ru")).IsKept);
    }

    [Fact]
    public void Script_match_is_a_rule_that_configuration_leaves_out()
    {
        var lenient = TextRules.ForPairs(new NormalizeTextOptions { RequireScriptMatch = false }, ["ru"]);

        Assert.True(lenient.Check("Pelmeni", new TextContext("Pelmeni", "ru")).IsKept);
        Assert.DoesNotContain(lenient.Rules, r => r is ScriptMatchRule);
    }

    [Fact]
    public async Task Normalize_text_does_not_normalise_text_its_input_already_normalised()
    {
        var stage = new NormalizeTextStage(new NormalizeTextOptions(), TargetLanguages.Codes);
        string text = "Пельмени со сметаной";
        var candidate = new PairCandidate(PairKey.For("native", "u", null, text), "t@0", "native", text, "ru", null, "u", null, null, null, null);

        var raw = await stage.ProcessAsync(candidate, default);
        var marked = await stage.ProcessAsync(candidate with { TextNormalized = true }, default);

        // Normalising builds a new string; text taken as it is stays the very same instance.
        Assert.NotSame(text, raw.Value!.Text);
        Assert.True(raw.Value.TextNormalized);
        Assert.Same(text, marked.Value!.Text);
        Assert.Equal("Cyrl", marked.Value.Script);
    }
}
