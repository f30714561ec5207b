using System.Text;
using MellaPipeline.Input;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Core.Tests.Input;

public class PairsJsonlSourceTests
{
    private static StageOutcome<PairCandidate> Parse(string json, long offset = 100) =>
        PairsJsonlSource.Parse(new InputLine("/data/in/pairs.jsonl", offset, Encoding.UTF8.GetBytes(json), TooLong: false));

    [Fact]
    public void A_complete_line_becomes_a_candidate_with_a_stable_key()
    {
        const string line = """{"text": "Пельмени со сметаной", "lang": "RU", "image_path": "img/1.png", "url": "https://e.org/1.jpg", "page_url": "https://e.org/", "source": "mllm", "caption_model": "m", "caption_source_lang": "en"}""";

        var outcome = Parse(line);

        Assert.True(outcome.IsOk);
        var pair = outcome.Value!;
        Assert.Equal("Пельмени со сметаной", pair.Text);
        Assert.Equal("ru", pair.Lang);
        Assert.Equal("mllm", pair.Source);
        Assert.Equal("/data/in/img/1.png", pair.ImagePath);
        Assert.Equal("pairs.jsonl@100", pair.Origin);
        Assert.Equal("m", pair.CaptionModel);
        Assert.Equal(PairKey.For("mllm", "https://e.org/1.jpg", "https://e.org/", "Пельмени со сметаной"), pair.Key);
        Assert.Equal(pair.Key, Parse(line, offset: 999).Value!.Key);
        Assert.Equal(PairKey.HexLength, pair.Key.Length);
    }

    [Fact]
    public void Keys_differ_when_any_identifying_field_differs()
    {
        var keys = new[]
        {
            PairKey.For("native", "u", "p", "t"),
            PairKey.For("mllm", "u", "p", "t"),
            PairKey.For("native", "u2", "p", "t"),
            PairKey.For("native", "u", "p2", "t"),
            PairKey.For("native", "u", "p", "t2"),
            PairKey.For("native", "up", "", "t"), // length prefixes keep field boundaries apart
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Theory]
    [InlineData("{\"text\": \"x\", ", "input_malformed")]
    [InlineData("[1, 2]", "input_malformed")]
    [InlineData("not json", "input_malformed")]
    [InlineData("{\"image_path\": \"a.png\"}", "input_field_missing")]
    [InlineData("{\"text\": \"Hrad\"}", "input_field_missing")]
    [InlineData("{\"text\": 42, \"image_path\": \"a.png\"}", "input_field_invalid")]
    [InlineData("{\"text\": \"Hrad\", \"image_path\": \"a.png\", \"source\": \"web\"}", "input_field_invalid")]
    public void Bad_lines_fail_with_a_reason_and_name_their_origin(string line, string reason)
    {
        var outcome = Parse(line, offset: 42);

        Assert.Equal(OutcomeKind.Failed, outcome.Kind);
        Assert.Equal(reason, outcome.Reason);
        Assert.Equal("pairs.jsonl@42", outcome.Subject!.Origin);
        Assert.Equal(PairKey.HexLength, outcome.Subject.Key.Length);
    }

    [Fact]
    public void Invalid_utf8_is_a_malformed_line_not_a_crash()
    {
        byte[] bytes = [.. "{\"text\": \""u8, 0xC3, 0x28, .. "\", \"image_path\": \"a.png\"}"u8];

        var outcome = PairsJsonlSource.Parse(new InputLine("/x/p.jsonl", 0, bytes, TooLong: false));

        Assert.Equal("input_malformed", outcome.Reason);
    }
}
