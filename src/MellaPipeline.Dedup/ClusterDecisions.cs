using MellaPipeline.Config;
using MellaPipeline.Images;

namespace MellaPipeline.Dedup;

/// <summary>
/// What clustering decided for the rows it clustered (those without a repeated key): per row its
/// cluster's root row and the row kept for its cluster, language and source (itself when kept);
/// per root the cluster id; and the clustering's counts.
/// </summary>
internal sealed record ClusterDecisions(int[] Root, ulong[] ClusterId, int[] KeptRow, long Clusters, long SharedClusters, long RowsInSharedClusters)
{
    public ulong ClusterOf(int row) => ClusterId[Root[row]];

    /// <summary>
    /// Clusters <paramref name="rows"/> as <paramref name="settings"/> say. Off, every row is its
    /// own cluster, named by its image's SHA-256 prefix, and every row is kept. The rule reads the
    /// rows' window hashes in place (by row) and runs on at most <paramref name="maxDegreeOfParallelism"/> threads.
    /// </summary>
    public static ClusterDecisions Decide(StagedRowTable rows, DedupNearOptions settings, int maxDegreeOfParallelism = -1)
    {
        int n = rows.Count;
        var root = new int[n];
        var hashedRows = new int[rows.HashedCount];
        var hashes = new ulong[rows.HashedCount];
        var hasWindows = new bool[rows.HashedCount];
        for (int i = 0, h = 0; i < n; i++)
        {
            root[i] = i;
            if (rows.HasHash[i])
            {
                hashedRows[h] = i;
                hasWindows[h] = rows.HasWindows[i];
                hashes[h++] = rows.Phash[i];
            }
        }

        var hashRoots = settings.Enabled ? new NearDuplicateRule(settings.Threshold).Cluster(hashes, rows.Windows, hasWindows, hashedRows, maxDegreeOfParallelism) : [];
        for (int h = 0; h < hashRoots.Length; h++)
        {
            root[hashedRows[h]] = hashedRows[hashRoots[h]];
        }

        // The images, not the rows, count as members: a cluster is shared when it holds several images.
        var (clusterId, shared) = DuplicateKeep.NameClusters(root, rows.Sha.AsSpan(0, n));
        long clusters = 0, sharedClusters = 0, rowsInShared = 0;
        for (int i = 0; i < n; i++)
        {
            clusters += root[i] == i ? 1 : 0;
            sharedClusters += root[i] == i && shared[i] ? 1 : 0;
            rowsInShared += shared[root[i]] ? 1 : 0;
        }

        int[] kept;
        if (settings.Keep == NearDuplicateKeep.All || !settings.Enabled)
        {
            kept = Enumerable.Range(0, n).ToArray();
        }
        else
        {
            var groups = new long[n];
            var candidates = new DuplicateCandidate[n];
            for (int i = 0; i < n; i++)
            {
                groups[i] = ((long)root[i] << 32) | (uint)rows.Group[i];
                candidates[i] = rows.Candidate(i);
            }

            kept = DuplicateKeep.KeptPerGroup(groups, candidates);
        }

        return new ClusterDecisions(root, clusterId, kept, clusters, sharedClusters, rowsInShared);
    }
}
