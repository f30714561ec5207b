using MellaPipeline.Images;
using MellaPipeline.Stages;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace MellaPipeline.Imaging;

/// <summary>
/// SixLabors.ImageSharp 2.1.13 as a decoder, hardened for hostile input: only the JPEG, PNG, GIF
/// and WebP modules are registered (no TIFF: its fax decoders carry 2026 advisories fixed only in
/// the paid 4.x line), metadata is ignored by every decoder (so ICC profiles, the other advisory,
/// are never parsed: colours are taken as sRGB), GIFs decode their first frame only, allocations
/// are capped, and callers check dimensions from the header before any decode. EXIF orientation
/// is read by <see cref="Pixels.JpegExifOrientation"/>, not by ImageSharp's metadata parser.
/// ImageSharp 2.x cannot decode a JPEG at reduced size, so <c>minShortSide</c> is ignored.
/// </summary>
public sealed class ImageSharpImageDecoder : IImageDecoder
{
    public static readonly ImageSharpImageDecoder Instance = new();

    private readonly Configuration _configuration;

    public ImageSharpImageDecoder(int allocationLimitMegabytes = 1024)
    {
        _configuration = new Configuration(
            new JpegConfigurationModule(), new PngConfigurationModule(), new GifConfigurationModule(), new WebpConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                MaximumPoolSizeMegabytes = 64,
                AllocationLimitMegabytes = allocationLimitMegabytes,
            }),
            MaxDegreeOfParallelism = 1,
        };
        var formats = _configuration.ImageFormatsManager;
        formats.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        formats.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        formats.SetDecoder(GifFormat.Instance, new GifDecoder { IgnoreMetadata = true, DecodingMode = FrameDecodingMode.First });
        formats.SetDecoder(WebpFormat.Instance, new WebpDecoder { IgnoreMetadata = true });
    }

    public string Name => "imagesharp";

    public DecodeOutcome Decode(byte[] bytes, ImageHeader header, int minShortSide)
    {
        Image<Rgba32> image;
        try
        {
            image = Image.Load<Rgba32>(_configuration, bytes);
        }
        catch (InvalidImageContentException e)
        {
            return DecodeOutcome.Failed(ReasonCodes.ImageTruncated, e.Message);
        }
        catch (Exception e) when (e is UnknownImageFormatException or ImageFormatException or NotSupportedException
                                      or InvalidMemoryOperationException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            return DecodeOutcome.Failed(ReasonCodes.ImageDecodeFailed, $"{e.GetType().Name}: {e.Message}");
        }

        using (image)
        {
            var ops = new List<string>(3);
            int orientation = header.Format == ImageFormat.Jpeg ? Pixels.JpegExifOrientation(bytes) : 1;
            if (orientation != 1)
            {
                ops.Add($"orient={orientation}");
            }

            if (header.IsCmyk)
            {
                ops.Add("cmyk=rgb");
            }

            var pixels = new byte[image.Width * image.Height * 4];
            image.CopyPixelDataTo(pixels);
            var (upright, width, height) = Pixels.Orient(pixels, image.Width, image.Height, orientation);
            return new DecodeOutcome(new DecodedImage(upright, width, height, ops, Pixels.SwapsSides(orientation)), null, null);
        }
    }
}
