using System.Numerics;
using MellaPipeline.Collections;
using MellaPipeline.Images;

namespace MellaPipeline.Dedup;

/// <summary>
/// When two images are near duplicates, the one rule <c>dedup_near</c> and <c>mella dedup --images</c>
/// share (<see cref="Id"/>): their perceptual hashes differ in at most T bits, or in at most
/// <see cref="Bound"/> (2T + 2) bits while their window hashes (<see cref="WindowHashes"/>) agree
/// within <see cref="WindowThreshold"/> bits — a light crop or a watermark moves the whole-image
/// hash a little beyond T, but one window of one image still matches the other. An image without
/// window hashes (a shard written before they existed) is compared on the pHash alone.
/// Clusters are the transitive closure, as with the pHash alone.
/// </summary>
public sealed class NearDuplicateRule(int threshold)
{
    /// <summary>Largest distance of <see cref="WindowHashes.Distance"/> at which windows agree; chosen on the tune half of the real photos (docs/BENCHMARKS.md).</summary>
    public const int WindowThreshold = 4;

    public int Threshold { get; } = threshold;

    /// <summary>Largest pHash distance at which agreeing windows still make a pair.</summary>
    public int Bound { get; } = Math.Min(64, (2 * threshold) + 2);

    /// <summary>The rule's versioned id, recorded in <c>reduce/clusters.json</c> and by <c>mella dedup --images</c>.</summary>
    public string Id => $"near-v1:phash<={Threshold}|phash<={Bound}&{WindowHashes.Definition.Split(':')[0]}<={WindowThreshold}";

    /// <summary>Whether two images are near duplicates by this rule (<paramref name="windowsA"/> or <paramref name="windowsB"/> empty: by the pHash alone).</summary>
    public bool Near(ulong phashA, ReadOnlySpan<ulong> windowsA, ulong phashB, ReadOnlySpan<ulong> windowsB)
    {
        int distance = BitOperations.PopCount(phashA ^ phashB);
        return distance <= Threshold
            || (distance <= Bound && !windowsA.IsEmpty && !windowsB.IsEmpty && WindowHashes.Distance(phashA, windowsA, phashB, windowsB) <= WindowThreshold);
    }

    /// <summary>
    /// For each image, the index of its cluster's root (the smallest index in its cluster).
    /// <paramref name="windows"/> holds <see cref="WindowHashes.Count"/> hashes a row; image i's are
    /// row <paramref name="windowRows"/>[i]'s (null: row i), so a caller clustering some of its rows
    /// passes its own table rather than a copy. <paramref name="hasWindows"/> says whose are there, by
    /// image (null: everyone's). Runs on at most <paramref name="maxDegreeOfParallelism"/> threads (-1: no limit).
    /// </summary>
    public int[] Cluster(ulong[] phashes, ulong[] windows, bool[]? hasWindows = null, int[]? windowRows = null, int maxDegreeOfParallelism = -1)
    {
        var roots = NearDuplicateIndex.Cluster(phashes, Threshold, maxDegreeOfParallelism);
        var windowed = windows.Length == 0 ? [] : Enumerable.Range(0, phashes.Length).Where(i => hasWindows is null || hasWindows[i]).ToArray();

        // A window pair needs two images with windows; with fewer, the pHash clustering is the answer and no window table is built.
        if (windowed.Length < 2)
        {
            return roots;
        }

        var sets = new UnionFind(phashes.Length);
        for (int i = 0; i < roots.Length; i++)
        {
            sets.Union(i, roots[i]);
        }

        var starts = windowed.Select(i => checked((windowRows is null ? i : windowRows[i]) * WindowHashes.Count)).ToArray();
        WindowPairSearch.JoinAgreeing(this, phashes, windows, windowed, starts, sets, maxDegreeOfParallelism);
        return sets.Roots();
    }
}
