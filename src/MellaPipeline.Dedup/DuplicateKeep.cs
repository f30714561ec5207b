namespace MellaPipeline.Dedup;

/// <summary>
/// One member of a group of duplicates competing to be the one kept: its image's size in pixels
/// (original width × height; 0 when unknown or not a criterion), its text's length in grapheme
/// clusters (0 when there is no text) and a unique tie-break (a row key, an input index, a path's
/// rank in path order): the smaller wins.
/// </summary>
public readonly record struct DuplicateCandidate(long Pixels, int TextElements, UInt128 TieBreak);

/// <summary>
/// The one rule for "which duplicate is kept and how a cluster is named", for every consumer of
/// near-duplicate clusters (the run's <c>dedup_near</c> phase; usable by <c>mella dedup</c>):
/// <list type="bullet">
/// <item>Kept: within a group, the largest image, then the longest text, then the smallest
/// tie-break. With pixels and text 0 this is "the first by tie-break".</item>
/// <item>Named: a cluster's id is the smallest content id (SHA-256 prefix) among its members, so
/// it depends on which images the cluster holds only — not on the number of tasks, the order of
/// the rows or which member is kept.</item>
/// </list>
/// </summary>
public static class DuplicateKeep
{
    /// <summary>Negative when <paramref name="a"/> is kept over <paramref name="b"/>, positive for the reverse; 0 only for equal candidates.</summary>
    public static int Compare(in DuplicateCandidate a, in DuplicateCandidate b)
    {
        int c = b.Pixels.CompareTo(a.Pixels);
        if (c == 0)
        {
            c = b.TextElements.CompareTo(a.TextElements);
        }

        return c != 0 ? c : a.TieBreak.CompareTo(b.TieBreak);
    }

    /// <summary>
    /// For each member, the member kept in its place (itself when it is the one kept): one per
    /// distinct <paramref name="groups"/> value. Sorting member numbers costs 4 bytes a member.
    /// </summary>
    /// <remarks>Arrays, not spans: the sort's comparer reads them in place, so the reduce holds no second copy of its columns.</remarks>
    public static int[] KeptPerGroup(long[] groups, DuplicateCandidate[] candidates)
    {
        if (groups.Length != candidates.Length)
        {
            throw new ArgumentException($"{groups.Length} groups for {candidates.Length} candidates", nameof(groups));
        }

        var order = Enumerable.Range(0, groups.Length).ToArray();
        Array.Sort(order, (a, b) =>
        {
            int c = groups[a].CompareTo(groups[b]);
            return c != 0 ? c : Compare(candidates[a], candidates[b]);
        });

        var kept = new int[order.Length];
        for (int k = 0; k < order.Length; k++)
        {
            int current = order[k];
            kept[current] = k > 0 && groups[order[k - 1]] == groups[current] ? kept[order[k - 1]] : current;
        }

        return kept;
    }

    /// <summary>
    /// Per root (the index <paramref name="roots"/> names for each member): the cluster's id, the
    /// smallest of its members' <paramref name="contentIds"/>; entries of non-roots are unused.
    /// Also says per root whether the cluster holds more than one distinct content id.
    /// </summary>
    public static (ulong[] ClusterIds, bool[] Shared) NameClusters(ReadOnlySpan<int> roots, ReadOnlySpan<ulong> contentIds)
    {
        var ids = new ulong[roots.Length];
        var largest = new ulong[roots.Length];
        Array.Fill(ids, ulong.MaxValue);
        for (int i = 0; i < roots.Length; i++)
        {
            int r = roots[i];
            ids[r] = Math.Min(ids[r], contentIds[i]);
            largest[r] = Math.Max(largest[r], contentIds[i]);
        }

        var shared = new bool[roots.Length];
        for (int i = 0; i < roots.Length; i++)
        {
            shared[i] = ids[i] != largest[i];
        }

        return (ids, shared);
    }
}
