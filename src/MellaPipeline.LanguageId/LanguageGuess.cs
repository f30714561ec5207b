namespace MellaPipeline.LanguageId;

/// <summary>
/// The language of a text: <see cref="Lang"/> is ISO 639-1 (or <c>und</c>), <see cref="Script"/>
/// ISO 15924, <see cref="Confidence"/> in [0, 1]. <see cref="DecidedBy"/> says what settled it:
/// <c>script</c> (the script belongs to one language), <c>model</c> (n-gram models),
/// <c>serbian_markers</c> (Serbian Latin re-check), <c>czech_slovak_markers</c> (Czech/Slovak
/// letters and words), <c>hint:html_lang</c>, <c>hint:tld</c> or <c>hint:body</c> (a page hint
/// broke a tie the text left open), <c>empty</c> (no letters).
/// </summary>
public sealed record LanguageGuess(string Lang, string Script, double Confidence, string DecidedBy)
{
    public const string Undetermined = "und";

    public static LanguageGuess Empty { get; } = new(Undetermined, Languages.Scripts.Unknown, 0, "empty");
}

/// <summary>
/// What the page says about its language: <c>&lt;html lang&gt;</c> or Content-Language, the
/// host's top-level domain and the language of the page's own body text. The declared and domain
/// priors are worked out when the hints are made, the body's language at most once, when needed.
/// </summary>
public sealed class LanguageHints
{
    private readonly Lazy<string?>? _bodyLang;

    /// <param name="htmlLang"><c>&lt;html lang&gt;</c>, Content-Language or a list's language column, as written.</param>
    /// <param name="host">The page's host, for its country domain.</param>
    /// <param name="bodyLang">The language identified in the page's visible text, or null (no page, or no text).</param>
    public LanguageHints(string? htmlLang, string? host, string? bodyLang = null)
        : this(htmlLang, host, bodyLang is null ? null : new Lazy<string?>(bodyLang))
    {
    }

    /// <summary>Hints whose body language is identified only when a decision first asks for it, then kept.</summary>
    public LanguageHints(string? htmlLang, string? host, Func<string?> bodyLang)
        : this(htmlLang, host, new Lazy<string?>(bodyLang))
    {
    }

    private LanguageHints(string? htmlLang, string? host, Lazy<string?>? bodyLang)
    {
        Declared = htmlLang;
        DeclaredLang = htmlLang is { Length: >= 2 } h ? h.Split('-', '_')[0].Trim().ToLowerInvariant() : null;
        TldLang = LanguageOfDomain(host);
        _bodyLang = bodyLang;
    }

    public static LanguageHints None { get; } = new(null, null);

    /// <summary>The declared language as written (<c>sr-Latn-RS</c>), or null.</summary>
    public string? Declared { get; }

    /// <summary>The ISO 639-1 part of the declared language (<c>sr-Latn-RS</c> → <c>sr</c>).</summary>
    public string? DeclaredLang { get; }

    /// <summary>The language a country-code top-level domain suggests for the eight targets and their confusables.</summary>
    public string? TldLang { get; }

    /// <summary>The language of the page's body text (<c>und</c> counts as none).</summary>
    public string? BodyLang => _bodyLang?.Value is { } lang && lang != LanguageGuess.Undetermined ? lang : null;

    /// <summary>
    /// What makes the page suggest <paramref name="lang"/> (<c>hint:html_lang</c>, <c>hint:tld</c>,
    /// <c>hint:body</c>), or null when nothing does. The body's language speaks only for a page
    /// that neither declares a language nor has a domain that suggests one: identified from text,
    /// it can be wrong (a Slovak page read as Czech), and must never contradict what the page says
    /// about itself.
    /// </summary>
    public string? Suggests(string lang) =>
        DeclaredLang == lang ? "hint:html_lang"
        : TldLang == lang ? "hint:tld"
        : DeclaredLang is null && TldLang is null && BodyLang == lang ? "hint:body"
        : null;

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
