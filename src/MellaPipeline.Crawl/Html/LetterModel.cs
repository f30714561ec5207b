using System.Globalization;
using System.Text;

namespace MellaPipeline.Crawl.Html;

/// <summary>
/// How likely each non-ASCII character is in one language's text as one encoding writes it: the
/// language's letters (Lingua's unigram shares, lower and upper case), the typographic punctuation
/// every language uses, and a floor for everything else: lower for symbols than for foreign
/// letters, much lower for C1 controls and replacement characters, which no text holds and a wrong
/// single-byte decoding produces.
/// </summary>
internal sealed class LetterModel
{
    private readonly Dictionary<char, double> logProbabilities;

    private LetterModel(Dictionary<char, double> logProbabilities) => this.logProbabilities = logProbabilities;

    // Share of letters written in upper case: a page decoded with the case halves swapped
    // (KOI8-R read as windows-1251 and back) is mostly upper case and pays for every letter.
    private const double UpperCase = 0.06;

    // Share of non-ASCII characters that are punctuation or symbols rather than letters.
    private const double Punctuation = 0.08;

    // A Latin letter outside the language's alphabet is rare but real (ë, ü, é in the names a
    // Croatian page cites); a symbol or a letter of another script is rarer.
    private const double ForeignLetter = 1e-4;
    private const double ForeignCharacter = 1e-6;
    private const double NoTextCharacter = 1e-9;

    // Typographic characters common on pages in every language, each with its share of the punctuation.
    private static readonly (char Character, double Share)[] Typographic =
    [
        ('\u00A0', 0.2), ('«', 0.06), ('»', 0.06), ('„', 0.06), ('“', 0.06), ('”', 0.06), ('‘', 0.03), ('’', 0.06), ('‚', 0.01),
        ('–', 0.08), ('—', 0.08), ('…', 0.04), ('•', 0.03), ('·', 0.03), ('°', 0.02), ('©', 0.03), ('®', 0.01), ('™', 0.01),
        ('€', 0.01), ('№', 0.01), ('§', 0.01), ('±', 0.005), ('×', 0.01), ('‹', 0.005), ('›', 0.005), ('\u00AD', 0.005),
    ];

    // The tone marks Vietnamese writes as combining characters in windows-1258.
    private const string ToneMarks = "\u0300\u0301\u0303\u0309\u0323";

    public double LogProbability(char c) => logProbabilities.TryGetValue(c, out double value) ? value : IsNoText(c) ? LogNoText : IsLatinLetter(c) ? LogForeignLetter : LogForeignCharacter;

    private static readonly double LogNoText = Math.Log(NoTextCharacter), LogForeignLetter = Math.Log(ForeignLetter), LogForeignCharacter = Math.Log(ForeignCharacter);

    /// <param name="letters">The language's non-ASCII letters (lower case) and their shares.</param>
    public static LetterModel For(IReadOnlyList<(char Letter, double Share)> letters, Encoding encoding)
    {
        var mass = new Dictionary<char, double>();
        foreach (var (letter, share) in letters)
        {
            char upper = char.ToUpperInvariant(letter);
            foreach (var (variant, weight) in upper == letter ? [(letter, 1.0)] : new[] { (letter, 1 - UpperCase), (upper, UpperCase) })
            {
                var forms = Forms(variant).Where(f => Writable(f, encoding)).ToList();
                foreach (var form in forms)
                {
                    foreach (char c in form.Where(c => c >= '\u0080'))
                    {
                        mass[c] = mass.GetValueOrDefault(c) + (share * weight / forms.Count);
                    }
                }
            }
        }

        double total = mass.Values.Sum();
        var logs = mass.ToDictionary(m => m.Key, m => Math.Log((1 - Punctuation) * m.Value / total));
        foreach (var (character, share) in Typographic.Where(t => Writable(t.Character.ToString(), encoding)))
        {
            logs[character] = Math.Log(Math.Exp(logs.GetValueOrDefault(character, double.NegativeInfinity)) + (Punctuation * share));
        }

        return new LetterModel(logs);
    }

    /// <summary>The ways a page writes a letter: precomposed, and with its tone mark apart (windows-1258's way).</summary>
    private static IEnumerable<string> Forms(char letter)
    {
        string single = letter.ToString();
        yield return single;
        string decomposed = single.Normalize(NormalizationForm.FormD);
        string tones = new(decomposed.Where(c => ToneMarks.Contains(c, StringComparison.Ordinal)).ToArray());
        if (tones.Length > 0)
        {
            string rest = new string(decomposed.Where(c => !ToneMarks.Contains(c, StringComparison.Ordinal)).ToArray()).Normalize(NormalizationForm.FormC);
            yield return rest + tones;
        }
    }

    private static bool Writable(string text, Encoding encoding) => encoding.GetString(encoding.GetBytes(text)) == text;

    /// <summary>
    /// What a character's neighbours say about it, beside its frequency: punctuation and symbols
    /// rarely sit between two letters (a windows-1250 » inside "»astný" is an ISO-8859-2 ť), symbols
    /// rarely stand right before a word, and a
    /// combining tone mark follows a vowel, never a space or a consonant.
    /// </summary>
    /// <param name="previous">The byte before: 0 ASCII non-letter, 1 ASCII consonant, 2 ASCII vowel, 3 non-ASCII.</param>
    /// <param name="nextIsLetter">The byte after is an ASCII letter or non-ASCII.</param>
    public static double ContextLogProbability(char c, int previous, bool nextIsLetter)
    {
        if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
        {
            return previous switch { 0 => Math.Log(1e-3), 1 => Math.Log(1e-2), _ => 0 };
        }

        bool inWord = previous > 0 && nextIsLetter;
        if (inWord && !char.IsLetter(c) && !InsideWords.Contains(c, StringComparison.Ordinal))
        {
            return Math.Log(0.05);
        }

        // © ® ° and the like come after a word or before a number, not glued to the word after them
        // (an ISO-8859-2 Š read as windows-1250 gives "©KODA").
        bool symbol = CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.OtherSymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.CurrencySymbol;
        return symbol && nextIsLetter ? Math.Log(0.1) : 0;
    }

    // Non-letters at home between letters: no-break space (v\u00A0Praze), apostrophes, soft hyphen.
    private const string InsideWords = "\u00A0\u2019\u2018\u00AD\u00B7";

    private static bool IsLatinLetter(char c) => char.IsLetter(c) && (c < '\u0250' || c is >= '\u1E00' and <= '\u1EFF');

    private static bool IsNoText(char c) => c is '\uFFFD' or (>= '\u0080' and <= '\u009F')
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Control;
}
