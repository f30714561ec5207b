using MellaPipeline.Images;

namespace MellaPipeline.Imaging;

/// <summary>Perceptual hashes of image files, as <c>mella phash</c> and <c>mella dedup --images</c> read them.</summary>
public static class ImageFileHasher
{
    /// <summary>Files larger than this are not read (a web image rarely exceeds a few MB).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Reads and hashes one file; every failure is a reason code, never an exception.</summary>
    public static ImageHashResult HashFile(string path) =>
        ImageFile.Read(path, MaxFileBytes, out string? reason, out string? detail) is { } bytes
            ? ImageHasher.Hash(bytes)
            : new ImageHashResult(null, 0, 0, reason, detail);
}
