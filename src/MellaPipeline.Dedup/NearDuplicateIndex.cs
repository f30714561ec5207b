using System.Numerics;
using MellaPipeline.Collections;

namespace MellaPipeline.Dedup;

/// <summary>
/// Clusters 64-bit perceptual hashes whose Hamming distance is at most a threshold T, exactly
/// (every such pair is found) and without comparing all pairs: multi-index hashing. The hash is
/// cut into three substrings of 21, 21 and 22 bits; if two hashes differ in at most T bits, one
/// of the three substrings differs in at most ⌊T/3⌋ bits (pigeonhole). Each substring indexes a
/// table (counting sort into buckets); every bucket is compared with the buckets within that
/// many bit flips of it, every candidate pair is checked on the whole hash, and pairs within T
/// are joined in a union-find. One table is built at a time, direct-addressed: about
/// 2^22 × 4 + N × 12 bytes besides the hashes.
/// </summary>
public static class NearDuplicateIndex
{
    private static readonly (int Shift, int Bits)[] Blocks = [(0, 21), (21, 21), (42, 22)];

    /// <summary>For each hash, the index of its cluster's root (the smallest index in the cluster).</summary>
    public static int[] Cluster(ReadOnlySpan<ulong> hashes, int threshold, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 32);
        var values = hashes.ToArray();
        var sets = new UnionFind(values.Length);
        int radius = threshold / Blocks.Length;
        int parts = Environment.ProcessorCount * 8; // slices of buckets, so that busy buckets spread over the threads
        foreach (var (shift, bits) in Blocks)
        {
            var table = BlockTable.Build(values, shift, bits);
            var flips = HashBlocks.FlipMasks(bits, radius);
            int bucketCount = 1 << bits;
            Parallel.For(
                0,
                parts,
                new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
                part =>
                {
                    int from = (int)((long)bucketCount * part / parts), to = (int)((long)bucketCount * (part + 1) / parts);
                    for (int bucket = from; bucket < to; bucket++)
                    {
                        int start = table.Offsets[bucket], end = table.Offsets[bucket + 1];
                        if (start == end)
                        {
                            continue;
                        }

                        foreach (int mask in flips)
                        {
                            int other = bucket ^ mask;
                            if (other < bucket)
                            {
                                continue; // each pair of buckets once; mask 0 compares the bucket with itself
                            }

                            int otherStart = table.Offsets[other], otherEnd = table.Offsets[other + 1];
                            var memberHashes = table.Hashes;
                            for (int i = start; i < end; i++)
                            {
                                ulong hash = memberHashes[i];
                                for (int j = other == bucket ? i + 1 : otherStart; j < otherEnd; j++)
                                {
                                    if (BitOperations.PopCount(hash ^ memberHashes[j]) <= threshold)
                                    {
                                        sets.Union(table.Members[i], table.Members[j]);
                                    }
                                }
                            }
                        }
                    }
                });
        }

        return sets.Roots();
    }
}
