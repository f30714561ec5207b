using System.Text;

namespace MellaPipeline.LanguageId;

/// <summary>
/// The fixed split of labelled text into a tune half, the only data the word lists and weights of
/// <see cref="SerbianLatin"/> and <see cref="CzechSlovak"/> were chosen on, and a held-out half
/// that measures them. The rule depends on the text alone (32-bit FNV-1a of its UTF-8 bytes, odd
/// is held out), so every run, file order and tool agrees on it, and a fragment cut from a
/// sentence belongs to its sentence's half.
/// </summary>
public static class LabelledSplit
{
    public static bool IsHeldOut(string text)
    {
        uint hash = 0x811C9DC5;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 0x01000193;
        }

        return (hash & 1) == 1;
    }
}
