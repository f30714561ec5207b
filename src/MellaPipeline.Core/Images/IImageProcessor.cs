namespace MellaPipeline.Images;

/// <summary>
/// Pixels as every consumer wants them: straight (not premultiplied) RGBA, 4 bytes a pixel,
/// row-major without padding, in sRGB, upright (EXIF orientation applied), the first frame of an
/// animation. <see cref="Ops"/> names what the decoder did to get there (<c>orient=6</c>,
/// <c>cmyk=rgb</c>, <c>icc=srgb</c>, <c>frame=0/12</c>), in that order.
/// </summary>
/// <param name="Turned">The EXIF orientation turned the image by 90°: its upright width is the header's height.</param>
public sealed record DecodedImage(byte[] Rgba, int Width, int Height, IReadOnlyList<string> Ops, bool Turned);

/// <summary>A decoded image, or the reason code why there is none.</summary>
public readonly record struct DecodeOutcome(DecodedImage? Image, string? Reason, string? Detail)
{
    public static DecodeOutcome Failed(string reason, string? detail) => new(null, reason, detail);
}

/// <summary>
/// One image decoder behind the toolkit (SkiaSharp or ImageSharp). Callers check the header and
/// the pixel limits first (<see cref="ImageHeader"/>); a decoder never sees an image it would
/// have to allocate too much for.
/// </summary>
public interface IImageDecoder
{
    /// <summary>Short name recorded in the perceptual-hash algorithm id (<c>skiasharp</c>, <c>imagesharp</c>).</summary>
    string Name { get; }

    /// <param name="minShortSide">The decoder may decode at a reduced size (JPEG DCT scaling) as long as the short side stays at least this; 0 = full size.</param>
    DecodeOutcome Decode(byte[] bytes, ImageHeader header, int minShortSide);
}

/// <summary>An image ready for a dataset row: its hash, the bytes to store and what was done to them.</summary>
/// <param name="Width">Upright width of the image as read.</param>
/// <param name="Height">Upright height of the image as read.</param>
/// <param name="Stored">The bytes to store: the original bytes, or the re-encoded image.</param>
/// <param name="StoredFormat">Format of <paramref name="Stored"/>.</param>
/// <param name="Ops">Semicolon-separated operations applied before hashing and storing, or null when none were.</param>
public sealed record ProcessedImage(
    ulong Hash, int Width, int Height, byte[] Stored, ImageFormat StoredFormat, int StoredWidth, int StoredHeight, string? Ops)
{
    /// <summary>The second near-duplicate signal (<see cref="WindowHashes"/>) of the pixels <see cref="Hash"/> was computed from.</summary>
    public ulong[]? Windows { get; init; }
}

/// <summary>A processed image, or the reason code of the failure.</summary>
public readonly record struct ProcessOutcome(ProcessedImage? Image, string? Reason, string? Detail);

/// <summary>Decodes, normalises, hashes and (when configured) resizes and re-encodes images for storage.</summary>
public interface IImageProcessor
{
    /// <summary>The perceptual-hash algorithm id written into shards and the manifest.</summary>
    string HashAlgorithm { get; }

    ProcessOutcome Process(byte[] bytes);

    /// <summary>As <see cref="Process(byte[])"/>, for bytes whose header the caller has read already (<c>load_images</c> checks it first), so it is parsed once per image.</summary>
    ProcessOutcome Process(byte[] bytes, ImageHeader header);
}
