using System.Runtime.InteropServices;
using MellaPipeline.Images;
using MellaPipeline.Stages;
using SkiaSharp;

namespace MellaPipeline.Imaging;

/// <summary>The hash of one image, or why there is none.</summary>
public readonly record struct ImageHashResult(ulong? Hash, int Width, int Height, string? Reason, string? Detail);

/// <summary>
/// Decodes an image for <see cref="PerceptualHash"/> with SkiaSharp, treating the bytes as
/// hostile: the format is sniffed from the header and only JPEG, PNG, GIF and WebP are decoded;
/// width, height and pixel count are checked from the header before any pixel is decoded
/// (decompression bombs never allocate); JPEGs are decoded at a reduced size (libjpeg-turbo's DCT
/// scaling, at least 64 pixels on the short side), which pHash's 32×32 resize does not notice;
/// EXIF orientation is applied; animations give their first frame; truncated data is a reject.
/// </summary>
public static class ImageHasher
{
    public const long DefaultMaxPixels = 100_000_000;
    public const int DefaultMaxSide = 30_000;

    /// <summary>Short side the decoder may scale a JPEG down to.</summary>
    private const int MinDecodedSide = 64;

    public static ImageHashResult Hash(byte[] bytes, long maxPixels = DefaultMaxPixels, int maxSide = DefaultMaxSide)
    {
        if (!ImageHeader.TryRead(bytes, out var header, out string reason))
        {
            return new ImageHashResult(null, 0, 0, reason, "header");
        }

        if (header.Width > maxSide || header.Height > maxSide || (long)header.Width * header.Height > maxPixels)
        {
            return new ImageHashResult(null, header.Width, header.Height, ReasonCodes.ImageTooManyPixels, $"{header.Width}x{header.Height}");
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return new ImageHashResult(null, header.Width, header.Height, ReasonCodes.ImageDecodeFailed, "not decodable");
        }

        float scale = Math.Clamp((float)MinDecodedSide / Math.Max(1, Math.Min(codec.Info.Width, codec.Info.Height)), 0.125f, 1f);
        var size = codec.GetScaledDimensions(scale);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }

        if (result is SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput)
        {
            return new ImageHashResult(null, header.Width, header.Height, ReasonCodes.ImageTruncated, result.ToString());
        }

        if (result != SKCodecResult.Success)
        {
            return new ImageHashResult(null, header.Width, header.Height, ReasonCodes.ImageDecodeFailed, result.ToString());
        }

        var (oriented, width, height) = Orient(pixels, info.Width, info.Height, codec.EncodedOrigin);
        return new ImageHashResult(PerceptualHash.Compute(oriented, width, height), header.Width, header.Height, null, null);
    }

    /// <summary>Applies an EXIF orientation to straight RGBA pixels.</summary>
    public static (byte[] Pixels, int Width, int Height) Orient(byte[] rgba, int width, int height, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or (SKEncodedOrigin)0)
        {
            return (rgba, width, height);
        }

        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int outWidth = swap ? height : width, outHeight = swap ? width : height;
        var source = MemoryMarshal.Cast<byte, uint>(rgba);
        var output = new byte[rgba.Length];
        var target = MemoryMarshal.Cast<byte, uint>(output.AsSpan());
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                (int tx, int ty) = origin switch
                {
                    SKEncodedOrigin.TopRight => (width - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, height - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (height - 1 - y, x),
                    SKEncodedOrigin.RightBottom => (height - 1 - y, width - 1 - x),
                    SKEncodedOrigin.LeftBottom => (y, width - 1 - x),
                    _ => (x, y),
                };
                target[(ty * outWidth) + tx] = source[(y * width) + x];
            }
        }

        return (output, outWidth, outHeight);
    }
}

/// <summary><see cref="ImageHasher"/> as the pipeline's <see cref="IPerceptualHasher"/>.</summary>
public sealed class SkiaPerceptualHasher : IPerceptualHasher
{
    public string Algorithm => PerceptualHash.Definition + ",decoder=skiasharp";

    public PerceptualHashOutcome Hash(byte[] bytes)
    {
        var result = ImageHasher.Hash(bytes);
        return new PerceptualHashOutcome(result.Hash, result.Reason, result.Detail);
    }
}
