using System.Globalization;
using System.Text;

namespace MellaPipeline.Metrics;

/// <summary>
/// Python 3's <c>str.isspace</c>, <c>str.split()</c> and <c>str.lower()</c>: what sacreBLEU, NLTK and
/// rouge-score do to text, so scores computed here equal theirs character for character.
/// </summary>
public static class PythonText
{
    /// <summary>
    /// <c>str.isspace()</c> for one UTF-16 unit: .NET's white space (Zs, Zl, Zp, tab to carriage
    /// return, U+0085) plus the four information separators U+001C–U+001F; not U+200B.
    /// </summary>
    public static bool IsWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary>The runs between Python white space, as <c>str.split()</c> without arguments gives them.</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        for (int at = 0; NextWord(text, ref at, out var word);)
        {
            words.Add(text[word]);
        }

        return words;
    }

    /// <summary>The next <c>str.split()</c> word from <paramref name="position"/> on (which moves past it); false when none is left.</summary>
    public static bool NextWord(ReadOnlySpan<char> text, ref int position, out Range word)
    {
        int i = position;
        while (i < text.Length && IsWhitespace(text[i]))
        {
            i++;
        }

        int start = i;
        while (i < text.Length && !IsWhitespace(text[i]))
        {
            i++;
        }

        (position, word) = (i, start..i);
        return i > start;
    }

    /// <summary>
    /// <c>str.lower()</c>: the simple lower case of every code point, except where Python applies
    /// Unicode's special casing — U+0130 (İ) becomes "i̇" (two code points, where .NET gives "i"
    /// or keeps it), and capital sigma becomes final ς at the end of a word.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static string Lower(string text)
    {
        // Only those two and code points beyond the BMP need more than .NET's simple invariant mapping, which is Python's elsewhere;
        // that mapping is read from a table (the same characters as ToLowerInvariant gives, without a call into ICU per string).
        if (text.AsSpan().IndexOfAny('\u0130', '\u03A3') < 0 && !text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return Ascii.IsValid(text) ? text.ToLowerInvariant() : string.Create(text.Length, text, static (lower, source) =>
            {
                var table = LowerTable;
                for (int i = 0; i < source.Length; i++)
                {
                    lower[i] = table[source[i]];
                }
            });
        }

        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out int used);
            if (rune.Value == 0x130)
            {
                builder.Append("i\u0307");
            }
            else if (rune.Value == 0x3A3)
            {
                builder.Append(FinalSigma(text, i) ? 'ς' : 'σ');
            }
            else
            {
                builder.Append(Rune.ToLowerInvariant(rune).ToString());
            }

            i += used;
        }

        return builder.ToString();
    }

    /// <summary>.NET's invariant lower case of every UTF-16 unit (surrogates map to themselves), computed once.</summary>
    private static readonly string LowerTable = string.Create(65536, 0, static (all, _) =>
    {
        for (int c = 0; c < all.Length; c++)
        {
            all[c] = (char)c;
        }
    }).ToLowerInvariant();

    /// <summary>Python's Final_Sigma context: a cased letter before (case-ignorable ones skipped), none after.</summary>
    private static bool FinalSigma(string text, int at)
    {
        int j = at - 1;
        while (j >= 0 && IsCaseIgnorable(text[j]))
        {
            j--;
        }

        if (j < 0 || !IsCased(text[j]))
        {
            return false;
        }

        j = at + 1;
        while (j < text.Length && IsCaseIgnorable(text[j]))
        {
            j++;
        }

        return j == text.Length || !IsCased(text[j]);
    }

    private static bool IsCased(char c) => char.IsUpper(c) || char.IsLower(c) || char.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;

    /// <summary>Unicode's Case_Ignorable: marks, format characters, modifiers, and the word-internal apostrophes, periods and colons.</summary>
    private static bool IsCaseIgnorable(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
        or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || c is '\'' or '.' or ':' or '\u00B7' or '\u0387' or '\u05F4' or '\u2018' or '\u2019' or '\u2024' or '\u2027' or '\uFE13' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A';
}
