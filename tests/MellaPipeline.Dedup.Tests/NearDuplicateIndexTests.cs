using System.Numerics;
using MellaPipeline.Dedup;

namespace MellaPipeline.Dedup.Tests;

public class NearDuplicateIndexTests
{
    /// <summary>Random hashes plus copies of some of them with a few bits flipped (some within the threshold, some just beyond).</summary>
    private static ulong[] Planted(int count, int seed, int threshold)
    {
        var random = new Random(seed);
        var hashes = new List<ulong>();
        while (hashes.Count < count)
        {
            ulong original = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            hashes.Add(original);
            int copies = random.Next(4);
            for (int c = 0; c < copies && hashes.Count < count; c++)
            {
                int flips = random.Next(threshold + 4); // 0..T+3 bits
                ulong copy = original;
                foreach (int bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(flips))
                {
                    copy ^= 1UL << bit;
                }

                hashes.Add(copy);
            }
        }

        return [.. hashes.OrderBy(_ => random.Next())];
    }

    /// <summary>Components of the graph "distance ≤ T", by comparing every pair.</summary>
    private static int[] BruteForce(ulong[] hashes, int threshold)
    {
        var root = Enumerable.Range(0, hashes.Length).ToArray();
        int Find(int x) => root[x] == x ? x : root[x] = Find(root[x]);
        for (int i = 0; i < hashes.Length; i++)
        {
            for (int j = i + 1; j < hashes.Length; j++)
            {
                if (BitOperations.PopCount(hashes[i] ^ hashes[j]) <= threshold)
                {
                    int a = Find(i), b = Find(j);
                    root[Math.Max(a, b)] = Math.Min(a, b);
                }
            }
        }

        return Enumerable.Range(0, hashes.Length).Select(Find).ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(10)]
    public void Clusters_are_exactly_the_brute_force_components(int threshold)
    {
        var hashes = Planted(4000, seed: threshold, threshold);

        var roots = NearDuplicateIndex.Cluster(hashes, threshold);

        Assert.Equal(BruteForce(hashes, threshold), roots);
        Assert.True(roots.Distinct().Count() < hashes.Length, "the planted copies must form clusters");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void Crowded_buckets_are_clustered_exactly_as_brute_force(int threshold)
    {
        // A third share one of 16 values in the first substring, a third one of 8 in the second
        // (buckets of ~60 to ~125 members, far more than the few of spread-out hashes), and a third
        // are copies of the hash before with 0..T+2 bits flipped.
        var random = new Random(threshold);
        var hashes = new ulong[3000];
        for (int i = 0; i < hashes.Length; i++)
        {
            ulong spread = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            hashes[i] = (i % 3) switch
            {
                0 => (spread & ~0x1FFFFFUL) | (uint)random.Next(16),
                1 => (spread & ~(0x1FFFFFUL << 21)) | ((ulong)(uint)random.Next(8) << 21),
                _ => Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(random.Next(threshold + 3)).Aggregate(hashes[i - 1], (hash, bit) => hash ^ (1UL << bit)),
            };
        }

        var roots = NearDuplicateIndex.Cluster(hashes, threshold);

        Assert.Equal(BruteForce(hashes, threshold), roots);
        int clusters = roots.Distinct().Count();
        Assert.True(clusters > 1 && clusters < hashes.Length, "the copies must form clusters, and not all of one");
    }

    [Fact]
    public void A_cluster_is_named_by_its_smallest_index_and_chains_join()
    {
        // 0 and 2 are 10 bits apart, but each is within 6 of 1: one cluster through the chain.
        ulong a = 0, b = 0b11111UL, c = 0b11111_11111UL;
        ulong far = ulong.MaxValue;

        var roots = NearDuplicateIndex.Cluster([a, far, b, c], threshold: 6);

        Assert.Equal([0, 1, 0, 0], roots);
    }
}
