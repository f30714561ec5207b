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

/// <summary>Numbers for words, looked up by span so known words cost no string; one per thread.</summary>
public sealed class WordNumbers
{
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public WordNumbers() => _bySpan = _numbers.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Of(ReadOnlySpan<char> word)
    {
        if (!_bySpan.TryGetValue(word, out int number))
        {
            number = _numbers.Count;
            _bySpan[word] = number;
        }

        return number;
    }

    public int Of(string word) => Of(word.AsSpan());

    /// <summary>How many distinct words are numbered.</summary>
    public int Count => _numbers.Count;

    /// <summary>Forgets the words (between samples, so the table stays small).</summary>
    public void Clear() => _numbers.Clear();
}
