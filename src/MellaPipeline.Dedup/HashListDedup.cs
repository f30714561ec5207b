namespace MellaPipeline.Dedup;

/// <summary>What <c>mella dedup --hashes</c> found.</summary>
/// <param name="Problems">The lines that are not "HEX16&lt;TAB&gt;ID", as "LINE: what" (they are skipped).</param>
public sealed record HashListDedupResult(int Hashes, int Clusters, IReadOnlyList<string> Problems);

/// <summary><c>mella dedup --hashes</c>: near-duplicate clusters over precomputed hashes, listed in input order.</summary>
public static class HashListDedup
{
    /// <summary>Reads <paramref name="path"/>, clusters its hashes within <paramref name="threshold"/> and writes the listing to the stream <paramref name="openOutput"/> opens.</summary>
    public static async Task<HashListDedupResult> RunAsync(string path, int threshold, Func<Stream> openOutput, CancellationToken cancellationToken)
    {
        var input = HashList.Read(path, out var problems);
        var kept = ListingKeep.FirstInInput(NearDuplicateIndex.Cluster(input.Hashes.AsSpan(0, input.Count), threshold));
        await using (var stream = openOutput())
        {
            await ClusterListing.WriteAsync(stream, 1 << 20, "id", kept, input.Id, cancellationToken);
        }

        return new HashListDedupResult(input.Count, ClusterListing.Clusters(kept), problems);
    }
}
