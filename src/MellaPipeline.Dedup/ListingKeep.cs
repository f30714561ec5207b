namespace MellaPipeline.Dedup;

/// <summary>
/// Which member of each cluster <c>mella dedup</c> keeps, and so names the cluster by: <see cref="DuplicateKeep"/>'s
/// rule (the largest image, then the first in input order), over the clusters as <see cref="NearDuplicateIndex.Cluster"/>
/// gives them (each member's root). Returns, for each member, the index of the member kept for its cluster.
/// </summary>
public static class ListingKeep
{
    /// <summary>
    /// <c>--hashes</c>: no image sizes, so <see cref="DuplicateKeep"/>'s rule keeps the first member in input order,
    /// which is each member's root as <see cref="NearDuplicateIndex.Cluster"/> gives it (the cluster's smallest index).
    /// </summary>
    public static int[] FirstInInput(int[] roots) => roots;

    /// <summary><c>--images</c>: the largest image (width × height), then the first in input order.</summary>
    public static int[] LargestThenFirst(int[] roots, Func<int, long> pixels)
    {
        var groups = Array.ConvertAll(roots, root => (long)root);
        var candidates = new DuplicateCandidate[roots.Length];
        for (int k = 0; k < roots.Length; k++)
        {
            candidates[k] = new DuplicateCandidate(pixels(k), 0, (UInt128)k);
        }

        return DuplicateKeep.KeptPerGroup(groups, candidates);
    }
}
