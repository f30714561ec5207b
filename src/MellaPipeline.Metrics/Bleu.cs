using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MellaPipeline.Metrics;

/// <summary>BLEU's smoothing methods, by sacreBLEU's names.</summary>
public enum BleuSmoothing
{
    /// <summary><c>exp</c>: NIST geometric smoothing of zero-count orders (sacreBLEU's default).</summary>
    Exp,

    /// <summary><c>floor</c>: a zero-count order's matches replaced by a small value (default 0.1).</summary>
    Floor,

    /// <summary><c>add-k</c>: k added to matches and totals of orders 2 and up (default 1).</summary>
    AddK,

    /// <summary><c>none</c>.</summary>
    None,
}

/// <summary>The sufficient statistics of BLEU: lengths, and matches and totals per n-gram order.</summary>
public sealed class BleuStatistics(int maxOrder)
{
    public long HypothesisLength { get; set; }

    public long ReferenceLength { get; set; }

    public double[] Correct { get; } = new double[maxOrder];

    public double[] Total { get; } = new double[maxOrder];

    public void Add(BleuStatistics other)
    {
        HypothesisLength += other.HypothesisLength;
        ReferenceLength += other.ReferenceLength;
        for (int n = 0; n < Correct.Length; n++)
        {
            Correct[n] += other.Correct[n];
            Total[n] += other.Total[n];
        }
    }
}

/// <summary>
/// BLEU exactly as sacreBLEU 2.x computes it: lowercasing (optional) then tokenization, n-gram
/// matches clipped by the largest count in any one reference, the closest reference length (the
/// shorter on a tie), the brevity penalty, smoothing, and (optionally) effective order.
/// </summary>
public sealed class Bleu(BleuTokenizer tokenizer, BleuSmoothing smoothing = BleuSmoothing.Exp, double? smoothValue = null,
    bool lowercase = false, bool effectiveOrder = false, int maxOrder = 4)
{
    public BleuTokenizer Tokenizer => tokenizer;

    /// <summary>sacreBLEU-style: <c>nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.x-compatible</c>.</summary>
    public string Signature(int references) =>
        $"nrefs:{references}|case:{(lowercase ? "lc" : "mixed")}|eff:{(effectiveOrder ? "yes" : "no")}|tok:{tokenizer.Name}" +
        $"{(tokenizer.Name == "th" ? $"-icu{ThaiWords.IcuVersion}" : "")}|smooth:{SmoothName(smoothing)}|version:mella-sacrebleu2";

    public static string SmoothName(BleuSmoothing smoothing) => smoothing switch
    {
        BleuSmoothing.Exp => "exp",
        BleuSmoothing.Floor => "floor",
        BleuSmoothing.AddK => "add-k",
        _ => "none",
    };

    public static BleuSmoothing? ParseSmoothing(string name) => name switch
    {
        "exp" => BleuSmoothing.Exp,
        "floor" => BleuSmoothing.Floor,
        "add-k" => BleuSmoothing.AddK,
        "none" => BleuSmoothing.None,
        _ => null,
    };

    /// <summary>The statistics of one hypothesis against its references (null references are skipped, as sacreBLEU does).</summary>
    /// <remarks>Not thread-safe: an instance reuses its buffers; use one per thread.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public BleuStatistics Statistics(string hypothesis, IReadOnlyList<string?> references)
    {
        string hypothesisText = Preprocess(hypothesis);
        var referenceTexts = new List<string>(references.Count);
        foreach (string? reference in references)
        {
            if (reference is not null)
            {
                referenceTexts.Add(Preprocess(reference));
            }
        }

        var stats = new BleuStatistics(maxOrder);
        if (maxOrder <= PackedOrders)
        {
            try
            {
                var hypothesisIds = Numbers(hypothesisText);
                var referenceIds = referenceTexts.Select(Numbers).ToList();
                if (_numbers.Count < (1 << TokenBits))
                {
                    stats.HypothesisLength = hypothesisIds.Length;
                    stats.ReferenceLength = ClosestLength(hypothesisIds.Length, referenceIds.Select(r => r.Length).ToList());
                    CountPacked(hypothesisIds, referenceIds, stats);
                    return stats;
                }
            }
            finally
            {
                _numbers.Clear();
            }
        }

        var hypothesisTokens = Split(hypothesisText);
        var referenceTokens = referenceTexts.Select(Split).ToList();
        stats.HypothesisLength = hypothesisTokens.Length;
        stats.ReferenceLength = ClosestLength(hypothesisTokens.Length, referenceTokens.Select(r => r.Length).ToList());
        CountByStrings(hypothesisTokens, referenceTokens, stats);
        return stats;
    }

    /// <summary>N-grams of up to four tokens packed exactly into 64 bits (4-bit order, four 15-bit token numbers local to the sentence pair).</summary>
    private const int PackedOrders = 4;

    private const int TokenBits = 15;

    private readonly WordNumbers _numbers = new();
    private readonly Dictionary<ulong, int> _referenceMax = [];
    private readonly List<ulong> _grams = [];
    private readonly List<ulong> _referenceGrams = [];
    private readonly List<int> _tokenIds = [];

    /// <summary>The whitespace-separated tokens of a tokenized line as numbers from 1 (0 never occurs, so packed n-grams of different orders differ).</summary>
    private int[] Numbers(string tokenized) => _numbers.OfWords(tokenized, _tokenIds, first: 1);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CountPacked(int[] hypothesis, List<int[]> references, BleuStatistics stats)
    {
        if (references.Count == 1)
        {
            // One reference (the usual case): both sides sorted, matches counted in one merge.
            Pack(references[0], _referenceGrams);
            Pack(hypothesis, _grams);
            CountMerged(CollectionsMarshal.AsSpan(_grams), CollectionsMarshal.AsSpan(_referenceGrams), stats);
            return;
        }

        _referenceMax.Clear();
        foreach (var reference in references)
        {
            Pack(reference, _grams);
            var grams = CollectionsMarshal.AsSpan(_grams);
            for (int i = 0, count; i < grams.Length; i += count)
            {
                count = RunLength(grams, i);
                if (count > _referenceMax.GetValueOrDefault(grams[i]))
                {
                    _referenceMax[grams[i]] = count;
                }
            }
        }

        Pack(hypothesis, _grams);
        var hypothesisGrams = CollectionsMarshal.AsSpan(_grams);
        for (int i = 0, count; i < hypothesisGrams.Length; i += count)
        {
            count = RunLength(hypothesisGrams, i);
            int n = (int)(hypothesisGrams[i] >> 60) - 1;
            stats.Total[n] += count;
            if (_referenceMax.TryGetValue(hypothesisGrams[i], out int referenceCount))
            {
                stats.Correct[n] += Math.Min(count, referenceCount);
            }
        }
    }

    /// <summary>Totals and clipped matches of sorted hypothesis n-grams against one reference's sorted n-grams.</summary>
    private static void CountMerged(ReadOnlySpan<ulong> hypothesis, ReadOnlySpan<ulong> reference, BleuStatistics stats)
    {
        int j = 0;
        for (int i = 0, count; i < hypothesis.Length; i += count)
        {
            ulong gram = hypothesis[i];
            count = RunLength(hypothesis, i);
            int n = (int)(gram >> 60) - 1;
            stats.Total[n] += count;
            while (j < reference.Length && reference[j] < gram)
            {
                j++;
            }

            int referenceCount = j < reference.Length && reference[j] == gram ? RunLength(reference, j) : 0;
            stats.Correct[n] += Math.Min(count, referenceCount);
            j += referenceCount;
        }
    }

    /// <summary>How many times the n-gram at <paramref name="start"/> repeats there (the span is sorted).</summary>
    private static int RunLength(ReadOnlySpan<ulong> grams, int start)
    {
        int end = start + 1;
        while (end < grams.Length && grams[end] == grams[start])
        {
            end++;
        }

        return end - start;
    }

    /// <summary>Fills <paramref name="grams"/> with the sorted packed n-grams of a sentence.</summary>
    private void Pack(int[] ids, List<ulong> grams)
    {
        grams.Clear();
        for (int n = 1; n <= maxOrder; n++)
        {
            for (int i = 0; i + n <= ids.Length; i++)
            {
                ulong gram = (ulong)n << 60;
                for (int k = 0; k < n; k++)
                {
                    gram |= (ulong)ids[i + k] << (TokenBits * (PackedOrders - 1 - k));
                }

                grams.Add(gram);
            }
        }

        CollectionsMarshal.AsSpan(grams).Sort();
    }

    /// <summary>Counting with joined strings as keys: orders above four, or more distinct tokens than 15 bits number.</summary>
    private void CountByStrings(string[] hypothesis, List<string[]> references, BleuStatistics stats)
    {
        var referenceCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            foreach (var (ngram, count) in NGrams(reference))
            {
                if (count > referenceCounts.GetValueOrDefault(ngram))
                {
                    referenceCounts[ngram] = count;
                }
            }
        }

        foreach (var (ngram, count) in NGrams(hypothesis))
        {
            int n = ngram[0] - '0' - 1;
            stats.Total[n] += count;
            if (referenceCounts.TryGetValue(ngram, out int referenceCount))
            {
                stats.Correct[n] += Math.Min(count, referenceCount);
            }
        }
    }

    private static string[] Split(string tokenized) => [.. PythonText.Split(tokenized)];

    /// <summary>Corpus BLEU (0–100) of hypotheses against reference streams (stream i holds the i-th reference of every hypothesis).</summary>
    public double Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams)
    {
        var total = new BleuStatistics(maxOrder);
        for (int i = 0; i < hypotheses.Count; i++)
        {
            total.Add(Statistics(hypotheses[i], referenceStreams.Select(stream => stream[i]).ToArray()));
        }

        return Score(total);
    }

    /// <summary>BLEU (0–100) from summed statistics: sacreBLEU's <c>compute_bleu</c>.</summary>
    public double Score(BleuStatistics stats) =>
        Compute((double[])stats.Correct.Clone(), (double[])stats.Total.Clone(), stats.HypothesisLength, stats.ReferenceLength, smoothing, smoothValue, effectiveOrder, maxOrder);

    public static double Compute(double[] correct, double[] total, double systemLength, double referenceLength,
        BleuSmoothing smoothing, double? smoothValue, bool effectiveOrder, int maxOrder)
    {
        double value = smoothValue ?? (smoothing == BleuSmoothing.Floor ? 0.1 : 1);
        double brevity = systemLength < referenceLength ? (systemLength > 0 ? Math.Exp(1 - referenceLength / systemLength) : 0.0) : 1.0;
        var precisions = new double[maxOrder];
        if (correct.All(c => c == 0))
        {
            return 0.0;
        }

        double smoothMteval = 1.0;
        int order = maxOrder;
        for (int n = 1; n <= maxOrder; n++)
        {
            if (smoothing == BleuSmoothing.AddK && n > 1)
            {
                correct[n - 1] += value;
                total[n - 1] += value;
            }

            if (total[n - 1] == 0)
            {
                break;
            }

            if (effectiveOrder)
            {
                order = n;
            }

            if (correct[n - 1] == 0)
            {
                if (smoothing == BleuSmoothing.Exp)
                {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * total[n - 1]);
                }
                else if (smoothing == BleuSmoothing.Floor)
                {
                    precisions[n - 1] = 100.0 * value / total[n - 1];
                }
            }
            else
            {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }

        double logSum = 0;
        for (int i = 0; i < order; i++)
        {
            logSum += precisions[i] == 0.0 ? -9999999999 : Math.Log(precisions[i]);
        }

        return brevity * Math.Exp(logSum / order);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private string Preprocess(string text)
    {
        if (lowercase)
        {
            text = PythonText.Lower(text);
        }

        return tokenizer.Tokenize(text.TrimEnd(PythonWhitespace));
    }

    private static readonly char[] PythonWhitespace = [.. Enumerable.Range(0, 0x3001).Select(i => (char)i).Where(PythonText.IsWhitespace)];

    /// <summary>N-grams of orders 1..max as joined keys with a leading order digit (orders above four, or very long sentences).</summary>
    private Dictionary<string, int> NGrams(string[] tokens)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 1; n <= maxOrder; n++)
        {
            for (int i = 0; i + n <= tokens.Length; i++)
            {
                string key = (char)('0' + n) + string.Join('\u0001', tokens, i, n);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        return counts;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static int ClosestLength(int hypothesisLength, List<int> referenceLengths)
    {
        int closestDiff = -1, closestLength = -1;
        foreach (int length in referenceLengths)
        {
            int diff = Math.Abs(hypothesisLength - length);
            if (closestDiff == -1 || diff < closestDiff)
            {
                closestDiff = diff;
                closestLength = length;
            }
            else if (diff == closestDiff && length < closestLength)
            {
                closestLength = length;
            }
        }

        return closestLength;
    }
}
