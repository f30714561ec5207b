using MellaPipeline.Quality.Judge;

namespace MellaPipeline.Quality.Tests.Judge;

/// <summary>What a judge may answer: <c>{"score": S}</c> or a bare number from 0 to 1; everything else is <c>judge_answer_invalid</c>, quoted.</summary>
public class JudgeAnswerTests
{
    [Theory]
    [InlineData("{\"score\": 0.83}", 0.83f)]
    [InlineData("  {\"score\": 1, \"reason\": \"the bridge and the river are there\"}\n", 1f)]
    [InlineData("0", 0f)]
    [InlineData("0.25", 0.25f)]
    [InlineData("{\"score\": 2.5e-1}", 0.25f)]
    public void A_score_object_or_a_bare_number_from_0_to_1_is_the_score(string answer, float expected)
    {
        Assert.Equal(new MellaPipeline.Stages.RowScore(expected), JudgeAnswer.Parse(answer));
    }

    [Theory]
    [InlineData("The caption describes the image well.", "not {\"score\": S} or a number: \"The caption describes the image well.\"")]
    [InlineData("{\"score\": 1.7}", "score 1.7 is outside [0, 1]: \"{\\\"score\\\": 1.7}\"")]
    [InlineData("-0.1", "score -0.1 is outside [0, 1]: \"-0.1\"")]
    [InlineData("{\"score\": \"0.8\"}", "not {\"score\": S} or a number: \"{\\\"score\\\": \\\"0.8\\\"}\"")]
    [InlineData("{\"score\": 0.", "not {\"score\": S} or a number: \"{\\\"score\\\": 0.\"")]
    [InlineData("NaN", "not {\"score\": S} or a number: \"NaN\"")]
    [InlineData("```json\n{\"score\": 0.9}\n```", "not {\"score\": S} or a number: \"```json\\n{\\\"score\\\": 0.9}\\n```\"")]
    [InlineData("{\"rating\": 0.9}", "not {\"score\": S} or a number: \"{\\\"rating\\\": 0.9}\"")]
    public void Anything_else_is_judge_answer_invalid_with_the_answer_quoted(string answer, string detail)
    {
        Assert.Equal(new MellaPipeline.Stages.RowScore(null, "judge_answer_invalid", detail), JudgeAnswer.Parse(answer));
    }

    [Fact]
    public void A_long_answer_is_quoted_to_80_characters_in_its_own_script()
    {
        string answer = "Ảnh cho thấy " + new string('x', 100);

        var result = JudgeAnswer.Parse(answer);

        Assert.Equal($"not {{\"score\": S}} or a number: \"{answer[..80]}\"…", result.Detail);
    }
}
