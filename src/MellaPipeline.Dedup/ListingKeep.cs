namespace MellaPipeline.Dedup;

/// <summary>
/// Which member of each cluster <c>mella dedup</c> keeps, and so names the cluster by. Each rule takes the clusters as
/// <see cref="NearDuplicateIndex.Cluster"/> gives them (each member's root, the cluster's smallest index) and returns,
/// for each member, the index of the member kept for its cluster.
/// </summary>
public static class ListingKeep
{
    /// <summary><c>--hashes</c>: the first member in input order (the root).</summary>
    public static int[] FirstInInput(int[] roots) => roots;

    /// <summary><c>--images</c>: the largest image (width × height), then the first in input order.</summary>
    public static int[] LargestThenFirst(int[] roots, Func<int, long> pixels)
    {
        var keeper = new Dictionary<int, int>();
        for (int k = 0; k < roots.Length; k++)
        {
            if (!keeper.TryGetValue(roots[k], out int best) || pixels(k) > pixels(best))
            {
                keeper[roots[k]] = k;
            }
        }

        return [.. roots.Select(root => keeper[root])];
    }
}
