using MellaPipeline.Images;

namespace MellaPipeline.Imaging;

/// <summary>Perceptual hashes of image files, as <c>mella phash</c> and <c>mella dedup --images</c> read them.</summary>
public static class ImageFileHasher
{
    /// <summary>Files larger than this are not read (a web image rarely exceeds a few MB).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Files hashed at once by <see cref="HashInOrder"/> before their results are handed on: enough to keep every core busy, few enough that a long list is never held.</summary>
    private const int Window = 256;

    /// <summary>Reads and hashes one file (with the default decoder, or <paramref name="processor"/>'s); every failure is a reason code, never an exception.</summary>
    public static ImageHashResult HashFile(string path, ImageProcessor? processor = null) =>
        ImageFile.Read(path, MaxFileBytes, out string? reason, out string? detail) is { } bytes
            ? ImageHasher.Hash(bytes, processor)
            : new ImageHashResult(null, 0, 0, reason, detail);

    /// <summary>
    /// The files' results in input order, hashed on <paramref name="workers"/> threads a window at a
    /// time, so the caller writes each window's lines while nothing is held beyond it.
    /// </summary>
    /// <param name="processor">Null: the default decoder's, window hashes included (as <see cref="HashFile"/>).</param>
    public static IEnumerable<ImageHashResult> HashInOrder(IReadOnlyList<string> paths, ImageProcessor? processor, int workers, CancellationToken cancellationToken)
    {
        var results = new ImageHashResult[Math.Min(Window, paths.Count)];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken };
        for (int start = 0; start < paths.Count; start += Window)
        {
            int count = Math.Min(Window, paths.Count - start);
            Parallel.For(0, count, parallel, i => results[i] = HashFile(paths[start + i], processor));
            for (int i = 0; i < count; i++)
            {
                yield return results[i];
            }
        }
    }
}
