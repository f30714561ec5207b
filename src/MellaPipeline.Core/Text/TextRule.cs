using MellaPipeline.Languages;

namespace MellaPipeline.Text;

/// <summary>What a <see cref="ITextRule"/> decided: keep the text, or drop it with a reason code (and a detail for the reject).</summary>
public readonly record struct TextVerdict(string? Reason, string? Detail)
{
    public static TextVerdict Keep => default;

    public bool IsKept => Reason is null;

    public static TextVerdict Drop(string reason, string? detail = null) => new(reason, detail);
}

/// <summary>
/// What a rule may know about the text besides itself: the language the record declares (null
/// before language ID) and, worked out once however many rules ask, its script and length in
/// grapheme clusters.
/// </summary>
public sealed class TextContext(string text, string? lang = null)
{
    private string? _script;
    private int _graphemes = -1;

    public string? Lang => lang;

    /// <summary>The text's ISO 15924 script (<see cref="Scripts.Detect(ReadOnlySpan{char})"/>).</summary>
    public string Script => _script ??= Scripts.Detect(text);

    /// <summary>Length in user-perceived characters, the unit every length limit uses.</summary>
    public int Graphemes => _graphemes >= 0 ? _graphemes : _graphemes = TextNormalizer.GraphemeCount(text);
}

/// <summary>
/// One text rule: a decision on normalised text. The same rule serves alt text, pairs and caption
/// layers; each input configures its own thresholds and reason codes (<c>alt_too_short</c>,
/// <c>text_too_short</c>, <c>caption_too_short</c>) once, in its <see cref="TextRuleList"/>.
/// </summary>
public interface ITextRule
{
    TextVerdict Check(string text, TextContext context);
}

/// <summary>Rules applied in order; the first drop wins, so cheap rules go first.</summary>
public sealed class TextRuleList(params IReadOnlyList<ITextRule> rules) : ITextRule
{
    public IReadOnlyList<ITextRule> Rules => rules;

    public TextVerdict Check(string text, TextContext context)
    {
        foreach (var rule in rules)
        {
            if (rule.Check(text, context) is { IsKept: false } drop)
            {
                return drop;
            }
        }

        return TextVerdict.Keep;
    }
}
