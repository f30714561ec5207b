using System.Runtime.InteropServices;
using MellaPipeline.Images;
using MellaPipeline.Stages;
using SkiaSharp;

namespace MellaPipeline.Imaging;

/// <summary>
/// The default decoder: SkiaSharp's <c>SKCodec</c> (libjpeg-turbo, libpng, libwebp, Skia's GIF
/// decoder). JPEGs decode at a reduced size when the caller allows (libjpeg-turbo's DCT scaling:
/// 1/2, 1/4 or 1/8 without decoding the full image; only Huffman-coded baseline and progressive
/// JPEGs are scaled, every other image is decoded at full size); embedded ICC profiles and CMYK are converted
/// to sRGB by Skia's colour management (skcms); EXIF orientation comes from the codec; only the
/// first frame of an animation is decoded.
/// </summary>
public sealed class SkiaImageDecoder : IImageDecoder
{
    public static readonly SkiaImageDecoder Instance = new();

    private static readonly SKColorSpace Srgb = SKColorSpace.CreateSrgb();

    public string Name => "skiasharp";

    public DecodeOutcome Decode(byte[] bytes, ImageHeader header, int minShortSide)
    {
        // The codec reads the caller's array in place (pinned while it lives) instead of a native copy of it.
        var input = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        try
        {
            using var data = SKData.Create(input.AddrOfPinnedObject(), bytes.Length);
            using var codec = SKCodec.Create(data);
            return codec is null ? DecodeOutcome.Failed(ReasonCodes.ImageDecodeFailed, "not decodable") : Decode(codec, header, minShortSide);
        }
        finally
        {
            input.Free();
        }
    }

    private static DecodeOutcome Decode(SKCodec codec, ImageHeader header, int minShortSide)
    {
        var ops = new List<string>(4);
        int orientation = (int)codec.EncodedOrigin;
        if (orientation is >= 2 and <= 8)
        {
            ops.Add($"orient={orientation}");
        }

        if (header.IsCmyk)
        {
            ops.Add("cmyk=rgb");
        }

        if (codec.Info.ColorSpace is { IsSrgb: false })
        {
            ops.Add("icc=srgb");
        }

        int frames = codec.FrameCount;
        if (frames > 1)
        {
            ops.Add($"frame=0/{frames}");
        }

        float scale = minShortSide <= 0 || !header.IsScalableJpeg
            ? 1f
            : Math.Clamp((float)minShortSide / Math.Max(1, Math.Min(codec.Info.Width, codec.Info.Height)), 0.125f, 1f);
        var size = codec.GetScaledDimensions(scale);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, Srgb);
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
            return DecodeOutcome.Failed(ReasonCodes.ImageTruncated, result.ToString());
        }

        if (result != SKCodecResult.Success)
        {
            return DecodeOutcome.Failed(ReasonCodes.ImageDecodeFailed, result.ToString());
        }

        var (upright, width, height) = Pixels.Orient(pixels, info.Width, info.Height, orientation);
        return new DecodeOutcome(new DecodedImage(upright, width, height, ops, Pixels.SwapsSides(orientation)), null, null);
    }
}
