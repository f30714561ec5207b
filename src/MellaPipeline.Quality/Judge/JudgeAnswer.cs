using System.Globalization;
using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Stages;

namespace MellaPipeline.Quality.Judge;

/// <summary>
/// Reads a judge's answer: a JSON object with a numeric <c>score</c> (<c>{"score": 0.7}</c>; other
/// members are ignored) or a bare JSON number, from 0 to 1. Anything else — prose, a quoted number,
/// markdown around the JSON, a score outside [0, 1] — is <c>judge_answer_invalid</c>, with the
/// answer's start quoted, since guessing a number out of free text would score rows on a misread.
/// </summary>
public static class JudgeAnswer
{
    /// <summary>How much of a bad answer its reject quotes.</summary>
    public const int QuotedChars = 80;

    public static RowScore Parse(string answer)
    {
        double? value = ReadScore(answer.Trim());
        if (value is not { } score)
        {
            return Invalid($"not {{\"score\": S}} or a number: {Quote(answer)}");
        }

        // JSON has no NaN or infinity; a finite number outside [0, 1] is the model misreading the scale.
        return score is >= 0.0 and <= 1.0
            ? new RowScore((float)score)
            : Invalid(string.Create(CultureInfo.InvariantCulture, $"score {score} is outside [0, 1]: {Quote(answer)}"));
    }

    private static double? ReadScore(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var number = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("score", out var score) ? score : root;
            return number.ValueKind == JsonValueKind.Number && number.TryGetDouble(out double value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static RowScore Invalid(string detail) => new(null, ReasonCodes.JudgeAnswerInvalid, detail);

    /// <summary>The answer's first <see cref="QuotedChars"/> characters as a JSON string: line breaks and quotes escaped, any script readable.</summary>
    private static string Quote(string answer)
    {
        int length = Math.Min(answer.Length, QuotedChars);
        if (length < answer.Length && char.IsHighSurrogate(answer[length - 1]))
        {
            length--; // never half a character
        }

        return JsonSerializer.Serialize(answer[..length], MellaJson.Compact) + (length < answer.Length ? "…" : string.Empty);
    }
}
