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

    /// <summary>One ICU word iterator per thread, reused: opening one loads its dictionary and costs far more than a sentence.</summary>
    [ThreadStatic]
    private static Icu.BreakIterator? _words;

    /// <summary>The ICU version in use, for metric signatures.</summary>
    public static string IcuVersion => Initialized.Value ? Icu.Wrapper.IcuVersion : "";

    /// <summary>
    /// Every segment between ICU word boundaries, in order, except whitespace: words, and
    /// punctuation and symbols one segment each, so no character is lost.
    /// </summary>
    public static List<string> Segments(string text)
    {
        _ = Initialized.Value;
        var segments = new List<string>();
        if (text.Length == 0)
        {
            return segments;
        }

        var words = _words ??= Icu.BreakIterator.CreateWordInstance(Thai);
        words.SetText(text);
        int start = words.MoveFirst();
        for (int end = words.MoveNext(); end != Icu.BreakIterator.DONE && end <= text.Length; start = end, end = words.MoveNext())
        {
            if (!text.AsSpan(start, end - start).IsWhiteSpace())
            {
                segments.Add(text[start..end]);
            }
        }

        return segments;
    }
}
