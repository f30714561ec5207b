using System.Numerics;

namespace MellaPipeline.Dedup;

/// <summary>The nearest reference hash within the threshold: its index and Hamming distance, or <see cref="None"/>.</summary>
public readonly record struct PhashMatch(int Reference, int Distance)
{
    public static readonly PhashMatch None = new(-1, -1);

    public bool Found => Reference >= 0;
}

/// <summary>
/// Answers, for a query hash, "the nearest reference hash within T bits, and its distance", exactly
/// (every reference within T is considered; ties go to the smallest reference index), over a fixed
/// list of 64-bit perceptual hashes: multi-index hashing. The hash is cut into m blocks; if a query
/// and a reference differ in at most T = m·r + a bits (0 ≤ a &lt; m), then one of the first a + 1
/// blocks differs in at most r bits or one of the others in at most r − 1 (generalised pigeonhole:
/// otherwise the distance would be at least (a + 1)(r + 1) + (m − a − 1)·r = T + 1). Each searched
/// block is a direct-addressed table; a query probes every bucket within its block's radius and
/// checks each member on the whole hash. m is chosen per (T, N) by a cost model fitted to
/// measurements (<see cref="ChooseBlocks"/>; docs/BENCHMARKS.md).
/// <para>
/// Memory: the references (8 bytes each) plus, per searched block, 12 bytes a reference and
/// 4 × 2^bits bytes of bucket offsets — at 1,000,000 references and T = 10 (4 blocks of 16 bits)
/// about 56 bytes a reference and 1 MiB of offsets. The index is read-only once built, so any
/// number of threads may query it.
/// </para>
/// </summary>
public sealed class PhashQueryIndex
{
    /// <summary>The largest threshold the index takes: beyond it, far more of a 64-bit hash space is "near" than a benchmark or blocklist means.</summary>
    public const int MaxThreshold = 16;

    /// <summary>Fitted costs (relative): one bucket probed, one member compared.</summary>
    private const double ProbeCost = 1.0, CompareCost = 0.35;

    private readonly ulong[] _references;
    private readonly BlockTable[] _tables;
    private readonly int[][] _masks;

    private PhashQueryIndex(ulong[] references, int threshold, int blocks, BlockTable[] tables, int[][] masks)
    {
        _references = references;
        Threshold = threshold;
        Blocks = blocks;
        _tables = tables;
        _masks = masks;
    }

    public int Threshold { get; }

    /// <summary>How many blocks the hash is cut into (m); some may not need a table.</summary>
    public int Blocks { get; }

    public int Count => _references.Length;

    /// <summary>The index's memory, the references included.</summary>
    public long Bytes => _references.Length * 8L + _tables.Sum(t => t.Bytes);

    /// <summary>Builds the index over <paramref name="references"/> for queries within <paramref name="threshold"/> bits; <paramref name="blocks"/> overrides the chosen m (for measurements).</summary>
    public static PhashQueryIndex Build(ReadOnlySpan<ulong> references, int threshold, int? blocks = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, MaxThreshold);
        int m = blocks ?? ChooseBlocks(references.Length, threshold);
        var layout = Layout(m, threshold);
        var values = references.ToArray();
        var tables = new List<BlockTable>();
        var masks = new List<int[]>();
        foreach (var (shift, bits, radius) in layout)
        {
            if (radius >= 0)
            {
                tables.Add(BlockTable.Build(values, shift, bits));
                masks.Add(HashBlocks.FlipMasks(bits, radius));
            }
        }

        return new PhashQueryIndex(values, threshold, m, [.. tables], [.. masks]);
    }

    /// <summary>
    /// The block count with the least modelled cost per query: every probe plus every expected
    /// member compared (N / 2^bits per bucket, for hashes spread evenly), over 3 to 6 blocks (22 to
    /// 10 bits; fewer, wider blocks would need tables of 4 × 2^bits bytes far beyond any cache).
    /// </summary>
    public static int ChooseBlocks(int references, int threshold)
    {
        int best = 3;
        double bestCost = double.MaxValue;
        for (int m = 3; m <= 6; m++)
        {
            double cost = 0;
            foreach (var (_, bits, radius) in Layout(m, threshold))
            {
                if (radius >= 0)
                {
                    double probes = HashBlocks.MaskCount(bits, radius);
                    cost += probes * (ProbeCost + CompareCost * references / Math.Pow(2, bits));
                }
            }

            if (cost < bestCost)
            {
                (best, bestCost) = (m, cost);
            }
        }

        return best;
    }

    /// <summary>The m blocks (low bits first, the wider ones first) and each one's search radius; −1 for a block that need not be searched.</summary>
    private static (int Shift, int Bits, int Radius)[] Layout(int m, int threshold)
    {
        int r = threshold / m, a = threshold % m;
        var layout = new (int, int, int)[m];
        for (int j = 0, shift = 0; j < m; j++)
        {
            int bits = 64 / m + (j < 64 % m ? 1 : 0);
            layout[j] = (shift, bits, j <= a ? r : r - 1);
            shift += bits;
        }

        return layout;
    }

    /// <summary>The nearest reference within the threshold of <paramref name="query"/>.</summary>
    public PhashMatch Nearest(ulong query)
    {
        ulong best = ulong.MaxValue;
        for (int t = 0; t < _tables.Length; t++)
        {
            best = Probe(_tables[t], _masks[t], query, best);
        }

        return Unpack(best);
    }

    /// <summary>
    /// <see cref="Nearest"/> for every query, on <paramref name="maxDegreeOfParallelism"/> threads
    /// (−1: all cores). Queries are answered block by block in order of their block value, so that
    /// consecutive queries probe neighbouring buckets and the tables are read from cache rather than
    /// memory; that order costs 4 bytes a query (and 4 × 2^bits bytes) per block.
    /// </summary>
    public PhashMatch[] NearestAll(ReadOnlySpan<ulong> queries, int maxDegreeOfParallelism = -1)
    {
        var values = queries.ToArray();
        var best = new ulong[values.Length];
        Array.Fill(best, ulong.MaxValue);
        int parts = Math.Max(1, Environment.ProcessorCount * 16);
        for (int t = 0; t < _tables.Length; t++)
        {
            var table = _tables[t];
            var masks = _masks[t];
            BlockTable.CountingOrder(values, table.Shift, table.Bits, out var order);
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, part =>
            {
                int from = (int)((long)order.Length * part / parts), to = (int)((long)order.Length * (part + 1) / parts);
                for (int k = from; k < to; k++)
                {
                    int q = order[k];
                    best[q] = Probe(table, masks, values[q], best[q]);
                }
            });
        }

        var matches = new PhashMatch[values.Length];
        for (int q = 0; q < values.Length; q++)
        {
            matches[q] = Unpack(best[q]);
        }

        return matches;
    }

    /// <summary>
    /// The better of <paramref name="best"/> and every member of the buckets within the table's
    /// radius of <paramref name="query"/>; a match is packed as distance · 2^32 + index, so the
    /// smaller number is the nearer reference and, at equal distance, the smaller index.
    /// </summary>
    private ulong Probe(BlockTable table, int[] masks, ulong query, ulong best)
    {
        int bucket = table.BucketOf(query);
        var offsets = table.Offsets;
        var hashes = table.Hashes;
        var members = table.Members;
        int threshold = Threshold;
        foreach (int mask in masks)
        {
            int other = bucket ^ mask, start = offsets[other];
            var candidates = hashes.AsSpan(start, offsets[other + 1] - start); // a span: no bounds check per member
            for (int i = 0; i < candidates.Length; i++)
            {
                int distance = BitOperations.PopCount(query ^ candidates[i]);
                if (distance <= threshold)
                {
                    best = Math.Min(best, ((ulong)distance << 32) | (uint)members[start + i]);
                }
            }
        }

        return best;
    }

    private static PhashMatch Unpack(ulong packed) =>
        packed == ulong.MaxValue ? PhashMatch.None : new PhashMatch((int)(uint)packed, (int)(packed >> 32));
}
