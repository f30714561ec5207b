using System.Globalization;
using System.Text;

namespace MellaPipeline.Languages;

/// <summary>ISO 15924 script codes used by the dataset, and a detector of a text's dominant script.</summary>
public static class Scripts
{
    public const string Arabic = "Arab";
    public const string Latin = "Latn";
    public const string Cyrillic = "Cyrl";
    public const string Hangul = "Hang";
    public const string Thai = "Thai";
    public const string Han = "Hani";
    public const string Greek = "Grek";
    public const string Hebrew = "Hebr";
    public const string Devanagari = "Deva";
    public const string Kana = "Jpan";
    public const string Lao = "Laoo";

    /// <summary>No letters at all (digits, punctuation, emoji only).</summary>
    public const string Unknown = "Zyyy";

    /// <summary>
    /// The script most of <paramref name="text"/>'s letters are written in, or <see cref="Unknown"/>
    /// when it has no letters. Marks, digits, punctuation and symbols do not vote, so a Thai caption
    /// with a Latin brand name or a Korean one with a few Hanja still comes out as Thai or Hangul.
    /// </summary>
    public static string Detect(ReadOnlySpan<char> text) => DetectWithShare(text).Script;

    /// <summary>The dominant script and the share of the text's letters written in it (0 when there are none).</summary>
    public static (string Script, double Share) DetectWithShare(ReadOnlySpan<char> text)
    {
        Span<int> votes = stackalloc int[(int)Bucket.Count];
        foreach (var rune in text.EnumerateRunes())
        {
            var bucket = Classify(rune);
            if (bucket != Bucket.None)
            {
                votes[(int)bucket]++;
            }
        }

        int best = -1;
        int bestVotes = 0;
        int total = 0;
        for (int i = 0; i < votes.Length; i++)
        {
            total += votes[i];
            if (votes[i] > bestVotes)
            {
                best = i;
                bestVotes = votes[i];
            }
        }

        return best < 0 ? (Unknown, 0) : (Codes[best], (double)bestVotes / total);
    }

    /// <summary>True when <paramref name="text"/> has any hiragana or katakana: Han text with kana is Japanese.</summary>
    public static bool HasKana(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is (>= '\u3040' and <= '\u30FF') or (>= '\u31F0' and <= '\u31FF'))
            {
                return true;
            }
        }

        return false;
    }

    private enum Bucket
    {
        None = -1,
        Latin,
        Cyrillic,
        Arabic,
        Hangul,
        Thai,
        Han,
        Greek,
        Hebrew,
        Devanagari,
        Kana,
        Lao,
        Other,
        Count,
    }

    private static readonly string[] Codes = [Latin, Cyrillic, Arabic, Hangul, Thai, Han, Greek, Hebrew, Devanagari, Kana, Lao, "Zzzz"];

    private static Bucket Classify(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        bool isLetter = category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;
        if (!isLetter)
        {
            return Bucket.None;
        }

        int c = rune.Value;
        return c switch
        {
            <= 0x024F => Bucket.Latin,
            >= 0x1E00 and <= 0x1EFF => Bucket.Latin, // Latin Extended Additional: Vietnamese precomposed letters
            >= 0x0370 and <= 0x03FF => Bucket.Greek,
            >= 0x0400 and <= 0x052F => Bucket.Cyrillic,
            >= 0x1C80 and <= 0x1C8F => Bucket.Cyrillic,
            >= 0x2DE0 and <= 0x2DFF => Bucket.Cyrillic,
            >= 0xA640 and <= 0xA69F => Bucket.Cyrillic,
            >= 0x0590 and <= 0x05FF => Bucket.Hebrew,
            >= 0x0600 and <= 0x06FF => Bucket.Arabic,
            >= 0x0750 and <= 0x077F => Bucket.Arabic,
            >= 0x08A0 and <= 0x08FF => Bucket.Arabic,
            >= 0xFB50 and <= 0xFDFF => Bucket.Arabic,
            >= 0xFE70 and <= 0xFEFF => Bucket.Arabic,
            >= 0x0900 and <= 0x097F => Bucket.Devanagari,
            >= 0x0E00 and <= 0x0E7F => Bucket.Thai,
            >= 0x0E80 and <= 0x0EFF => Bucket.Lao,
            >= 0x1100 and <= 0x11FF => Bucket.Hangul,
            >= 0x3130 and <= 0x318F => Bucket.Hangul,
            >= 0xA960 and <= 0xA97F => Bucket.Hangul,
            >= 0xAC00 and <= 0xD7AF => Bucket.Hangul,
            >= 0xD7B0 and <= 0xD7FF => Bucket.Hangul,
            >= 0x3040 and <= 0x30FF => Bucket.Kana,
            >= 0x31F0 and <= 0x31FF => Bucket.Kana,
            >= 0x3400 and <= 0x4DBF => Bucket.Han,
            >= 0x4E00 and <= 0x9FFF => Bucket.Han,
            >= 0xF900 and <= 0xFAFF => Bucket.Han,
            >= 0x20000 and <= 0x3134F => Bucket.Han,
            >= 0xFF21 and <= 0xFF5A => Bucket.Latin, // fullwidth Latin
            _ => Bucket.Other,
        };
    }
}
