using System.Buffers;
using System.Text;

namespace MellaPipeline.LanguageId.Models;

/// <summary>How Lingua prepares text before it scores it: the same clean-up and word split, so the same n-grams are counted.</summary>
internal static class LinguaText
{
    /// <summary>Trimmed, lower-cased (invariant), without punctuation or digits, whitespace runs made one space.</summary>
    public static string CleanUp(string text)
    {
        int start = 0, end = text.Length;
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        int length = end - start;
        if (length == 0)
        {
            return string.Empty;
        }

        char[]? rented = null;
        Span<char> buffer = length > 512 ? (rented = ArrayPool<char>.Shared.Rent(length)) : stackalloc char[512];
        int written = 0;
        bool space = false;
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
            {
                var rune = Rune.ToLowerInvariant(new Rune(c, text[i + 1]));
                if (space)
                {
                    buffer[written++] = ' ';
                    space = false;
                }

                written += rune.EncodeToUtf16(buffer[written..]);
                i++;
                continue;
            }

            char lower = char.ToLowerInvariant(c);
            if (!char.IsPunctuation(lower) && !char.IsNumber(lower))
            {
                if (space)
                {
                    buffer[written++] = ' ';
                    space = false;
                }

                buffer[written++] = lower;
            }
        }

        if (space)
        {
            buffer[written++] = ' ';
        }

        string result = new(buffer[..written]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>Words split at spaces; a character of a script Lingua counts as logograms (Han, kana, Hangul) is a word of its own.</summary>
    public static List<string> Words(string text, NgramFile file)
    {
        var words = new List<string>();
        int next = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == ' ')
            {
                if (next != i)
                {
                    words.Add(text[next..i]);
                }

                next = i + 1;
            }
            else if (IsLogogram(c, file))
            {
                if (next != i)
                {
                    words.Add(text[next..i]);
                }

                words.Add(c.ToString());
                next = i + 1;
            }
        }

        if (next != text.Length)
        {
            words.Add(text[next..]);
        }

        return words;
    }

    public static bool HasLetter(string text)
    {
        foreach (char c in text)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLogogram(char c, NgramFile file) =>
        !char.IsWhiteSpace(c) && file.AlphabetOf(c) is Alphabet.Han or Alphabet.Hangul or Alphabet.Hiragana or Alphabet.Katakana;
}

/// <summary>Indices of the alphabets the rules name (<see cref="NgramFileFormat.Alphabets"/>).</summary>
internal static class Alphabet
{
    public const int Cyrillic = 3;
    public const int Devanagari = 4;
    public const int Han = 10;
    public const int Hangul = 11;
    public const int Hiragana = 13;
    public const int Katakana = 14;
    public const int Latin = 15;
}
