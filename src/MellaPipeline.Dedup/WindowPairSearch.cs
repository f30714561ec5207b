using System.Numerics;
using MellaPipeline.Collections;
using MellaPipeline.Images;

namespace MellaPipeline.Dedup;

/// <summary>
/// Finds the pairs <see cref="NearDuplicateRule"/> joins by their windows without searching the
/// pHash at its wide bound: a pair whose windows agree within W bits has one window of one image
/// within W of the same window, or of the whole-image hash, of the other. So for each window w,
/// the images' whole-image hashes and their window-w hashes form one pool, and multi-index hashing
/// over three 21–22-bit substrings at radius ⌊W/3⌋ (<see cref="HashBlocks"/>) finds every pool pair
/// within W (two whole-image hashes excepted: the pHash clustering has seen them; and two centre windows, which the rule does not compare). Each such pair
/// of images is then checked on the whole rule. Exact, like <see cref="NearDuplicateIndex"/>: no
/// pair the rule joins is missed.
/// </summary>
internal static class WindowPairSearch
{
    private static readonly (int Shift, int Bits)[] Blocks = [(0, 21), (21, 21), (42, 22)];

    /// <param name="windows"><see cref="WindowHashes.Count"/> hashes a row.</param>
    /// <param name="images">The images with windows, ascending.</param>
    /// <param name="starts">Where each of <paramref name="images"/>' windows start in <paramref name="windows"/>.</param>
    /// <param name="maxDegreeOfParallelism">Threads at most (-1: no limit), as <see cref="NearDuplicateIndex.Cluster"/>.</param>
    public static void JoinAgreeing(NearDuplicateRule rule, ulong[] phashes, ulong[] windows, int[] images, int[] starts, UnionFind sets, int maxDegreeOfParallelism)
    {
        int m = images.Length;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        int radius = NearDuplicateRule.WindowThreshold / Blocks.Length;
        var pool = new ulong[2 * m];
        for (int w = 0; w < WindowHashes.Count; w++)
        {
            // Pool slot s < m is image images[s]'s whole-image hash, slot m + s its window w.
            for (int s = 0; s < m; s++)
            {
                pool[s] = phashes[images[s]];
                pool[m + s] = windows[starts[s] + w];
            }

            foreach (var (shift, bits) in Blocks)
            {
                var table = BlockTable.Build(pool, shift, bits);
                var flips = HashBlocks.FlipMasks(bits, radius);
                int parts = Environment.ProcessorCount * 8;
                Parallel.For(0, parts, parallel, part =>
                {
                    int bucketCount = 1 << bits;
                    int from = (int)((long)bucketCount * part / parts), to = (int)((long)bucketCount * (part + 1) / parts);
                    for (int bucket = from; bucket < to; bucket++)
                    {
                        JoinBucket(table, bucket, flips, WindowHashes.ComparesSameWindow(w), m, images, starts, rule, phashes, windows, sets);
                    }
                });
            }
        }
    }

    /// <summary>
    /// Every pool pair of <paramref name="bucket"/> with itself and its neighbours above it that is
    /// within W bits: a whole-image hash and a window, or two windows when <paramref name="windowPairs"/>.
    /// </summary>
    private static void JoinBucket(BlockTable table, int bucket, int[] flips, bool windowPairs, int m, int[] images, int[] starts, NearDuplicateRule rule, ulong[] phashes, ulong[] windows, UnionFind sets)
    {
        int start = table.Offsets[bucket], end = table.Offsets[bucket + 1];
        if (start == end)
        {
            return;
        }

        var hashes = table.Hashes;
        var members = table.Members;
        foreach (int mask in flips)
        {
            int other = bucket ^ mask;
            if (other < bucket)
            {
                continue;
            }

            int otherEnd = table.Offsets[other + 1];
            for (int i = start; i < end; i++)
            {
                for (int j = other == bucket ? i + 1 : table.Offsets[other]; j < otherEnd; j++)
                {
                    if (BitOperations.PopCount(hashes[i] ^ hashes[j]) > NearDuplicateRule.WindowThreshold
                        || ((members[i] >= m) == (members[j] >= m) && (members[i] < m || !windowPairs)))
                    {
                        continue;
                    }

                    int sa = members[i] % m, sb = members[j] % m;
                    int a = images[sa], b = images[sb];
                    if (a != b && sets.Find(a) != sets.Find(b)
                        && rule.Near(phashes[a], windows.AsSpan(starts[sa], WindowHashes.Count), phashes[b], windows.AsSpan(starts[sb], WindowHashes.Count)))
                    {
                        sets.Union(a, b);
                    }
                }
            }
        }
    }
}
