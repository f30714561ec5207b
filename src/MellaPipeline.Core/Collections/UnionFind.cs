namespace MellaPipeline.Collections;

/// <summary>
/// Disjoint sets over the indices 0..count−1 whose root is always the smallest index of its set,
/// so that the roots, and anything named after them, do not depend on the order of the unions.
/// <see cref="Union"/> and <see cref="Find"/> may be called from several threads at once
/// (compare-and-swap links, path halving): the near-duplicate index joins pairs in parallel.
/// </summary>
public sealed class UnionFind
{
    private readonly int[] _parent;

    public UnionFind(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _parent = new int[count];
        for (int i = 0; i < count; i++)
        {
            _parent[i] = i;
        }
    }

    public int Count => _parent.Length;

    /// <summary>The root of <paramref name="x"/>'s set: the set's smallest index.</summary>
    public int Find(int x)
    {
        while (true)
        {
            int parent = Volatile.Read(ref _parent[x]);
            if (parent == x)
            {
                return x;
            }

            int grandparent = Volatile.Read(ref _parent[parent]);
            if (grandparent != parent)
            {
                Interlocked.CompareExchange(ref _parent[x], grandparent, parent); // path halving
            }

            x = parent;
        }
    }

    /// <summary>Joins the sets of <paramref name="a"/> and <paramref name="b"/>; false when they were one set already.</summary>
    public bool Union(int a, int b)
    {
        while (true)
        {
            int rootA = Find(a), rootB = Find(b);
            if (rootA == rootB)
            {
                return false;
            }

            // The larger root goes under the smaller, so a set's root is its smallest index.
            var (low, high) = rootA < rootB ? (rootA, rootB) : (rootB, rootA);
            if (Interlocked.CompareExchange(ref _parent[high], low, high) == high)
            {
                return true;
            }
        }
    }

    /// <summary>Every index's root, in index order (call once the unions are done).</summary>
    public int[] Roots()
    {
        var roots = new int[_parent.Length];
        for (int i = 0; i < roots.Length; i++)
        {
            roots[i] = Find(i);
        }

        return roots;
    }
}
