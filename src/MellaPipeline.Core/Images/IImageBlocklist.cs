namespace MellaPipeline.Images;

/// <summary>
/// Images that must never enter a dataset (a child-safety organisation's hash list): by the
/// SHA-256 of the image's bytes as downloaded or read, or by a perceptual hash within a threshold.
/// <c>load_images</c> asks it as soon as it has the bytes, and again once it has the hash.
/// </summary>
public interface IImageBlocklist
{
    /// <summary>The list has SHA-256 entries: the original bytes must be hashed to check them.</summary>
    bool HasSha256 { get; }

    /// <summary>The list has perceptual-hash entries: every decodable image must be hashed to check them.</summary>
    bool HasPerceptualHashes { get; }

    /// <summary>True when <paramref name="sha256"/> (32 bytes) is listed.</summary>
    bool BlocksSha256(ReadOnlySpan<byte> sha256);

    /// <summary>True when a listed perceptual hash is within the list's threshold of <paramref name="hash"/>.</summary>
    bool BlocksPerceptualHash(ulong hash);
}
