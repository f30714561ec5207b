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
/// <para>
/// With ~3 members a bucket, the cost is not the comparisons but reaching each neighbouring
/// bucket (an offset and its hashes, nearly always a cache miss) and the short, unpredictable
/// loops over its few members. So a bucket's neighbours are first gathered into one contiguous
/// candidate list, and each member is then compared with the whole list in one long loop
/// (docs/BENCHMARKS.md, near-duplicate clustering at reference-dataset scale).
/// </para>
/// </summary>
public static class NearDuplicateIndex
{
    private static readonly (int Shift, int Bits)[] Blocks = [(0, 21), (21, 21), (42, 22)];

    /// <summary>For each hash, the index of its cluster's root (the smallest index in the cluster).</summary>
    public static int[] Cluster(ReadOnlySpan<ulong> hashes, int threshold, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 32);
        var sets = new UnionFind(hashes.Length);
        int radius = threshold / Blocks.Length;
        int parts = Environment.ProcessorCount * 8; // slices of buckets, so that busy buckets spread over the threads
        foreach (var (shift, bits) in Blocks)
        {
            var table = BlockTable.Build(hashes, shift, bits);
            var masksByTopBit = MasksByTopBit(HashBlocks.FlipMasks(bits, radius), bits);
            int bucketCount = 1 << bits;
            Parallel.For(
                0,
                parts,
                new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
                () => new Neighbours(),
                (part, _, neighbours) =>
                {
                    int from = (int)((long)bucketCount * part / parts), to = (int)((long)bucketCount * (part + 1) / parts);
                    for (int bucket = from; bucket < to; bucket++)
                    {
                        if (table.Offsets[bucket] != table.Offsets[bucket + 1])
                        {
                            neighbours.Gather(table, bucket, masksByTopBit);
                            JoinBucket(table, bucket, neighbours, threshold, sets);
                        }
                    }

                    return neighbours;
                },
                _ => { });
        }

        return sets.Roots();
    }

    /// <summary>
    /// The non-zero masks grouped by their highest set bit. Bucket b ^ m is above b exactly when b
    /// has m's highest bit clear, so the groups of b's clear bits name each pair of buckets once,
    /// with one branch a group rather than one a mask.
    /// </summary>
    private static int[][] MasksByTopBit(int[] masks, int bits)
    {
        var groups = new List<int>[bits];
        for (int bit = 0; bit < bits; bit++)
        {
            groups[bit] = [];
        }

        foreach (int mask in masks)
        {
            if (mask != 0)
            {
                groups[31 - BitOperations.LeadingZeroCount((uint)mask)].Add(mask);
            }
        }

        return Array.ConvertAll(groups, group => group.ToArray());
    }

    /// <summary>Joins every pair within the threshold of one member of <paramref name="bucket"/> and one of the bucket itself (after it) or of its gathered neighbours.</summary>
    private static void JoinBucket(BlockTable table, int bucket, Neighbours neighbours, int threshold, UnionFind sets)
    {
        var hashes = table.Hashes;
        var members = table.Members;
        int start = table.Offsets[bucket], end = table.Offsets[bucket + 1];
        var candidates = neighbours.Hashes;
        var slots = neighbours.Slots;
        for (int i = start; i < end; i++)
        {
            ulong hash = hashes[i];
            for (int j = i + 1; j < end; j++)
            {
                if (BitOperations.PopCount(hash ^ hashes[j]) <= threshold)
                {
                    sets.Union(members[i], members[j]);
                }
            }

            for (int c = 0; c < candidates.Length; c++)
            {
                if (BitOperations.PopCount(hash ^ candidates[c]) <= threshold)
                {
                    sets.Union(members[i], members[slots[c]]);
                }
            }
        }
    }

    /// <summary>One thread's list of the hashes (and their table slots) of the buckets above a bucket within the radius, reused bucket after bucket.</summary>
    private sealed class Neighbours
    {
        private ulong[] _hashes = new ulong[1024];
        private int[] _slots = new int[1024];
        private int _count;

        public ReadOnlySpan<ulong> Hashes => _hashes.AsSpan(0, _count);

        public int[] Slots => _slots;

        public void Gather(BlockTable table, int bucket, int[][] masksByTopBit)
        {
            var offsets = table.Offsets;
            var hashes = table.Hashes;
            _count = 0;
            for (uint clear = ~(uint)bucket & (uint)((1 << table.Bits) - 1); clear != 0; clear &= clear - 1)
            {
                foreach (int mask in masksByTopBit[BitOperations.TrailingZeroCount(clear)])
                {
                    int other = bucket ^ mask, from = offsets[other], length = offsets[other + 1] - from;
                    if (_count + Math.Max(length, 4) > _hashes.Length)
                    {
                        Array.Resize(ref _hashes, (_hashes.Length + length) * 2);
                        Array.Resize(ref _slots, _hashes.Length);
                    }

                    if (length <= 4 && from + 4 <= hashes.Length)
                    {
                        // Most buckets hold at most four: copy four without a loop, and count only the bucket's own.
                        _hashes[_count] = hashes[from];
                        _hashes[_count + 1] = hashes[from + 1];
                        _hashes[_count + 2] = hashes[from + 2];
                        _hashes[_count + 3] = hashes[from + 3];
                        _slots[_count] = from;
                        _slots[_count + 1] = from + 1;
                        _slots[_count + 2] = from + 2;
                        _slots[_count + 3] = from + 3;
                    }
                    else
                    {
                        hashes.AsSpan(from, length).CopyTo(_hashes.AsSpan(_count));
                        for (int k = 0; k < length; k++)
                        {
                            _slots[_count + k] = from + k;
                        }
                    }

                    _count += length;
                }
            }
        }
    }
}
