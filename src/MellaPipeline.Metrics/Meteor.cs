namespace MellaPipeline.Metrics;

/// <summary>
/// METEOR as NLTK 3.x's <c>meteor_score</c> computes it: words aligned greedily, scanning both
/// hypothesis and reference from the end — exact matches first, then matches of stems — then
/// P = m/|hyp|, R = m/|ref|, Fmean = PR / (αP + (1−α)R), a fragmentation penalty
/// γ·(chunks/m)^β, and the best score over the references. NLTK's third stage (English WordNet
/// synonyms) is left out: no such resource exists for the target languages; none of NLTK's own
/// test cases depends on it.
/// </summary>
/// <remarks>Not thread-safe (it reuses a word table); use one per thread.</remarks>
/// <param name="lowercase">Lower-case every word as NLTK's default preprocessing (<c>str.lower</c>) does; false = words are compared as given.</param>
public sealed class Meteor(IStemmer? stemmer, double alpha = 0.9, double beta = 3, double gamma = 0.5, bool lowercase = true)
{
    public string Signature => $"meteor|alpha:{alpha}|beta:{beta}|gamma:{gamma}|match:exact{(stemmer is null ? "" : "+stem:" + stemmer.Name)}";

    /// <summary>The best score (0–1) over the references of already tokenized words.</summary>
    public double Score(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis) =>
        references.Count == 0 ? 0 : references.Max(reference => Single(reference, hypothesis));

    public double Single(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis)
    {
        try
        {
            var hyp = new int[hypothesis.Count];
            var refs = new int[reference.Count];
            for (int i = 0; i < hyp.Length; i++)
            {
                hyp[i] = Id(Preprocess(hypothesis[i]));
            }

            for (int j = 0; j < refs.Length; j++)
            {
                refs[j] = Id(Preprocess(reference[j]));
            }

            return Aligned(hyp, refs, stemmer is null ? null : (ids, i) => Id(stemmer.Stem(Preprocess(ids == hyp ? hypothesis[i] : reference[i]))));
        }
        finally
        {
            _ids.Clear();
        }
    }

    /// <summary>
    /// The score of words already numbered (equal words, equal numbers; lower case): exact matching
    /// only. What <see cref="CaptionScorer"/> uses when no stemmer applies, without a string per word.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public double SingleIds(int[] reference, int[] hypothesis) => Aligned(hypothesis, reference, null);

    /// <summary>
    /// NLTK's alignment with "used" flags in place of its list removals — the same scan order
    /// (hypothesis and reference from the end), so the same alignment — then the score.
    /// </summary>
    /// <param name="stemOf">The number of the stem of word i of the given array; null = no stem stage.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private double Aligned(int[] hyp, int[] refs, Func<int[], int, int>? stemOf)
    {
        int hypLength = hyp.Length, refLength = refs.Length;
        if (hypLength == 0 || refLength == 0)
        {
            return 0.0;
        }

        var hypUsed = new bool[hypLength];
        var refUsed = new bool[refLength];
        var matches = new List<(int Hyp, int Ref)>();
        Match(hyp, refs, hypUsed, refUsed, matches);
        if (stemOf is not null)
        {
            var hypStems = new int[hypLength];
            var refStems = new int[refLength];
            for (int i = 0; i < hypLength; i++)
            {
                hypStems[i] = hypUsed[i] ? -1 : stemOf(hyp, i);
            }

            for (int j = 0; j < refLength; j++)
            {
                refStems[j] = refUsed[j] ? -2 : stemOf(refs, j);
            }

            Match(hypStems, refStems, hypUsed, refUsed, matches);
        }

        int m = matches.Count;
        if (m == 0)
        {
            return 0.0;
        }

        matches.Sort((a, b) => a.Hyp.CompareTo(b.Hyp));
        double precision = (double)m / hypLength, recall = (double)m / refLength;
        double fmean = precision * recall / (alpha * precision + (1 - alpha) * recall);
        double fragmentation = (double)Chunks(matches) / m;
        return (1 - gamma * Math.Pow(fragmentation, beta)) * fmean;
    }

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    private string Preprocess(string word) => lowercase ? PythonText.Lower(word) : word;

    private int Id(string word)
    {
        if (!_ids.TryGetValue(word, out int id))
        {
            id = _ids[word] = _ids.Count;
        }

        return id;
    }

    /// <summary>NLTK's <c>_match_enums</c> over the words not matched yet: each hypothesis word, last first, takes the last equal reference word.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Match(int[] hyp, int[] refs, bool[] hypUsed, bool[] refUsed, List<(int Hyp, int Ref)> matches)
    {
        for (int i = hyp.Length - 1; i >= 0; i--)
        {
            if (hypUsed[i])
            {
                continue;
            }

            for (int j = refs.Length - 1; j >= 0; j--)
            {
                if (!refUsed[j] && refs[j] == hyp[i])
                {
                    matches.Add((i, j));
                    hypUsed[i] = refUsed[j] = true;
                    break;
                }
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static int Chunks(List<(int Hyp, int Ref)> matches)
    {
        int chunks = 1;
        for (int i = 0; i < matches.Count - 1; i++)
        {
            if (!(matches[i + 1].Hyp == matches[i].Hyp + 1 && matches[i + 1].Ref == matches[i].Ref + 1))
            {
                chunks++;
            }
        }

        return chunks;
    }
}
