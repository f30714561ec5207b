using MellaPipeline.Config;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Sources;
using MellaPipeline.LanguageId;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MellaPipeline.Crawl.Tests.Extraction;

/// <summary>Configured alt-text rules apply alike in <c>mella extract</c> and in a pipeline's <c>warc</c> input; kept alt text is normalised once.</summary>
public class AltTextRulesTests
{
    private static readonly LanguageIdentifier Identifier = LanguageIdentifier.Create();

    private const string Page = """
        <html lang="ru"><body>
        <img src="/a.jpg" alt="Храм Василия Блаженного на Красной площади">
        <img src="/b.jpg" alt="Пельмени  со   сметаной">
        </body></html>
        """;

    private static string Warc(TempDir dir)
    {
        File.WriteAllBytes(dir.File("pages.warc.gz"), WarcFile.Gzip(WarcFile.Record("response", "https://news.example.ru/a", WarcFile.Http(Page))));
        return dir.File("pages.warc.gz");
    }

    private static AltTextOptions Short => new() { MinChars = 5, MaxChars = 30 };

    [Fact]
    public void Extraction_applies_the_configured_alt_rules()
    {
        using var dir = new TempDir();
        var file = new ExtractInput(Warc(dir), "pages.warc.gz");

        var defaults = new AltTextExtraction(AltTextSettings.Defaults, Identifier, NullLogger.Instance).RecordsOf(file, 1, null).Select(r => r.Status).ToArray();
        var configured = new AltTextExtraction(new AltTextSettings(Short, null), Identifier, NullLogger.Instance).RecordsOf(file, 1, null).Select(r => r.Status).ToArray();

        Assert.Equal(["kept", "kept"], defaults);
        Assert.Equal(["alt_too_long", "kept"], configured);
    }

    [Fact]
    public void A_pipelines_alt_rules_are_those_of_its_first_crawl_or_warc_input()
    {
        var settings = AltTextSettings.From([new InputOptions { Kind = InputKind.Pairs }, new InputOptions { Kind = InputKind.Warc, AltText = Short }], ["ru"]);

        Assert.Equal(30, settings.AltText.MaxChars);
        Assert.Equal(["ru"], settings.Languages!);
    }

    [Fact]
    public async Task The_warc_input_decides_as_extract_does_and_hands_on_normalised_text()
    {
        using var dir = new TempDir();
        var input = new InputOptions { Kind = InputKind.Warc, Paths = [Warc(dir)], AltText = Short };
        var outcomes = new List<MellaPipeline.Stages.StageOutcome<MellaPipeline.Records.PairCandidate>>();
        await foreach (var outcome in new NativeAltSource(input, new HashSet<string> { "ru" }, Identifier, null).ReadAsync(new TaskSlice(0, 1), default))
        {
            outcomes.Add(outcome);
        }

        Assert.Equal(new string?[] { "alt_too_long", null }, outcomes.Select(o => o.Reason).ToArray());
        var kept = outcomes[1].Value!;
        Assert.Equal("Пельмени со сметаной", kept.Text);
        Assert.True(kept.TextNormalized, "the alt text was normalised by its rules: normalize_text must not do it again");
    }
}
