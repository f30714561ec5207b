using System.Globalization;

namespace MellaPipeline.Metrics;

/// <summary>
/// Words for ROUGE, METEOR and keywords in every script: lower case, every run of characters that
/// are not letters, combining marks or digits is a separator, and text in Thai script is split
/// further at ICU word boundaries. On ASCII text this is exactly rouge-score's default tokenizer
/// (lower case, <c>[^a-z0-9]+</c> as separators), which instead deletes every non-ASCII letter and
/// scores Thai, Arabic, Russian and Korean 0.
/// </summary>
public static class WordTokenizer
{
    public const string Name = "unicode-words";

    public static List<string> Tokenize(string text, IStemmer? stemmer = null)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool word = i < text.Length && IsWordChar(text[i]);
            if (word && start < 0)
            {
                start = i;
            }
            else if (!word && start >= 0)
            {
                Add(text[start..i].ToLowerInvariant(), words, stemmer);
                start = -1;
            }
        }

        return words;
    }

    /// <summary>
    /// The words of <paramref name="text"/> as numbers from <paramref name="words"/> (equal words,
    /// equal numbers) — the same words <see cref="Tokenize"/> gives, without a string per word
    /// except the first time a word is seen.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static int[] Ids(string text, WordNumbers words)
    {
        var ids = new List<int>();
        Span<char> lower = stackalloc char[128];
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && IsWordChar(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = text.AsSpan(start, i - start);
                if (word.ContainsAnyInRange('\u0E00', '\u0E7F') || word.Length > lower.Length)
                {
                    var strings = new List<string>();
                    Add(word.ToString().ToLowerInvariant(), strings, null);
                    ids.AddRange(strings.Select(words.Of));
                }
                else
                {
                    int length = word.ToLowerInvariant(lower);
                    ids.Add(words.Of(lower[..length]));
                }

                start = -1;
            }
        }

        return [.. ids];
    }

    /// <summary>Lines as sentences (ROUGE-Lsum), empty lines left out.</summary>
    public static List<IReadOnlyList<string>> Sentences(string text, IStemmer? stemmer = null) =>
        text.Split('\n').Where(line => line.Length > 0).Select(line => (IReadOnlyList<string>)Tokenize(line, stemmer)).ToList();

    private static void Add(string word, List<string> words, IStemmer? stemmer)
    {
        if (word.Any(c => c is >= '\u0E00' and <= '\u0E7F'))
        {
            words.AddRange(ThaiWords.Segments(word));
            return;
        }

        // rouge-score stems only words longer than three characters.
        words.Add(stemmer is not null && word.Length > 3 ? stemmer.Stem(word) : word);
    }

    private static bool IsWordChar(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => char.IsSurrogate(c),
    };
}

/// <summary>
/// Numbers for words (equal words, equal numbers, from 0 in order of first sight), looked up by
/// span: a word's characters are copied once into a shared buffer, no string per word. Open
/// addressing on a 64-bit hash of the characters, every hit checked character by character, so
/// numbers are exact. One per thread; cleared between samples.
/// </summary>
public sealed class WordNumbers
{
    private char[] _chars = new char[1024];
    private int _used;
    private (int Start, int Length)[] _words = new (int, int)[64];
    private int _count;

    /// <summary>Slot → word number + 1 (0 = empty) and the hash there; a slot belongs to this clearing when its generation is current.</summary>
    private int[] _slots = new int[128];
    private ulong[] _hashes = new ulong[128];
    private int[] _generations = new int[128];
    private int _generation = 1;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int Of(ReadOnlySpan<char> word)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in word)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        int mask = _slots.Length - 1;
        for (int slot = (int)(hash ^ (hash >> 29)) & mask; ; slot = (slot + 1) & mask)
        {
            if (_generations[slot] != _generation)
            {
                return Add(word, hash, slot);
            }

            if (_hashes[slot] == hash)
            {
                var (start, length) = _words[_slots[slot] - 1];
                if (_chars.AsSpan(start, length).SequenceEqual(word))
                {
                    return _slots[slot] - 1;
                }
            }
        }
    }

    public int Of(string word) => Of(word.AsSpan());

    private int Add(ReadOnlySpan<char> word, ulong hash, int slot)
    {
        if (_used + word.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + word.Length));
        }

        if (_count == _words.Length)
        {
            Array.Resize(ref _words, _count * 2);
        }

        word.CopyTo(_chars.AsSpan(_used));
        _words[_count] = (_used, word.Length);
        _used += word.Length;
        int number = _count++;
        _generations[slot] = _generation;
        _hashes[slot] = hash;
        _slots[slot] = number + 1;
        if (_count * 2 > _slots.Length)
        {
            Grow();
        }

        return number;
    }

    /// <summary>Twice the slots, every word of this clearing placed again.</summary>
    private void Grow()
    {
        var (hashes, slots, generations) = (_hashes, _slots, _generations);
        _hashes = new ulong[hashes.Length * 2];
        _slots = new int[hashes.Length * 2];
        _generations = new int[hashes.Length * 2];
        int mask = _slots.Length - 1;
        for (int old = 0; old < slots.Length; old++)
        {
            if (generations[old] == _generation)
            {
                int slot = (int)(hashes[old] ^ (hashes[old] >> 29)) & mask;
                while (_generations[slot] == _generation)
                {
                    slot = (slot + 1) & mask;
                }

                (_generations[slot], _hashes[slot], _slots[slot]) = (_generation, hashes[old], slots[old]);
            }
        }
    }

    /// <summary>
    /// The numbers of the words of <paramref name="text"/> as Python's <c>str.split()</c> cuts them,
    /// counted from <paramref name="first"/>, without a string per word; <paramref name="buffer"/> is reused.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int[] OfWords(string text, List<int> buffer, int first = 0)
    {
        buffer.Clear();
        for (int at = 0; PythonText.NextWord(text, ref at, out var word);)
        {
            buffer.Add(Of(text.AsSpan(word)) + first);
        }

        return [.. buffer];
    }

    /// <summary>How many distinct words are numbered.</summary>
    public int Count => _count;

    /// <summary>Forgets the words (between samples, so the table stays small).</summary>
    public void Clear()
    {
        (_used, _count) = (0, 0);
        _generation++;
    }
}
