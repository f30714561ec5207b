using MellaPipeline.Config;
using MellaPipeline.Languages;
using MellaPipeline.Stages;

namespace MellaPipeline.Text;

/// <summary>Drops text that normalisation left empty.</summary>
public sealed class NotEmptyRule(string code, string? detail = null) : ITextRule
{
    public TextVerdict Check(string text, TextContext context) => text.Length == 0 ? TextVerdict.Drop(code, detail) : TextVerdict.Keep;
}

/// <summary>Keeps text of <paramref name="minChars"/>..<paramref name="maxChars"/> grapheme clusters (never whitespace words, which mean nothing in Thai).</summary>
/// <param name="tooLongCode">Null for an input without an upper limit.</param>
public sealed class LengthRule(int minChars, int maxChars, string tooShortCode, string? tooLongCode) : ITextRule
{
    public TextVerdict Check(string text, TextContext context)
    {
        int length = context.Graphemes;
        return length < minChars ? TextVerdict.Drop(tooShortCode, $"{length} < {minChars} characters")
            : length > maxChars && tooLongCode is not null ? TextVerdict.Drop(tooLongCode, $"{length} > {maxChars} characters")
            : TextVerdict.Keep;
    }
}

/// <summary>Keeps text whose declared language is one of the pipeline's.</summary>
/// <param name="missingCode">The code for a record that declares no language; null where every record declares one.</param>
/// <param name="describe">The detail of a language not listed, in the input's own words; default <c>'xx'</c>.</param>
public sealed class LanguageListedRule(
    IReadOnlyCollection<string> languages, string notListedCode, string? missingCode = null, Func<string, string>? describe = null) : ITextRule
{
    private readonly HashSet<string> _languages = new(languages, StringComparer.Ordinal);

    public TextVerdict Check(string text, TextContext context) =>
        string.IsNullOrEmpty(context.Lang) ? (missingCode is null ? TextVerdict.Drop(notListedCode, "no language") : TextVerdict.Drop(missingCode, "the input gives no 'lang'"))
        : !_languages.Contains(context.Lang) ? TextVerdict.Drop(notListedCode, describe?.Invoke(context.Lang) ?? $"'{context.Lang}'")
        : TextVerdict.Keep;
}

/// <summary>Drops text in a script its declared language is never written in (Latin text labelled <c>ru</c>).</summary>
/// <param name="describe">The detail from the script and the language, in the input's own words; default names the scripts expected.</param>
public sealed class ScriptMatchRule(string code, Func<string, string, string>? describe = null) : ITextRule
{
    public TextVerdict Check(string text, TextContext context) =>
        context.Lang is { } lang && !TargetLanguages.AllowsScript(lang, context.Script)
            ? TextVerdict.Drop(code, describe?.Invoke(context.Script, lang)
                ?? $"{context.Script} text labelled '{lang}' (expected {string.Join(" or ", TargetLanguages.ScriptsOf(lang))})")
            : TextVerdict.Keep;
}

/// <summary>The rule lists of the inputs that carry their own text: <c>pairs</c> (<c>normalize_text</c>) and caption layers.</summary>
public static class TextRules
{
    /// <summary><c>stages.normalize_text</c>: <c>text_*</c>, <c>lang_*</c> and <c>script_mismatch</c>.</summary>
    public static TextRuleList ForPairs(NormalizeTextOptions options, IReadOnlyCollection<string> languages)
    {
        List<ITextRule> rules =
        [
            new NotEmptyRule(ReasonCodes.TextEmpty),
            new LengthRule(options.MinChars, options.MaxChars, ReasonCodes.TextTooShort, ReasonCodes.TextTooLong),
            new LanguageListedRule(languages, ReasonCodes.LangNotTargeted, ReasonCodes.LangMissing),
        ];
        if (options.RequireScriptMatch)
        {
            rules.Add(new ScriptMatchRule(ReasonCodes.ScriptMismatch));
        }

        return new TextRuleList(rules);
    }

    /// <summary>A caption layer (<c>captions[].min_chars</c>): <c>caption_*</c>; no upper limit.</summary>
    public static TextRuleList ForCaptions(int minChars, IReadOnlyCollection<string> languages) =>
        new(
            new NotEmptyRule(ReasonCodes.CaptionEmpty, "nothing left after normalisation"),
            new LengthRule(minChars, int.MaxValue, ReasonCodes.CaptionTooShort, null),
            new LanguageListedRule(languages, ReasonCodes.CaptionLangNotTargeted, describe: lang => $"'{lang}' is not one of the pipeline's languages"),
            new ScriptMatchRule(ReasonCodes.CaptionLangMismatch, (script, lang) => $"{script} text labelled {lang}"));
}
