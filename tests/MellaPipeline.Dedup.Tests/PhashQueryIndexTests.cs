using System.Numerics;
using MellaPipeline.Dedup;

namespace MellaPipeline.Dedup.Tests;

public class PhashQueryIndexTests
{
    /// <summary>Random references and queries, a third of the queries copies of a reference with 0..T+3 bits flipped, some references repeated (ties).</summary>
    private static (ulong[] References, ulong[] Queries) Planted(int references, int queries, int threshold, int seed)
    {
        var random = new Random(seed);
        var refs = new ulong[references];
        for (int i = 0; i < refs.Length; i++)
        {
            refs[i] = i > 0 && random.Next(20) == 0 ? refs[random.Next(i)] : (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        }

        var qs = new ulong[queries];
        for (int q = 0; q < qs.Length; q++)
        {
            if (random.Next(3) == 0)
            {
                ulong copy = refs[random.Next(refs.Length)];
                foreach (int bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(random.Next(threshold + 4)))
                {
                    copy ^= 1UL << bit;
                }

                qs[q] = copy;
            }
            else
            {
                qs[q] = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            }
        }

        return (refs, qs);
    }

    /// <summary>The nearest reference within T by comparing with every one; ties to the smallest index.</summary>
    private static PhashMatch BruteForce(ulong[] references, ulong query, int threshold)
    {
        var best = PhashMatch.None;
        for (int i = 0; i < references.Length; i++)
        {
            int distance = BitOperations.PopCount(query ^ references[i]);
            if (distance <= threshold && (!best.Found || distance < best.Distance))
            {
                best = new PhashMatch(i, distance);
            }
        }

        return best;
    }

    [Theory]
    [InlineData(10, 0)]
    [InlineData(10, 4)]
    [InlineData(10, 16)]
    [InlineData(3000, 4)]
    [InlineData(3000, 10)]
    [InlineData(20000, 0)]
    [InlineData(20000, 6)]
    [InlineData(20000, 10)]
    [InlineData(20000, 16)]
    public void Every_query_gets_the_brute_force_answer(int references, int threshold)
    {
        var (refs, queries) = Planted(references, 3000, threshold, seed: references + threshold);
        var expected = queries.Select(q => BruteForce(refs, q, threshold)).ToArray();

        var index = PhashQueryIndex.Build(refs, threshold);

        Assert.Equal(expected, index.NearestAll(queries));
        Assert.Equal(expected, queries.Select(index.Nearest).ToArray());
        Assert.Contains(expected, m => m.Found && (m.Distance > 0 || threshold == 0));
        Assert.Contains(expected, m => !m.Found);
    }

    [Theory]
    [InlineData(3, 10)]
    [InlineData(4, 10)]
    [InlineData(5, 10)]
    [InlineData(6, 10)]
    [InlineData(4, 15)]
    [InlineData(6, 3)]
    public void Every_block_count_is_exact(int blocks, int threshold)
    {
        var (refs, queries) = Planted(5000, 2000, threshold, seed: blocks * 100 + threshold);
        var expected = queries.Select(q => BruteForce(refs, q, threshold)).ToArray();

        var index = PhashQueryIndex.Build(refs, threshold, blocks);

        Assert.Equal(blocks, index.Blocks);
        Assert.Equal(expected, index.NearestAll(queries, maxDegreeOfParallelism: 2));
    }

    [Fact]
    public void Ties_go_to_the_smallest_reference_index_and_the_nearest_wins()
    {
        ulong[] refs = [0b1111UL, 0b0111UL, 0b1011UL, 0b11UL, ulong.MaxValue];
        var index = PhashQueryIndex.Build(refs, threshold: 3);

        Assert.Equal(new PhashMatch(1, 1), index.Nearest(0b0110UL)); // 1 and 3 at distance 1: index 1
        Assert.Equal(new PhashMatch(3, 0), index.Nearest(0b11UL));
        Assert.Equal(PhashMatch.None, index.Nearest(0xF0F0_0000_0000_0000UL));
        Assert.Equal(new PhashMatch(4, 3), index.Nearest(ulong.MaxValue ^ 0b111UL));
    }
}
