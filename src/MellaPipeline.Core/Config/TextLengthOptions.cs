using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

/// <summary>
/// The length limits of a text input (<c>input.alt_text</c>, <c>stages.normalize_text</c>):
/// <c>min_chars</c> to <c>max_chars</c> grapheme clusters, never whitespace words (which mean
/// nothing in Thai). Each input's options derive from it with their own defaults.
/// </summary>
public abstract class TextLengthOptions(int minChars, int maxChars) : IValidatableObject
{
    /// <summary>Shortest text kept, in user-perceived characters (grapheme clusters).</summary>
    [Range(1, 100_000)]
    public int MinChars { get; set; } = minChars;

    /// <summary>Longest text kept, in user-perceived characters.</summary>
    [Range(1, 100_000)]
    public int MaxChars { get; set; } = maxChars;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinChars > MaxChars)
        {
            yield return new ValidationResult($"must not exceed max_chars ({MaxChars})", ["min_chars"]);
        }
    }
}
