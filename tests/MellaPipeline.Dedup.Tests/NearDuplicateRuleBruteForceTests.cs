using MellaPipeline.Images;

namespace MellaPipeline.Dedup.Tests;

/// <summary>
/// <see cref="NearDuplicateRule.Cluster"/> (the pHash index plus the window search) against the
/// connected components of <see cref="NearDuplicateRule.Near"/> checked on every pair.
/// </summary>
public class NearDuplicateRuleBruteForceTests
{
    public static TheoryData<int, bool, int> Cases()
    {
        var cases = new TheoryData<int, bool, int>();
        foreach (int threshold in new[] { 0, 2, 6, 8 })
        {
            foreach (bool crowded in new[] { false, true })
            {
                foreach (int seed in new[] { 1, 2 })
                {
                    cases.Add(threshold, crowded, seed);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cluster_is_the_components_of_every_pair_the_rule_joins(int threshold, bool crowded, int seed)
    {
        var random = new Random(seed);
        int n = crowded ? 400 : 300;
        var (phashes, windows, hasWindows) = crowded ? Crowded(random, n) : Uniform(random, n);
        var rule = new NearDuplicateRule(threshold);

        var expected = Components(rule, phashes, windows, hasWindows);
        var roots = rule.Cluster(phashes, windows, hasWindows);

        Assert.Equal(expected, roots);
        if (crowded)
        {
            // The data must exercise the window path: some pair joined by windows alone.
            Assert.NotEqual(expected, rule.Cluster(phashes, [], hasWindows));
        }

        // The same windows read in place through a row map (as the reduce passes its staged rows) cluster the same.
        var windowRows = Enumerable.Range(0, n).Select(i => (2 * n) - 1 - (2 * i)).ToArray();
        var table = new ulong[2 * n * WindowHashes.Count];
        for (int i = 0; i < n; i++)
        {
            windows.AsSpan(i * WindowHashes.Count, WindowHashes.Count).CopyTo(table.AsSpan(windowRows[i] * WindowHashes.Count));
        }

        Assert.Equal(expected, rule.Cluster(phashes, table, hasWindows, windowRows, maxDegreeOfParallelism: 1));
    }

    [Fact]
    public void With_fewer_than_two_windowed_images_the_phash_clustering_is_the_answer()
    {
        var rule = new NearDuplicateRule(6);
        ulong a = 0x0123456789abcdefUL, b = a ^ 0xff; // 8 bits apart: beyond T
        ulong[] windows = [b, b, b, b, b, a, a, a, a, a];

        Assert.Equal([0, 0], rule.Cluster([a, b], windows, [true, true]));
        Assert.Equal([0, 1], rule.Cluster([a, b], windows, [true, false]));
        Assert.Equal([0, 1], rule.Cluster([a, b], windows, [false, false]));
    }

    /// <summary>Each image's cluster root (its component's smallest index) by a check of every pair.</summary>
    private static int[] Components(NearDuplicateRule rule, ulong[] phashes, ulong[] windows, bool[] hasWindows)
    {
        int n = phashes.Length;
        var root = Enumerable.Range(0, n).ToArray();
        int Find(int x) => root[x] == x ? x : root[x] = Find(root[x]);
        ReadOnlySpan<ulong> Of(int i) => hasWindows[i] ? windows.AsSpan(i * WindowHashes.Count, WindowHashes.Count) : [];
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (rule.Near(phashes[i], Of(i), phashes[j], Of(j)))
                {
                    int a = Find(i), b = Find(j);
                    root[Math.Max(a, b)] = Math.Min(a, b);
                }
            }
        }

        return Enumerable.Range(0, n).Select(Find).ToArray();
    }

    private static (ulong[] Phashes, ulong[] Windows, bool[] HasWindows) Uniform(Random random, int n)
    {
        var phashes = Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63)).ToArray();
        var windows = Enumerable.Range(0, n * WindowHashes.Count).Select(_ => (ulong)random.NextInt64()).ToArray();
        var hasWindows = Enumerable.Range(0, n).Select(_ => random.Next(5) != 0).ToArray();
        return (phashes, windows, hasWindows);
    }

    /// <summary>
    /// A few photos, each image a copy of one: its pHash and window hashes a few bits from the photo's,
    /// some windows a few bits from another image's pHash, and one image in six without windows.
    /// </summary>
    private static (ulong[] Phashes, ulong[] Windows, bool[] HasWindows) Crowded(Random random, int n)
    {
        var photos = Enumerable.Range(0, 5).Select(_ => (ulong)random.NextInt64()).ToArray();
        var phashes = new ulong[n];
        var windows = new ulong[n * WindowHashes.Count];
        var hasWindows = new bool[n];
        for (int i = 0; i < n; i++)
        {
            ulong photo = photos[random.Next(photos.Length)];
            phashes[i] = Flip(random, photo, random.Next(13));
            hasWindows[i] = random.Next(6) != 0;
            for (int w = 0; w < WindowHashes.Count; w++)
            {
                ulong near = i > 0 && random.Next(4) == 0 ? phashes[random.Next(i)] : photo;
                windows[(i * WindowHashes.Count) + w] = Flip(random, near, random.Next(8));
            }
        }

        return (phashes, windows, hasWindows);
    }

    private static ulong Flip(Random random, ulong hash, int bits)
    {
        for (int k = 0; k < bits; k++)
        {
            hash ^= 1UL << random.Next(64);
        }

        return hash;
    }
}
