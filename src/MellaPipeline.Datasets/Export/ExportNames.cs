using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MellaPipeline.Images;
using MellaPipeline.Records;

namespace MellaPipeline.Datasets.Export;

/// <summary>The file names an export gives a row: its sample key and its image's extension.</summary>
public static partial class ExportNames
{
    /// <summary>
    /// The row's key as a WebDataset sample key (and image file name). A reader splits a member's name at the first dot
    /// into key and extension, so a key must have no dot, no slash and nothing a file system or a shell trips on. The
    /// keys <c>mella run</c> writes are 32 hex digits and pass unchanged; any other key (a dataset written by something
    /// else) becomes <c>x</c> and 32 hex digits of its SHA-256, and its true key stays in <c>KEY.json</c>'s <c>key</c>.
    /// </summary>
    public static string SampleKey(string key) =>
        SafeKey().IsMatch(key) ? key : "x" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];

    /// <summary>
    /// The sub-folder of <c>images/</c> an imagefolder export puts the row's image in, so that no folder holds more than
    /// a few thousand files: the sample key's first two hex digits (<c>images/3f/3f…a1.png</c>), 256 folders; for a
    /// <c>x</c>-key the two after the <c>x</c>, and for any other key the first two of its SHA-256.
    /// </summary>
    public static string ImageBucket(string sampleKey)
    {
        string hex = sampleKey.StartsWith('x') ? sampleKey[1..] : sampleKey;
        return HexStart().IsMatch(hex) ? hex[..2] : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sampleKey)))[..2];
    }

    /// <summary>The stored image's extension, from the format its bytes are in (<c>jpg</c>, <c>png</c>, <c>gif</c>, <c>webp</c>), never from a URL or a file name.</summary>
    /// <returns>Null for bytes in no format the pipeline stores (not written by <c>mella run</c>).</returns>
    public static string? ImageExtension(ReadOnlySpan<byte> bytes) =>
        ImageHeader.TryRead(bytes, out var header, out _) ? ImageHeader.Extension(header.Format) : null;

    /// <summary>The extension an image file is written with: <see cref="ImageExtension"/>, or <c>bin</c> for bytes in no format the pipeline stores.</summary>
    public static string FileExtension(ReadOnlySpan<byte> bytes) => ImageExtension(bytes) ?? "bin";

    /// <summary>The row's stored image bytes, or null for a row stored by reference (<c>load_images.store: reference</c>) or read without its image.</summary>
    public static byte[]? StoredImage(PairRecord record) => record.ImageBytes is { Length: > 0 } bytes ? bytes : null;

    [GeneratedRegex("^[0-9A-Za-z_-]{1,64}$")]
    private static partial Regex SafeKey();

    [GeneratedRegex("^[0-9a-f]{2}")]
    private static partial Regex HexStart();
}
