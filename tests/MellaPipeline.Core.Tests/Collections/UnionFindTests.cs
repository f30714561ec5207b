using MellaPipeline.Collections;

namespace MellaPipeline.Core.Tests.Collections;

public class UnionFindTests
{
    [Fact]
    public void Roots_are_the_smallest_index_of_each_set_whatever_the_order_of_the_unions()
    {
        int[][] orders = [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]];
        (int, int)[] pairs = [(5, 3), (3, 8), (7, 6), (8, 4)];
        foreach (var order in orders)
        {
            var sets = new UnionFind(10);
            foreach (int i in order)
            {
                Assert.True(sets.Union(pairs[i].Item1, pairs[i].Item2));
            }

            Assert.False(sets.Union(4, 5));
            Assert.Equal([0, 1, 2, 3, 3, 3, 6, 6, 3, 9], sets.Roots());
        }
    }

    [Fact]
    public void Unions_from_several_threads_give_the_same_sets_as_one_thread()
    {
        const int n = 20_000;
        var sets = new UnionFind(n);
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => sets.Union(i, (i * 7) % n < i ? (i * 7) % n : i - i % 10));

        var serial = new UnionFind(n);
        for (int i = 0; i < n; i++)
        {
            serial.Union(i, (i * 7) % n < i ? (i * 7) % n : i - i % 10);
        }

        Assert.Equal(serial.Roots(), sets.Roots());
    }
}
