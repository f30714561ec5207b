using System.Text;

namespace MellaPipeline.Metrics;

/// <summary>
/// Serbian is written in Cyrillic and in Latin (Gaj's alphabet), letter for letter; a model may
/// answer in either. Scoring both sides in Latin makes a correct answer in the other script count;
/// only then, since folding changes character counts (Љ → Lj) that char-level BLEU sees.
/// </summary>
public static class SerbianScript
{
    private static readonly Dictionary<char, string> Latin = Build();

    /// <summary>The text with Serbian Cyrillic letters in Latin, case kept (Љ → Lj, љ → lj); anything else unchanged.</summary>
    public static string ToLatin(string text)
    {
        StringBuilder? builder = null;
        for (int i = 0; i < text.Length; i++)
        {
            if (Latin.TryGetValue(text[i], out string? latin))
            {
                builder ??= new StringBuilder(text.Length + 8).Append(text, 0, i);
                builder.Append(latin);
            }
            else
            {
                builder?.Append(text[i]);
            }
        }

        return builder?.ToString() ?? text;
    }

    /// <summary>
    /// Whether the hypothesis and some reference are written in different scripts (each text's
    /// script being the one most of its letters are in, Cyrillic or Latin); texts without letters of
    /// either count as neither.
    /// </summary>
    public static bool Differ(string hypothesis, IReadOnlyList<string> references)
    {
        bool? cyrillic = IsCyrillic(hypothesis);
        return cyrillic is not null && references.Any(r => IsCyrillic(r) is { } other && other != cyrillic);
    }

    /// <summary>True: mostly Cyrillic letters; false: mostly Latin ones (or as many of each); null: neither.</summary>
    private static bool? IsCyrillic(string text)
    {
        int cyrillic = 0, latin = 0;
        foreach (char c in text)
        {
            if (c is >= '\u0400' and <= '\u04FF')
            {
                cyrillic++;
            }
            else if (char.IsAsciiLetter(c) || (c is >= '\u00C0' and <= '\u024F' && char.IsLetter(c)))
            {
                latin++;
            }
        }

        return cyrillic + latin == 0 ? null : cyrillic > latin;
    }

    private static Dictionary<char, string> Build()
    {
        const string cyrillic = "абвгдђежзијклљмнњопрстћуфхцчџш";
        string[] latin = ["a", "b", "v", "g", "d", "đ", "e", "ž", "z", "i", "j", "k", "l", "lj", "m", "n", "nj", "o", "p", "r", "s", "t", "ć", "u", "f", "h", "c", "č", "dž", "š"];
        var map = new Dictionary<char, string>();
        for (int i = 0; i < cyrillic.Length; i++)
        {
            map[cyrillic[i]] = latin[i];
            map[char.ToUpperInvariant(cyrillic[i])] = char.ToUpperInvariant(latin[i][0]) + latin[i][1..];
        }

        return map;
    }
}
