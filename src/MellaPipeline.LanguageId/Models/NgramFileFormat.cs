namespace MellaPipeline.LanguageId.Models;

/// <summary>
/// Layout of a compiled n-gram file, one per script group (written by the build-time compiler,
/// memory-mapped by <c>NgramFile</c>). Little-endian throughout:
/// <code>
/// 0   magic "MELLANGM"                       8 bytes
/// 8   format version                         u32
/// 12  reserved (0)                           u32
/// 16  XxHash3 of bytes [32, end)             u64
/// 24  file length                            u64
/// 32  languages: u32 count, then per language: code (u16 length + UTF-16), u32 alphabets (bits of <see cref="Alphabets"/>),
///         unique letters (u16 length + UTF-16)
///     letters: u16 count + UTF-16, ascending; a letter's index in an n-gram key is its position + 1
///     scripts: u32 count of (u16 first char, u16 alphabet) ranges, ascending, covering U+0000..U+FFFF
///     orders: u32 count, then per order (each block 8-byte aligned):
///       u32 order, u32 keys, u32 entries, u32 values, u32 slot bits, u32 reserved,
///       u64 key[keys] (ascending), u32 rowStart[keys + 1], u32 entry[entries], f64 logProbability[values],
///       u32 slot[1 &lt;&lt; slot bits] (a row + 1, or 0: an open-addressing index of the keys, see <see cref="Slot"/>)
/// </code>
/// A key packs an n-gram's letter indices, <see cref="BitsPerLetter"/> bits each, first letter
/// highest. The entries of key <c>k</c> are <c>entry[rowStart[k] .. rowStart[k + 1])</c>; an entry
/// is <c>language &lt;&lt; 26 | value</c>, the value indexing that order's log-probabilities, so one
/// lookup gives every language of the group that has the n-gram.
/// </summary>
internal static class NgramFileFormat
{
    public static ReadOnlySpan<byte> Magic => "MELLANGM"u8;

    public const uint Version = 1;

    public const int HeaderLength = 32;

    public const int BitsPerLetter = 10;

    public const int MaxLetters = (1 << BitsPerLetter) - 1;

    public const int LanguageShift = 26;

    public const uint ValueMask = (1u << LanguageShift) - 1;

    public const int MaxLanguages = 1 << (32 - LanguageShift);

    /// <summary>Lingua's alphabets in its own order (the order its word-alphabet rule tries them in); <see cref="None"/> for any other character.</summary>
    public static readonly string[] Alphabets =
    [
        "Arabic", "Armenian", "Bengali", "Cyrillic", "Devanagari", "Ethiopic", "Georgian", "Greek", "Gujarati", "Gurmukhi",
        "Han", "Hangul", "Hebrew", "Hiragana", "Katakana", "Latin", "Sinhala", "Tamil", "Telugu", "Thai",
    ];

    public const int None = 20;

    /// <summary>The first slot a key probes (then the next ones, wrapping): Fibonacci hashing of the key's bits.</summary>
    public static uint Slot(ulong key, int slotBits) => (uint)((key * 0x9E3779B97F4A7C15UL) >> (64 - slotBits));

    /// <summary>Slot bits for a table of <paramref name="keys"/> keys: at most half its slots filled, so probes stay short.</summary>
    public static int SlotBits(long keys)
    {
        int bits = 4;
        while ((1L << bits) < 2 * keys)
        {
            bits++;
        }

        return bits;
    }

    /// <summary>File name of a group's compiled models.</summary>
    public static string FileName(string group) => $"{group}.ngrams";
}
