namespace MellaPipeline.Metrics;

/// <summary>
/// Word segments of text without spaces between words (Thai, also Lao, Khmer, Burmese) from ICU's
/// dictionary-based word break iterator — the system ICU that .NET uses for globalization on
/// Linux, so nothing extra ships.
/// </summary>
public static class ThaiWords
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        Icu.Wrapper.Init();
        return true;
    });

    private static readonly Icu.Locale Thai = new("th");

    /// <summary>The ICU version in use, for metric signatures.</summary>
    public static string IcuVersion => Initialized.Value ? Icu.Wrapper.IcuVersion : "";

    /// <summary>
    /// Every segment between ICU word boundaries, in order, whitespace left out. ICU reports only
    /// word-like segments; what lies between them (punctuation, symbols) comes back too, split at
    /// whitespace, so no character is lost.
    /// </summary>
    public static IEnumerable<string> Segments(string text)
    {
        _ = Initialized.Value;
        if (text.Length == 0)
        {
            yield break;
        }

        int previous = 0;
        foreach (var boundary in Icu.BreakIterator.GetBoundaries(Icu.BreakIterator.UBreakIteratorType.WORD, Thai, text))
        {
            foreach (string gap in text[previous..boundary.Start].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                yield return gap;
            }

            yield return text[boundary.Start..boundary.End];
            previous = boundary.End;
        }

        foreach (string gap in text[previous..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return gap;
        }
    }
}
