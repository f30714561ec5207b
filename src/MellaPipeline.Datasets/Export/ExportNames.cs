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

    /// <summary>The stored image's extension, from the format its bytes are in (<c>jpg</c>, <c>png</c>, <c>gif</c>, <c>webp</c>), never from a URL or a file name.</summary>
    /// <returns>Null for bytes in no format the pipeline stores (not written by <c>mella run</c>).</returns>
    public static string? ImageExtension(ReadOnlySpan<byte> bytes) =>
        ImageHeader.TryRead(bytes, out var header, out _) ? ImageHeader.Extension(header.Format) : null;

    /// <summary>The row's stored image bytes, or null for a row stored by reference (<c>load_images.store: reference</c>) or read without its image.</summary>
    public static byte[]? StoredImage(PairRecord record) => record.ImageBytes is { Length: > 0 } bytes ? bytes : null;

    [GeneratedRegex("^[0-9A-Za-z_-]{1,64}$")]
    private static partial Regex SafeKey();
}
