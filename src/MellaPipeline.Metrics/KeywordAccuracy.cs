using System.Text;

namespace MellaPipeline.Metrics;

/// <summary>One sample's keyword result: keywords, how many the prediction holds.</summary>
public readonly record struct KeywordResult(int Keywords, int Found)
{
    /// <summary>The share found, in [0, 1]; 0 without keywords.</summary>
    public double Share => Keywords == 0 ? 0 : (double)Found / Keywords;

    public bool AnyHit => Found > 0;
}

/// <summary>
/// Keyword Accuracy (definition in <c>docs/METRICS.md</c>): a reference's keywords — supplied, or
/// its content words after per-language stop words are removed — and how many the prediction
/// contains after both are normalised (NFKC, lower case, Serbian Cyrillic as Latin, Arabic
/// diacritics, tatweel and hamza forms of alef removed). "Contains" follows the language's
/// morphology: Thai anywhere in the unspaced text; Vietnamese whole syllables; Arabic whole words
/// after the article and one-letter proclitics; elsewhere a word that starts with the keyword
/// (Korean particles, Hungarian, Czech, Russian and Serbian case endings), and in Czech, Hungarian
/// and Russian also a word with the keyword's stem (case endings that change the word's end).
/// </summary>
public static class KeywordAccuracy
{
    public const string Signature = "keyword|norm:nfkc+lower+sr-latn+ar-plain|stop:mella-v1|match:lang-aware+stem:cs,hu,ru";

    /// <param name="words">The words of a text; null = <see cref="WordTokenizer"/>'s.</param>
    /// <param name="serbianLatin">Serbian Cyrillic written in Latin (false: left as written).</param>
    public static KeywordResult Score(string lang, IReadOnlyList<string> keywords, string prediction, Func<string, List<string>>? words = null, bool serbianLatin = true)
    {
        var normalized = Keywords(lang, keywords, serbianLatin);
        if (normalized.Count == 0)
        {
            return new KeywordResult(0, 0);
        }

        var text = new Prediction(lang, prediction, words, serbianLatin);
        return new KeywordResult(normalized.Count, normalized.Count(text.Holds));
    }

    /// <summary>Keywords as they are matched: normalised, a Korean particle set aside, empty ones left out, each once.</summary>
    public static List<string> Keywords(string lang, IEnumerable<string> keywords, bool serbianLatin = true) =>
        keywords.Select(k => WithoutParticle(lang, Normalize(lang, k, serbianLatin))).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// A prediction normalised once, asked about many keywords (already as <see cref="Keywords"/>
    /// gives them): whether it holds each, by the language's rule.
    /// </summary>
    public sealed class Prediction
    {
        private readonly string _lang;
        private readonly string _unspaced = "";
        private readonly List<string> _words = [];
        private readonly Func<string, List<string>> _split;
        private readonly IStemmer? _stemmer;
        private readonly HashSet<string> _stems = new(StringComparer.Ordinal);

        public Prediction(string lang, string prediction, Func<string, List<string>>? words = null, bool serbianLatin = true)
        {
            _lang = lang;
            _split = words ?? DefaultWords;
            string text = Normalize(lang, prediction, serbianLatin);
            if (lang == "th")
            {
                _unspaced = Unspaced(text);
                return;
            }

            _words = _split(text);
            _stemmer = CaseEndingStemmer(lang);
            if (_stemmer is not null)
            {
                foreach (string word in _words)
                {
                    _stems.Add(_stemmer.Stem(word));
                }
            }
        }

        public bool Holds(string keyword)
        {
            if (_lang == "th")
            {
                return _unspaced.Contains(Unspaced(keyword), StringComparison.Ordinal);
            }

            var parts = _split(keyword);
            return parts.Count > 0 && parts.All(part => _words.Exists(word => Matches(_lang, part, word)) || HoldsStem(part));
        }

        /// <summary>
        /// A word of the prediction has the part's stem, or (a stem of <see cref="MinStemPrefix"/>
        /// letters or more) starts with it: Snowball's Hungarian stems Budapesten to budapest but
        /// Budapest to budapes.
        /// </summary>
        private bool HoldsStem(string part)
        {
            if (_stemmer is null)
            {
                return false;
            }

            string stem = _stemmer.Stem(part);
            return _stems.Contains(stem) || (stem.Length >= MinStemPrefix && _words.Exists(word => word.StartsWith(stem, StringComparison.Ordinal)));
        }

        private static string Unspaced(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
    }

    /// <summary>Shortest stem a prediction word may merely start with; shorter stems (dun of Duna) must be a word's stem exactly.</summary>
    public const int MinStemPrefix = 5;

    /// <summary>
    /// The stemmer whose stems say that two forms of a word are one where a case ending changes the
    /// word's last letters, not just adds to them, which "starts with" cannot see (Praha / v Praze,
    /// Karlův / Karlovým, Москва / в Москве, Budapesten / Budapest): Czech, Russian and Hungarian.
    /// </summary>
    private static IStemmer? CaseEndingStemmer(string lang) => lang is "cs" or "ru" or "hu" ? LanguageStemmers.For(lang) : null;

    /// <summary>The content words of a reference, in order, each once.</summary>
    public static List<string> Extract(string lang, string reference, Func<string, List<string>>? words = null, bool serbianLatin = true)
    {
        var stop = StopWords.For(lang);
        return (words ?? DefaultWords)(Normalize(lang, reference, serbianLatin))
            .Where(w => !stop.Contains(w) && !w.All(char.IsDigit) && (w.Length >= 2 || lang is "ko" or "th"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static readonly Func<string, List<string>> DefaultWords = text => WordTokenizer.Tokenize(text);

    public static string Normalize(string lang, string text, bool serbianLatin = true)
    {
        // NFKC splits Thai and Lao SARA AM into NIKHAHIT + SARA AA, which changes ICU's word breaks: put it back.
        string result = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant()
            .Replace("\u0E4D\u0E32", "\u0E33", StringComparison.Ordinal).Replace("\u0ECD\u0EB2", "\u0EB3", StringComparison.Ordinal);
        if (lang == "sr" && serbianLatin)
        {
            result = SerbianScript.ToLatin(result);
        }
        else if (lang == "ar")
        {
            var builder = new StringBuilder(result.Length);
            foreach (char c in result)
            {
                if (c is (>= '\u064B' and <= '\u0652') or '\u0670' or '\u0640')
                {
                    continue;
                }

                builder.Append(c is '\u0623' or '\u0625' or '\u0622' or '\u0671' ? '\u0627' : c);
            }

            result = builder.ToString();
        }

        return result;
    }

    private static bool Matches(string lang, string keyword, string word) => lang switch
    {
        "vi" => word == keyword,
        "ar" => word == keyword || ArabicBase(word) == ArabicBase(keyword),
        _ => word.StartsWith(keyword, StringComparison.Ordinal),
    };

    private static readonly string[] KoreanParticles = ["에서", "으로", "에게", "의", "은", "는", "이", "가", "을", "를", "에", "로", "와", "과", "도", "만"];

    /// <summary>A Korean keyword without the case particle written onto it (해수욕장의 → 해수욕장), so the noun matches with any particle.</summary>
    private static string WithoutParticle(string lang, string keyword)
    {
        if (lang != "ko")
        {
            return keyword;
        }

        foreach (string particle in KoreanParticles)
        {
            if (keyword.Length >= particle.Length + 2 && keyword.EndsWith(particle, StringComparison.Ordinal))
            {
                return keyword[..^particle.Length];
            }
        }

        return keyword;
    }

    /// <summary>An Arabic word without its article or a one-letter proclitic before it (و ف ب ك ل, then ال).</summary>
    private static string ArabicBase(string word)
    {
        string w = word;
        if (w.Length > 3 && w[0] is '\u0648' or '\u0641' or '\u0628' or '\u0643' or '\u0644')
        {
            w = w[1..];
        }

        if (w.Length > 3 && w.StartsWith("\u0627\u0644", StringComparison.Ordinal))
        {
            w = w[2..];
        }

        return w;
    }
}
