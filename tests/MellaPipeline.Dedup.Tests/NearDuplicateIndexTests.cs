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
