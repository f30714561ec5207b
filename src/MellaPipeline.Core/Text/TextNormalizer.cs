using System.Globalization;
using System.Text;

namespace MellaPipeline.Text;

/// <summary>
/// Caption normalisation shared by every stage that stores or compares text: Unicode NFC
/// (Vietnamese arrives in decomposed form from many sites), Arabic tatweel and presentation forms
/// folded to their base letters, control and format characters removed, and runs of white space
/// collapsed to one space. Zero-width joiners are kept where scripts need them.
/// </summary>
public static class TextNormalizer
{
    private const char Tatweel = '\u0640';

    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length);
        bool pendingSpace = false;
        bool hasArabicPresentationForms = false;
        foreach (var rune in text.EnumerateRunes())
        {
            int c = rune.Value;
            if (Rune.IsWhiteSpace(rune) || c == 0x200B /* zero-width space separates words */)
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (c == Tatweel)
            {
                continue;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Control
                || (category == UnicodeCategory.Format && c is not (0x200C or 0x200D)) // keep ZWNJ/ZWJ
                || category is UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                || c == 0xFFFD)
            {
                continue;
            }

            if (c is (>= 0xFB50 and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF))
            {
                hasArabicPresentationForms = true;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(rune.ToString());
        }

        string result = builder.ToString();
        if (hasArabicPresentationForms)
        {
            // Compatibility decomposition maps each presentation form to its base letter; it is
            // applied only when those forms occur, since NFKC would also rewrite digits and
            // ligatures that other scripts mean literally.
            result = FoldArabicPresentationForms(result);
        }

        return result.IsNormalized(NormalizationForm.FormC) ? result : result.Normalize(NormalizationForm.FormC);
    }

    private static string FoldArabicPresentationForms(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            int c = rune.Value;
            if (c is (>= 0xFB50 and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF))
            {
                builder.Append(rune.ToString().Normalize(NormalizationForm.FormKC));
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>Length in user-perceived characters (grapheme clusters), the unit caption limits use.</summary>
    public static int GraphemeCount(string text)
    {
        int count = 0;
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            count++;
        }

        return count;
    }
}
