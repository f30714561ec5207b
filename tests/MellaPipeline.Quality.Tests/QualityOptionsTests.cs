using MellaPipeline.Config;

namespace MellaPipeline.Quality.Tests;

/// <summary><c>stages.align</c> and <c>stages.safety</c> as the pipeline loader binds them: per-language thresholds and the one-scorer rule.</summary>
public class QualityOptionsTests
{
    private static AlignOptions Align(string yaml) => SettingsFile.Parse<AlignOptions>(yaml, "align.yaml", "align settings");

    [Fact]
    public void A_language_threshold_overrides_the_default_and_the_others_take_it()
    {
        var options = Align("model: pack\nmin_score: {default: 0.2, th: 0.17}\n");

        Assert.Equal(0.17, options.MinScore!.For("th"));
        Assert.Equal(0.2, options.MinScore.For("cs"));
        Assert.True(options.IsOn());
    }

    [Fact]
    public void Without_a_default_an_unnamed_language_has_no_threshold()
    {
        var options = Align("model: pack\nmin_score: {ko: 0.3}\n");

        Assert.Equal(0.3, options.MinScore!.For("ko"));
        Assert.Null(options.MinScore.For("ar"));
    }

    [Theory]
    [InlineData("model: pack\njudge: {endpoint: http://127.0.0.1:1/v1, model: m}\n", "align.model")]
    [InlineData("min_score: {default: 0.2}\n", "align.min_score")]
    [InlineData("model: pack\nmin_score: {en: 0.2}\n", "min_score.en")]
    [InlineData("model: pack\nmin_score: {th: 1.5}\n", "min_score.th")]
    public void A_wrong_setting_is_refused_naming_its_key(string yaml, string key)
    {
        var error = Assert.Throws<ConfigException>(() => SettingsFile.Parse<StagesHolder>("align:\n" + string.Join('\n', yaml.TrimEnd('\n').Split('\n').Select(l => "  " + l)) + "\n", "align.yaml", "stages"));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Safety_is_off_until_a_model_or_a_blocklist_is_named()
    {
        Assert.False(new SafetyOptions().IsOn());
        Assert.True(SettingsFile.Parse<SafetyOptions>("blocklist: [hashes.txt]\n", "safety.yaml", "safety").IsOn());
        Assert.Equal(4, new SafetyOptions().BlocklistThreshold);
    }

    public sealed class StagesHolder
    {
        public AlignOptions Align { get; set; } = new();
    }
}
