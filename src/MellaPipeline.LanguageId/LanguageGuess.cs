namespace MellaPipeline.LanguageId;

/// <summary>
/// The language of a text: <see cref="Lang"/> is ISO 639-1 (or <c>und</c>), <see cref="Script"/>
/// ISO 15924, <see cref="Confidence"/> in [0, 1]. <see cref="DecidedBy"/> says what settled it:
/// <c>script</c> (the script belongs to one language), <c>model</c> (n-gram models),
/// <c>serbian_markers</c> (Serbian Latin re-check), <c>hint:html_lang</c> or <c>hint:tld</c>
/// (a page hint broke a tie the text left open), <c>empty</c> (no letters).
/// </summary>
public sealed record LanguageGuess(string Lang, string Script, double Confidence, string DecidedBy)
{
    public const string Undetermined = "und";

    public static LanguageGuess Empty { get; } = new(Undetermined, Languages.Scripts.Unknown, 0, "empty");
}

/// <summary>
/// What the page says about its language: <c>&lt;html lang&gt;</c> or Content-Language, and the
/// host's top-level domain. Both priors are worked out once, when the hints are made.
/// </summary>
public sealed class LanguageHints(string? htmlLang, string? host)
{
    public static LanguageHints None { get; } = new(null, null);

    /// <summary>The declared language as written (<c>sr-Latn-RS</c>), or null.</summary>
    public string? Declared { get; } = htmlLang;

    /// <summary>The ISO 639-1 part of the declared language (<c>sr-Latn-RS</c> → <c>sr</c>).</summary>
    public string? DeclaredLang { get; } = htmlLang is { Length: >= 2 } h ? h.Split('-', '_')[0].Trim().ToLowerInvariant() : null;

    /// <summary>The language a country-code top-level domain suggests for the eight targets and their confusables.</summary>
    public string? TldLang { get; } = LanguageOfDomain(host);

    private static string? LanguageOfDomain(string? host)
    {
        if (host is null)
        {
            return null;
        }

        string trimmed = host.TrimEnd('.');
        string tld = trimmed[(trimmed.LastIndexOf('.') + 1)..].ToLowerInvariant();
        return tld switch
        {
            "rs" or "срб" => "sr",
            "hr" => "hr",
            "ba" => "bs",
            "me" => null, // Montenegrin sites write Serbian and Montenegrin; no prior
            "cz" => "cs",
            "sk" => "sk",
            "hu" => "hu",
            "ru" or "рф" => "ru",
            "ua" or "укр" => "uk",
            "by" => "be",
            "bg" => "bg",
            "mk" => "mk",
            "si" => "sl",
            "pl" => "pl",
            "vn" => "vi",
            "kr" => "ko",
            "th" => "th",
            "ir" => "fa",
            "pk" => "ur",
            "sa" or "eg" or "ae" or "ma" or "dz" or "tn" or "iq" or "jo" or "lb" or "qa" or "kw" or "om" or "sy" or "ly" => "ar",
            _ => null,
        };
    }
}
