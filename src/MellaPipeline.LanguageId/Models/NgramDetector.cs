namespace MellaPipeline.LanguageId.Models;

/// <summary>
/// Lingua's language detector (SearchPioneer.Lingua 2.0.0, <c>ComputeLanguageConfidenceValues</c>)
/// over some languages of a compiled group, step for step so that it decides as Lingua does:
/// the text cleaned up the same way; the rules first (a word whose letters only one language
/// writes; then the word alphabet and letters such as ć, ő or ё that narrow the candidates); then
/// the n-grams of the text — orders 1 to 5 in high-accuracy mode below 120 characters, trigrams
/// otherwise and in low-accuracy mode — each scored by the longest of its prefixes the language's
/// models have, log-probabilities summed per order in the order the n-grams first occur, the sum
/// over orders divided by the number of the text's unigrams the language knows, and the
/// exponentials normalised into confidences. Ties go to the language listed first, as in Lingua.
/// Immutable, so thread-safe.
/// </summary>
internal sealed class NgramDetector
{
    private const int Unknown = -1, Chinese = -2, Japanese = -3;

    private const int HighAccuracyMaxLength = 120;

    /// <summary>Lingua's letters that narrow the candidates, with the languages that write them, in Lingua's order.</summary>
    private static readonly (string Letters, string[] Languages)[] LettersToLanguages =
    [
        ("Ãã", ["pt", "vi"]),
        ("ĄąĘę", ["lt", "pl"]),
        ("Żż", ["pl", "ro"]),
        ("Îî", ["fr", "ro"]),
        ("Ññ", ["eu", "es"]),
        ("ŇňŤť", ["cs", "sk"]),
        ("Ăă", ["ro", "vi"]),
        ("İıĞğ", ["az", "tr"]),
        ("ЈјЉљЊњ", ["mk", "sr"]),
        ("ẸẹỌọ", ["vi", "yo"]),
        ("ÐðÞþ", ["is", "tr"]),
        ("Ûû", ["fr", "hu"]),
        ("Ōō", ["mi", "yo"]),
        ("ӨөҮү", ["kk", "mn"]),
        ("ĀāĒēĪī", ["lv", "mi", "yo"]),
        ("Şş", ["az", "ro", "tr"]),
        ("Ďď", ["cs", "ro", "sk"]),
        ("Ćć", ["bs", "hr", "pl"]),
        ("Đđ", ["bs", "hr", "vi"]),
        ("Іі", ["be", "kk", "uk"]),
        ("Ìì", ["it", "vi", "yo"]),
        ("Øø", ["nb", "da", "nn"]),
        ("Ūū", ["lv", "lt", "mi", "yo"]),
        ("Ëë", ["af", "sq", "nl", "fr"]),
        ("ÈèÙù", ["fr", "it", "vi", "yo"]),
        ("Êê", ["af", "fr", "pt", "vi"]),
        ("Õõ", ["et", "hu", "pt", "vi"]),
        ("Ôô", ["fr", "pt", "sk", "vi"]),
        ("ЁёЫыЭэ", ["be", "kk", "mn", "ru"]),
        ("ЩщЪъ", ["bg", "kk", "mn", "ru"]),
        ("Òò", ["ca", "it", "vi", "yo"]),
        ("Ææ", ["nb", "da", "is", "nn"]),
        ("Åå", ["nb", "da", "nn", "sv"]),
        ("Ýý", ["cs", "is", "sk", "tr", "vi"]),
        ("Ää", ["et", "fi", "de", "sk", "sv"]),
        ("Àà", ["ca", "fr", "it", "pt", "vi"]),
        ("Ââ", ["fr", "pt", "ro", "tr", "vi"]),
        ("Üü", ["az", "ca", "et", "de", "hu", "es", "tr"]),
        ("ČčŠšŽž", ["bs", "cs", "hr", "lv", "lt", "sk", "sl"]),
        ("Çç", ["sq", "az", "eu", "ca", "fr", "pt", "tr"]),
        ("Öö", ["az", "et", "fi", "de", "hu", "is", "sv", "tr"]),
        ("Óó", ["ca", "hu", "is", "ga", "pl", "pt", "sk", "es", "vi", "yo"]),
        ("ÁáÍíÚú", ["ca", "cs", "is", "ga", "hu", "pt", "sk", "es", "vi", "yo"]),
        ("Éé", ["ca", "cs", "fr", "hu", "is", "ga", "it", "pt", "sk", "es", "vi", "yo"]),
    ];

    private readonly NgramFile _file;
    private readonly GroupLanguage[] _languages;
    private readonly int[] _indexOfColumn;
    private readonly bool _lowAccuracy;
    private readonly int[] _withUniqueLetters;
    private readonly (string Letters, int[] Languages, System.Buffers.SearchValues<char> Search)[] _narrowing;
    private readonly System.Buffers.SearchValues<char> _narrowingLetters;

    /// <param name="codes">The group's languages to choose among, in tie-breaking order.</param>
    /// <param name="lettersAs">Languages that count as writing the narrowing letters of another (the transliterated Serbian those of Croatian), which Lingua's table does not know.</param>
    public NgramDetector(NgramFile file, IReadOnlyList<string> codes, bool lowAccuracy, IReadOnlyDictionary<string, string>? lettersAs = null)
    {
        // Candidate languages are bits of one 64-bit mask in the scoring loop.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(codes.Count, 64, nameof(codes));
        _file = file;
        _lowAccuracy = lowAccuracy;
        _indexOfColumn = Enumerable.Repeat(-1, file.Languages.Count).ToArray();
        _languages = new GroupLanguage[codes.Count];
        for (int i = 0; i < codes.Count; i++)
        {
            int column = file.Languages.Select(l => l.Code).ToList().IndexOf(codes[i]);
            if (column < 0)
            {
                throw new NgramFileException(file.Path, $"has no model of {codes[i]}");
            }

            _indexOfColumn[column] = i;
            _languages[i] = file.Languages[column];
        }

        if (lowAccuracy ? file.MaxOrder < 3 : file.MaxOrder < 5)
        {
            throw new NgramFileException(file.Path, $"has orders up to {file.MaxOrder} only");
        }

        Codes = codes;
        _withUniqueLetters = Enumerable.Range(0, codes.Count).Where(i => _languages[i].UniqueLetters.Length > 0).ToArray();
        _narrowing = LettersToLanguages
            .Select(entry => (entry.Letters, entry.Languages
                .SelectMany(code => codes.Where(c => c == code || lettersAs?.GetValueOrDefault(c) == code))
                .Select(c => IndexOf(codes, c)).ToArray()))
            .Where(entry => entry.Item2.Length > 0)
            .Select(entry => (entry.Letters, entry.Item2, System.Buffers.SearchValues.Create(entry.Letters)))
            .ToArray();
        _narrowingLetters = System.Buffers.SearchValues.Create(string.Concat(_narrowing.Select(n => n.Letters)));
    }

    public IReadOnlyList<string> Codes { get; }

    /// <summary>Confidence per language of <see cref="Codes"/> (same order), summing to 1, or all 0 when the text leaves nothing to score.</summary>
    public double[] Confidences(string text)
    {
        var result = new double[_languages.Length];
        string cleaned = LinguaText.CleanUp(text);
        if (cleaned.Length == 0 || !LinguaText.HasLetter(cleaned))
        {
            return result;
        }

        var words = LinguaText.Words(cleaned, _file);
        int ruled = ByRules(words);
        if (ruled >= 0)
        {
            result[ruled] = 1;
            return result;
        }

        var candidates = Narrowed(words, cleaned);
        if (candidates.Count == 1)
        {
            result[candidates[0]] = 1;
            return result;
        }

        if (_lowAccuracy && cleaned.Length < 3)
        {
            return result;
        }

        bool trigramsOnly = _lowAccuracy || cleaned.Length >= HighAccuracyMaxLength;
        int firstOrder = trigramsOnly ? 3 : 1, lastOrder = trigramsOnly ? 3 : Math.Min(5, cleaned.Length);
        ulong candidateMask = 0;
        foreach (int c in candidates)
        {
            candidateMask |= 1UL << c;
        }

        var sums = new double[lastOrder + 1, _languages.Length];
        var unigramsKnown = new int[_languages.Length];
        var rows = new NgramRow?[cleaned.Length * (lastOrder + 1)];
        for (int order = firstOrder; order <= lastOrder; order++)
        {
            SumOrder(cleaned, order, candidateMask, sums, unigramsKnown, rows);
        }

        var summed = new List<(int Language, double Probability)>(candidates.Count);
        foreach (int c in candidates)
        {
            double sum = 0;
            for (int order = firstOrder; order <= lastOrder; order++)
            {
                sum += sums[order, c];
            }

            if (unigramsKnown[c] > 0)
            {
                sum /= unigramsKnown[c];
            }

            if (sum != 0)
            {
                summed.Add((c, Math.Exp(sum)));
            }
        }

        if (summed.Count == 0)
        {
            return result;
        }

        double denominator = 0;
        foreach (var (_, probability) in summed)
        {
            denominator += probability;
        }

        if (denominator == 0)
        {
            // Lingua: the exponentials of very long texts underflow; the best sum of the first order wins outright.
            int best = -1;
            foreach (int c in candidates)
            {
                if (sums[firstOrder, c] < 0 && (best < 0 || sums[firstOrder, c] > sums[firstOrder, best]))
                {
                    best = c;
                }
            }

            if (best >= 0)
            {
                result[best] = 1;
            }

            return result;
        }

        foreach (var (language, probability) in summed)
        {
            result[language] = probability / denominator;
        }

        return result;
    }

    /// <summary>
    /// Sums, per candidate, the log-probability of each distinct n-gram of one order (its longest
    /// known prefix's), in the order the n-grams first occur; a candidate that knows none keeps 0.
    /// For unigrams also counts how many the candidate knows. The prefix of length m of the n-gram
    /// at a position is the m-gram there, so each is looked up once (<paramref name="rows"/>, per
    /// position and length); and as every n-gram's prefix is in the models too (the compiler
    /// checks it), an n-gram whose prefix no language has is not looked up at all.
    /// </summary>
    private void SumOrder(string text, int order, ulong candidates, double[,] sums, int[] unigramsKnown, NgramRow?[] rows)
    {
        int stride = rows.Length / text.Length;
        // Short text (most captions) dedups its few n-grams by a scan of the stack, longer text by a set.
        const int ScannedAtMost = 64;
        HashSet<UInt128>? seenSet = text.Length > ScannedAtMost ? [] : null;
        Span<UInt128> seenList = stackalloc UInt128[seenSet is null ? ScannedAtMost : 0];
        int seenCount = 0;
        Span<int> letters = stackalloc int[5];
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i]))
            {
                i++;
                continue;
            }

            int runStart = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }

            for (int start = runStart; start + order <= i; start++)
            {
                UInt128 exact = 0;
                for (int k = 0; k < order; k++)
                {
                    exact = (exact << 16) | text[start + k];
                    letters[k] = _file.LetterIndex(text[start + k]);
                }

                if (seenSet is not null ? !seenSet.Add(exact) : seenList[..seenCount].Contains(exact))
                {
                    continue;
                }

                if (seenSet is null)
                {
                    seenList[seenCount++] = exact;
                }

                ulong remaining = candidates;
                for (int length = order; length >= 1 && remaining != 0; length--)
                {
                    var row = Row(start, length, letters, rows, stride);
                    foreach (uint entry in _file.Entries(length, row))
                    {
                        int language = _indexOfColumn[entry >> NgramFileFormat.LanguageShift];
                        if (language >= 0 && (remaining & (1UL << language)) != 0)
                        {
                            sums[order, language] += _file.Value(length, entry);
                            remaining &= ~(1UL << language);
                            if (order == 1)
                            {
                                unigramsKnown[language]++;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The row of the <paramref name="length"/>-gram at <paramref name="start"/> (its letter indices in <paramref name="letters"/>), looked up once.</summary>
    private NgramRow Row(int start, int length, ReadOnlySpan<int> letters, NgramRow?[] rows, int stride)
    {
        ref var known = ref rows[(start * stride) + length];
        if (known is { } row)
        {
            return row;
        }

        if (length > 1 && Row(start, length - 1, letters, rows, stride).Count == 0)
        {
            known = default(NgramRow); // no language has the prefix, so none has the n-gram
            return default;
        }

        ulong key = 0;
        for (int k = 0; k < length; k++)
        {
            if (letters[k] == 0)
            {
                known = default(NgramRow);
                return default;
            }

            key = (key << NgramFileFormat.BitsPerLetter) | (uint)letters[k];
        }

        known = _file.FindRow(length, key);
        return known.Value;
    }

    /// <summary>
    /// Lingua's first rule: each word votes for the language whose unique letters (ř, ő, ђ …) it
    /// has most of, or for none; a language that wins the vote, with unknown words under half, is
    /// the answer (-1 for none).
    /// </summary>
    private int ByRules(List<string> words)
    {
        var totals = new Dictionary<int, int>();
        var counts = new Dictionary<int, int>();
        foreach (string word in words)
        {
            counts.Clear();
            foreach (char c in word)
            {
                int alphabet = _file.AlphabetOf(c);
                if (alphabet == Alphabet.Han)
                {
                    Increment(counts, Chinese);
                }
                else if (alphabet is Alphabet.Hiragana or Alphabet.Katakana)
                {
                    Increment(counts, Japanese);
                }
                else if (alphabet is Alphabet.Latin or Alphabet.Cyrillic or Alphabet.Devanagari)
                {
                    foreach (int language in _withUniqueLetters)
                    {
                        if (_languages[language].UniqueLetters.Contains(c))
                        {
                            Increment(counts, language);
                        }
                    }
                }
            }

            int vote = counts.Count switch
            {
                0 => Unknown,
                1 => Math.Max(counts.Keys.First(), Unknown),
                _ => UniqueMaximum(counts),
            };
            Increment(totals, vote < 0 ? Unknown : vote);
        }

        if (totals.GetValueOrDefault(Unknown) < 0.5 * words.Count)
        {
            totals.Remove(Unknown);
        }

        return totals.Count switch
        {
            0 => Unknown,
            1 => totals.Keys.First(),
            _ => UniqueMaximum(totals),
        };
    }

    /// <summary>Lingua's second rule: the candidates that write the words' most frequent alphabet, narrowed to those that write letters such as ć or ő found in at least half the words.</summary>
    private List<int> Narrowed(List<string> words, string text)
    {
        var alphabets = new List<(int Alphabet, int Letters)>();
        foreach (string word in words)
        {
            int alphabet = _file.AlphabetOf(word[0]);
            bool one = alphabet != NgramFileFormat.None;
            for (int i = 1; i < word.Length && one; i++)
            {
                one = _file.AlphabetOf(word[i]) == alphabet;
            }

            if (one)
            {
                Increment(alphabets, alphabet, word.Length);
            }
        }

        var all = Enumerable.Range(0, _languages.Length).ToList();
        if (alphabets.Count == 0 || (alphabets.Count > 1 && alphabets.All(a => a.Letters == alphabets[0].Letters)))
        {
            return all;
        }

        var most = alphabets[0];
        foreach (var a in alphabets)
        {
            if (a.Letters > most.Letters)
            {
                most = a;
            }
        }

        var writing = all.Where(l => (_languages[l].Alphabets & (1u << most.Alphabet)) != 0).ToList();
        var letterCounts = new List<(int Language, int Count)>();
        if (!text.AsSpan().ContainsAny(_narrowingLetters))
        {
            return writing; // most text: none of the narrowing letters at all
        }

        foreach (var (letters, languages, search) in _narrowing)
        {
            if (!text.AsSpan().ContainsAny(search))
            {
                continue; // no word has them: nothing counted, whatever the order
            }

            foreach (string word in words)
            {
                foreach (char c in letters)
                {
                    if (!word.Contains(c))
                    {
                        continue;
                    }

                    foreach (int language in languages)
                    {
                        if (writing.Contains(language))
                        {
                            Increment(letterCounts, language, 1);
                        }
                    }
                }
            }
        }

        double half = 0.5 * words.Count;
        var narrowed = letterCounts.Where(x => x.Count >= half).Select(x => x.Language).ToList();
        return narrowed.Count > 0 ? narrowed : writing;
    }

    /// <summary>The key with the strictly highest count, or -1 when the highest is shared.</summary>
    private static int UniqueMaximum(Dictionary<int, int> counts)
    {
        int best = Unknown, bestCount = -1;
        bool shared = false;
        foreach (var (key, count) in counts)
        {
            if (count > bestCount)
            {
                (best, bestCount, shared) = (key, count, false);
            }
            else if (count == bestCount)
            {
                shared = true;
            }
        }

        return shared || best < 0 ? Unknown : best;
    }

    private static void Increment(Dictionary<int, int> counts, int key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    /// <summary>Adds to the count of <paramref name="key"/>, keeping the order keys were first counted in (Lingua's dictionary order).</summary>
    private static void Increment(List<(int Key, int Count)> counts, int key, int amount)
    {
        for (int i = 0; i < counts.Count; i++)
        {
            if (counts[i].Key == key)
            {
                counts[i] = (key, counts[i].Count + amount);
                return;
            }
        }

        counts.Add((key, amount));
    }

    /// <summary>The position of <paramref name="code"/> in <see cref="Codes"/>, or -1.</summary>
    public int IndexOf(string code) => IndexOf(Codes, code);

    private static int IndexOf(IReadOnlyList<string> codes, string code)
    {
        for (int i = 0; i < codes.Count; i++)
        {
            if (codes[i] == code)
            {
                return i;
            }
        }

        return -1;
    }
}
