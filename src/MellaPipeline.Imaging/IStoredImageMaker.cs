using MellaPipeline.Images;

namespace MellaPipeline.Imaging;

/// <summary>The stored copy of an image, or the reason code why there is none.</summary>
/// <param name="Bytes">The encoded image.</param>
public readonly record struct StoredImageOutcome(byte[]? Bytes, int Width, int Height, string? Reason, string? Detail)
{
    public static StoredImageOutcome Failed(string? reason, string? detail) => new(null, 0, 0, reason, detail);
}

/// <summary>
/// A decoder that also makes the stored copy itself (shrink-on-load, resize and encode in its
/// own pixel buffers), so the pixels never cross into Skia. <see cref="ImageProcessor"/> has
/// checked the header, decided that the copy must change and chosen its format; the maker
/// normalises the image as <see cref="IImageDecoder.Decode"/> does (upright, sRGB, first frame)
/// and composites alpha onto white.
/// </summary>
public interface IStoredImageMaker
{
    /// <param name="resize">Whether <paramref name="settings"/>' resize applies (the image is larger than its size, or not square for a centre crop).</param>
    StoredImageOutcome Make(byte[] bytes, ImageHeader header, StoredImageSettings settings, bool resize, ImageFormat format);
}
