namespace MellaPipeline.Metrics;

/// <summary>How captions are scored: tokenizer, case, BLEU smoothing, METEOR matching, Serbian script.</summary>
/// <param name="Tokenize">
/// A tokenizer name (sacreBLEU's <c>13a</c>, <c>intl</c>, <c>char</c>, <c>none</c> = Python's
/// <c>str.split()</c>, and <c>th</c>, <c>ko</c>) for every word metric; null = the language's defaults
/// (BLEU: <see cref="BleuTokenizer.DefaultFor"/>; ROUGE-L, METEOR, keywords: <see cref="WordTokenizer"/>).
/// </param>
/// <param name="Lowercase">BLEU lower-cases (Python's <c>str.lower</c>); with a named tokenizer every word metric does, and without it compares case.</param>
/// <param name="StemMatching">METEOR's (and ROUGE's) stem stage where the language has a stemmer (English: NLTK's Porter).</param>
/// <param name="FoldSerbianScript">
/// Serbian (<c>sr</c>): when hypothesis and references are written in different scripts, all are
/// written in Latin before scoring; false = scored as written.
/// </param>
public sealed record ScoreOptions(string? Tokenize = null, bool Lowercase = false, BleuSmoothing Smoothing = BleuSmoothing.Exp, double? SmoothValue = null,
    bool StemMatching = true, bool FoldSerbianScript = true)
{
    public static readonly IReadOnlyList<string> SmoothingNames = ["exp", "floor", "add-k", "none"];
    public static readonly IReadOnlyList<string> MatchingNames = ["exact", "stem"];
    public static readonly IReadOnlyList<string> SerbianScriptNames = ["fold", "keep"];

    public const string TokenizeHelp = "Tokenizer of every word metric (BLEU, ROUGE-L, METEOR, keyword): 13a, intl, char, none (Python's str.split()), th (ICU words) or ko; "
        + "default: the language's (BLEU: th for th, ko for ko, intl for ar/ru/sr, else 13a; the others: Unicode words, lower case).";

    public const string LowercaseHelp = "Lower-case (as Python's str.lower) before BLEU; with --tokenize, before every word metric.";
    public const string SmoothingHelp = "BLEU smoothing: exp (default), floor, add-k, none.";
    public const string SmoothValueHelp = "The floor (default 0.1) or k (default 1), 0 to 100.";

    public const string MatchingHelp = "METEOR and ROUGE matching: stem (exact, then stems where the language has a stemmer; default) or exact (NLTK's algorithm, no stemmer, no synonyms).";

    public const string SerbianScriptHelp = "Serbian: fold (default) writes hypothesis and references in Latin when their scripts differ; keep scores them as written.";

    /// <summary>The options from their command-line words, each already checked against the names above.</summary>
    public static ScoreOptions From(string? tokenize, bool lowercase, string smoothing, double? smoothValue, string matching, string serbianScript) =>
        new(tokenize, lowercase, Bleu.ParseSmoothing(smoothing) ?? throw new ArgumentException($"unknown smoothing '{smoothing}'"), smoothValue,
            matching == "stem", serbianScript == "fold");

    /// <summary>What the options add to a signature beyond the metric's own parts: the case of word metrics, and Serbian's script rule.</summary>
    internal string SignatureSuffix(string lang, bool bleu) =>
        (Tokenize is not null && !bleu ? $"|case:{(Lowercase ? "lc" : "mixed")}" : "") + (lang == "sr" ? $"|sr-script:{(FoldSerbianScript ? "fold" : "keep")}" : "");
}
