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

    [Theory]
    [InlineData("{\"text\": \"Pra\\ud800ha\", \"image_path\": \"a.png\"}", "'text' is not valid Unicode text (a lone surrogate)")]
    [InlineData("{\"text\": \"Praha\", \"image_path\": \"a\\udfff.png\"}", "'image_path' is not valid Unicode text (a lone surrogate)")]
    [InlineData("{\"text\": \"Praha\", \"image_path\": \"g.png\\u0000.txt\"}", "'image_path' contains a NUL or another character no path may hold")]
    [InlineData("{\"text\": \"Praha\", \"image_path\": \"\"}", "'image_path' is empty")]
    [InlineData("{\"text\": 1e999999, \"image_path\": \"a.png\"}", "'text' must be a string")]
    public void A_field_value_that_no_string_or_path_can_hold_is_a_reject_not_an_exception(string line, string detail)
    {
        var outcome = Parse(line, offset: 7);

        Assert.Equal(OutcomeKind.Failed, outcome.Kind);
        Assert.Equal("input_field_invalid", outcome.Reason);
        Assert.Equal(detail, outcome.Detail);
        Assert.Equal("pairs.jsonl@7", outcome.Subject!.Origin);
    }

    [Theory]
    [InlineData("root:x:0:0:root:/root:/bin/bash", "not valid JSON at byte 0")]
    [InlineData("{\"text\": \"s3cr3t\" \"image_path\": 1}", "not valid JSON at byte 18")]
    public void A_json_error_says_where_and_never_quotes_the_line(string line, string detail)
    {
        var outcome = Parse(line);

        Assert.Equal("input_malformed", outcome.Reason);
        Assert.Equal(detail, outcome.Detail);
    }

    [Fact]
    public void Nesting_deeper_than_json_allows_is_a_malformed_line()
    {
        string deep = new string('[', 100_000) + "1" + new string(']', 100_000);

        var outcome = Parse($"{{\"text\": {deep}, \"image_path\": \"a.png\"}}");

        Assert.Equal("input_malformed", outcome.Reason);
        Assert.StartsWith("not valid JSON at byte ", outcome.Detail, StringComparison.Ordinal);
    }
}
