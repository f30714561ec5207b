using System.Text;
using MellaPipeline.Imaging;
using MellaPipeline.Input;

namespace MellaPipeline.Dedup;

/// <summary>What <c>mella dedup --images</c> found.</summary>
/// <param name="Failures">Images that could not be hashed (full path, reason code), in path order; they are left out.</param>
public sealed record ImageFolderDedupResult(int Images, int Hashed, int Clusters, IReadOnlyList<(string Path, string? Reason)> Failures);

/// <summary><c>mella dedup --images</c>: the images of a folder hashed and clustered, listed in path order.</summary>
public static class ImageFolderDedup
{
    public static readonly IReadOnlyList<string> ImageExtensions = [".jpg", ".jpeg", ".png", ".gif", ".webp"];

    /// <summary>The images under <paramref name="folder"/> (recursively, by extension, in path order): what <c>mella dedup --images</c> and a decontamination benchmark folder read.</summary>
    public static string[] ImagesUnder(string folder) => LineRangeReader.RegularFilesUnder(folder, "*")
        .Where(p => ImageExtensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Every image of <see cref="ImagesUnder"/> hashed as <c>mella phash</c> hashes a file, on all cores; failures are results with a reason.</summary>
    public static Task<(string[] Paths, ImageHashResult[] Results)> HashAllAsync(string folder, CancellationToken cancellationToken)
    {
        var paths = ImagesUnder(folder);
        var results = ImageFileHasher.HashInOrder(paths, processor: null, Environment.ProcessorCount, cancellationToken).ToArray();
        return Task.FromResult((paths, results));
    }

    /// <summary>
    /// Hashes every image under <paramref name="folder"/> (recursively, in path order), clusters them by
    /// <see cref="NearDuplicateRule"/> at <paramref name="threshold"/> and writes the listing, paths relative to the folder, to the stream <paramref name="openOutput"/> opens.
    /// </summary>
    public static async Task<ImageFolderDedupResult> RunAsync(string folder, int threshold, Func<Stream> openOutput, CancellationToken cancellationToken)
    {
        var (paths, results) = await HashAllAsync(folder, cancellationToken);

        var hashed = Enumerable.Range(0, paths.Length).Where(i => results[i].Hash is not null).ToArray();
        var failures = Enumerable.Range(0, paths.Length).Where(i => results[i].Hash is null).Select(i => (paths[i], results[i].Reason)).ToArray();
        var windows = hashed.SelectMany(i => results[i].Windows!).ToArray();
        var roots = new NearDuplicateRule(threshold).Cluster(hashed.Select(i => results[i].Hash!.Value).ToArray(), windows);
        var kept = ListingKeep.LargestThenFirst(roots, k => (long)results[hashed[k]].Width * results[hashed[k]].Height);
        await using (var stream = openOutput())
        {
            await ClusterListing.WriteAsync(stream, 1 << 16, "path", kept,
                k => Encoding.UTF8.GetBytes(Path.GetRelativePath(folder, paths[hashed[k]])), cancellationToken);
        }

        return new ImageFolderDedupResult(paths.Length, hashed.Length, ClusterListing.Clusters(kept), failures);
    }
}
