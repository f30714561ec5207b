using System.Text;

namespace MellaPipeline.Metrics;

/// <summary>
/// How much of an alt text's content a caption of the same image kept: the alt text's names and
/// content words (<see cref="Names"/>) that the caption holds, and how close the caption is to a
/// copy of the alt text.
/// </summary>
/// <param name="Names">The alt text's content words and names, as Keyword Accuracy extracts a reference's keywords.</param>
/// <param name="Lost">Those the caption does not hold, by Keyword Accuracy's matching.</param>
/// <param name="CopySimilarity">Normalised edit similarity of caption and alt text (<see cref="EntityRetention.EditSimilarity"/>), 0–1.</param>
public sealed record RetentionCheck(IReadOnlyList<string> Names, IReadOnlyList<string> Lost, double CopySimilarity)
{
    public int Kept => Names.Count - Lost.Count;

    /// <summary>The share of <see cref="Names"/> kept; 1 for an alt text without content words (nothing to lose).</summary>
    public double Share => Names.Count == 0 ? 1 : (double)Kept / Names.Count;
}

/// <summary>
/// The entity retention check of fused and translated captions: whether a caption written from an
/// alt text (or beside it, for the same image) still names what the alt text names. The names are
/// Keyword Accuracy's keywords of the alt text and "holds" is Keyword Accuracy's matching
/// (<see cref="KeywordAccuracy"/>: ICU words for Thai, Korean particles, Arabic article and
/// proclitics, Serbian in either script, case endings elsewhere), so a caption that passes here
/// scores 100 on Keyword Accuracy against its alt text.
/// </summary>
public static class EntityRetention
{
    /// <summary>Longest text compared character by character; the rest of a longer one is left out of <see cref="EditSimilarity"/> (captions are capped far below).</summary>
    public const int MaxCompareChars = 4096;

    public const string Signature = KeywordAccuracy.Signature + "|copy:levenshtein-nfkc-lower";

    /// <summary>
    /// The content words and names of <paramref name="alt"/> in <paramref name="lang"/>, in order,
    /// each once, as Keyword Accuracy matches them: normalised (lower case, Serbian in Latin) and, in
    /// Korean, without the particle written onto them (해수욕장의 → 해수욕장), so one name said
    /// twice with two particles counts once.
    /// </summary>
    public static List<string> Names(string lang, string alt) => KeywordAccuracy.Keywords(lang, KeywordAccuracy.Extract(lang, alt));

    public static RetentionCheck Check(string lang, string alt, string caption)
    {
        var names = Names(lang, alt);
        var text = new KeywordAccuracy.Prediction(lang, caption);
        return new RetentionCheck(names, names.Where(name => !text.Holds(name)).ToList(), EditSimilarity(lang, alt, caption));
    }

    /// <summary>
    /// 1 − Levenshtein distance / length of the longer text, over both texts normalised as Keyword
    /// Accuracy normalises (NFKC, lower case, Serbian as Latin, Arabic without diacritics) with every
    /// run of spaces and punctuation as one space: 1 for the same words, near 1 for a copy with a word
    /// changed, low for a rewrite.
    /// </summary>
    public static double EditSimilarity(string lang, string a, string b)
    {
        string x = Comparable(lang, a), y = Comparable(lang, b);
        if (x.Length == 0 && y.Length == 0)
        {
            return 1;
        }

        return 1 - (double)Levenshtein(x, y) / Math.Max(x.Length, y.Length);
    }

    private static string Comparable(string lang, string text)
    {
        string normalized = KeywordAccuracy.Normalize(lang, text);
        var builder = new StringBuilder(Math.Min(normalized.Length, MaxCompareChars));
        bool space = false;
        foreach (char c in normalized)
        {
            if (builder.Length >= MaxCompareChars)
            {
                break;
            }

            if (char.IsWhiteSpace(c) || char.IsPunctuation(c) || char.IsSymbol(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Edit distance (insert, delete, substitute one UTF-16 unit) in two rows of memory.</summary>
    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
