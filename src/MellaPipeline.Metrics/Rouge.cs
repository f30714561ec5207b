namespace MellaPipeline.Metrics;

/// <summary>Precision, recall and F-measure, each in [0, 1].</summary>
public readonly record struct PrfScore(double Precision, double Recall, double FMeasure)
{
    public static PrfScore Of(double precision, double recall) =>
        new(precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0);
}

/// <summary>
/// ROUGE as Google's rouge-score computes it — <c>score(target, prediction)</c> over tokens:
/// ROUGE-N from clipped n-gram overlaps, ROUGE-L from the longest common subsequence, ROUGE-Lsum
/// from the union LCS of each target sentence (lines) against all prediction sentences. The
/// tokenizer is the caller's (<see cref="WordTokenizer"/>: rouge-score's own on ASCII, every
/// script's letters and digits kept elsewhere).
/// </summary>
public static class Rouge
{
    public static PrfScore N(IReadOnlyList<string> target, IReadOnlyList<string> prediction, int n)
    {
        var targetGrams = Grams(target, n);
        var predictionGrams = Grams(prediction, n);
        int overlap = 0;
        foreach (var (gram, count) in targetGrams)
        {
            overlap += Math.Min(count, predictionGrams.GetValueOrDefault(gram));
        }

        int targetCount = targetGrams.Values.Sum(), predictionCount = predictionGrams.Values.Sum();
        return PrfScore.Of(overlap / (double)Math.Max(predictionCount, 1), overlap / (double)Math.Max(targetCount, 1));
    }

    public static PrfScore L(IReadOnlyList<string> target, IReadOnlyList<string> prediction)
    {
        if (target.Count == 0 || prediction.Count == 0)
        {
            return new PrfScore(0, 0, 0);
        }

        int lcs = LcsTable(target, prediction)[target.Count, prediction.Count];
        return PrfScore.Of(lcs / (double)prediction.Count, lcs / (double)target.Count);
    }

    /// <summary>ROUGE-L of words already numbered: the LCS length with one row of memory.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static PrfScore L(ReadOnlySpan<int> target, ReadOnlySpan<int> prediction)
    {
        if (target.Length == 0 || prediction.Length == 0)
        {
            return new PrfScore(0, 0, 0);
        }

        Span<int> row = prediction.Length < 512 ? stackalloc int[prediction.Length + 1] : new int[prediction.Length + 1];
        row.Clear();
        for (int i = 1; i <= target.Length; i++)
        {
            int diagonal = 0;
            for (int j = 1; j <= prediction.Length; j++)
            {
                int above = row[j];
                row[j] = target[i - 1] == prediction[j - 1] ? diagonal + 1 : Math.Max(above, row[j - 1]);
                diagonal = above;
            }
        }

        int lcs = row[prediction.Length];
        return PrfScore.Of(lcs / (double)prediction.Length, lcs / (double)target.Length);
    }

    /// <summary>Summary-level ROUGE-L over sentences (rouge-score's <c>rougeLsum</c>, sentences being lines).</summary>
    public static PrfScore LSum(IReadOnlyList<IReadOnlyList<string>> targetSentences, IReadOnlyList<IReadOnlyList<string>> predictionSentences)
    {
        int m = targetSentences.Sum(s => s.Count), n = predictionSentences.Sum(s => s.Count);
        if (m == 0 || n == 0)
        {
            return new PrfScore(0, 0, 0);
        }

        var targetCounts = Counts(targetSentences);
        var predictionCounts = Counts(predictionSentences);
        int hits = 0;
        foreach (var sentence in targetSentences)
        {
            var union = new SortedSet<int>();
            foreach (var prediction in predictionSentences)
            {
                union.UnionWith(LcsIndices(sentence, prediction));
            }

            foreach (int index in union)
            {
                string token = sentence[index];
                if (predictionCounts.GetValueOrDefault(token) > 0 && targetCounts.GetValueOrDefault(token) > 0)
                {
                    hits++;
                    predictionCounts[token]--;
                    targetCounts[token]--;
                }
            }
        }

        return PrfScore.Of(hits / (double)n, hits / (double)m);
    }

    internal static int[,] LcsTable(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var table = new int[a.Count + 1, b.Count + 1];
        for (int i = 1; i <= a.Count; i++)
        {
            for (int j = 1; j <= b.Count; j++)
            {
                table[i, j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal)
                    ? table[i - 1, j - 1] + 1
                    : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }

        return table;
    }

    /// <summary>Indices into <paramref name="target"/> of one LCS, backtracked as rouge-score does.</summary>
    internal static List<int> LcsIndices(IReadOnlyList<string> target, IReadOnlyList<string> prediction)
    {
        var table = LcsTable(target, prediction);
        var indices = new List<int>();
        int i = target.Count, j = prediction.Count;
        while (i > 0 && j > 0)
        {
            if (string.Equals(target[i - 1], prediction[j - 1], StringComparison.Ordinal))
            {
                indices.Add(i - 1);
                i--;
                j--;
            }
            else if (table[i, j - 1] > table[i - 1, j])
            {
                j--;
            }
            else
            {
                i--;
            }
        }

        indices.Reverse();
        return indices;
    }

    private static Dictionary<string, int> Grams(IReadOnlyList<string> tokens, int n)
    {
        var grams = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            string gram = string.Join('\u0001', tokens.Skip(i).Take(n));
            grams[gram] = grams.GetValueOrDefault(gram) + 1;
        }

        return grams;
    }

    private static Dictionary<string, int> Counts(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in sentences.SelectMany(s => s))
        {
            counts[token] = counts.GetValueOrDefault(token) + 1;
        }

        return counts;
    }
}
