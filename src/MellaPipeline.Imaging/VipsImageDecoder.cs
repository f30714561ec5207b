using MellaPipeline.Images;
using MellaPipeline.Stages;
using NetVips;
using SkiaSharp;
using VipsImage = NetVips.Image;

namespace MellaPipeline.Imaging;

/// <summary>
/// libvips 8.18 (NetVips) as decoder and as maker of the stored copy: its libjpeg-turbo runs with
/// SIMD and its resize kernels are vectorised, which is where SkiaSharp's NoDependencies build
/// loses time (docs/IMAGE_DECODERS.md). JPEGs load at 1/2, 1/4 or 1/8 size when the caller allows
/// (only Huffman-coded baseline and progressive ones, as for Skia), large WebPs at twice the short
/// side the caller needs; the stored copy is resized
/// (Lanczos-3) and encoded (JPEG 4:2:0, WebP, PNG; no metadata kept) inside libvips. Each image
/// goes to the loader of its sniffed format by name, and every other libvips loader is blocked for
/// the process (<see cref="VipsRuntime"/>). EXIF orientation is applied, CMYK and ICC-profiled
/// images are converted to sRGB by lcms (only profiles that Skia's skcms does not already read as
/// sRGB, so the <c>icc=srgb</c> op means the same for every decoder), animations give their
/// first frame.
/// </summary>
public sealed class VipsImageDecoder : IImageDecoder, IStoredImageMaker
{
    // Lazy, so that a missing libvips is an InvalidOperationException naming it where the decoder is asked for, not a TypeInitializationException.
    private static readonly Lazy<VipsImageDecoder> Shared = new(() => new VipsImageDecoder(), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly double[] White = [255, 255, 255];

    private static readonly double[] OpaqueAlpha = [255];

    /// <summary>A PNG's last 12 bytes: the empty IEND chunk and its CRC.</summary>
    private static ReadOnlySpan<byte> PngEnd => [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];

    private VipsImageDecoder()
    {
        VipsRuntime.EnsureReady();
    }

    /// <summary>The decoder; throws <see cref="InvalidOperationException"/> naming libvips when it cannot be loaded (<see cref="VipsRuntime.Problem"/>).</summary>
    public static VipsImageDecoder Instance => Shared.Value;

    public string Name => "vips";

    public DecodeOutcome Decode(byte[] bytes, ImageHeader header, int minShortSide)
    {
        var ops = new List<string>(4);
        try
        {
            using var image = Load(bytes, header, minShortSide, ops, out int orientation, out var refused);
            if (image is null)
            {
                return DecodeOutcome.Failed(refused!.Value.Reason, refused.Value.Detail);
            }

            // One copy: libvips adds the opaque alpha band and writes straight into the managed RGBA array.
            var rgba = new byte[checked(image.Width * image.Height * 4)];
            using (var withAlpha = image.Bands == 4 ? null : image.BandjoinConst(OpaqueAlpha))
            using (var target = VipsImage.NewFromMemory(rgba, image.Width, image.Height, 4, Enums.BandFormat.Uchar))
            {
                (withAlpha ?? image).Write(target);
            }

            return new DecodeOutcome(new DecodedImage(rgba, image.Width, image.Height, ops, Pixels.SwapsSides(orientation)), null, null);
        }
        catch (VipsException e)
        {
            return DecodeOutcome.Failed(ReasonFor(e, bytes, header), Detail(e));
        }
    }

    public StoredImageOutcome Make(byte[] bytes, ImageHeader header, StoredImageSettings settings, bool resize, ImageFormat format)
    {
        VipsImage? stored = null;
        try
        {
            stored = Load(bytes, header, resize ? settings.Size : 0, [], out _, out var refused);
            if (stored is null)
            {
                return StoredImageOutcome.Failed(refused!.Value.Reason, refused.Value.Detail);
            }

            if (stored.HasAlpha())
            {
                Replace(ref stored, stored.Flatten(White));
            }

            if (resize)
            {
                Replace(ref stored, Resize(stored, settings));
            }

            byte[] encoded = format switch
            {
                // Skia's encoder subsamples chroma at every quality; libvips would stop at q ≥ 90, making files a third larger.
                ImageFormat.Jpeg => stored.JpegsaveBuffer(q: settings.Quality, subsampleMode: Enums.ForeignSubsample.On, keep: Enums.ForeignKeep.None),
                ImageFormat.WebP => stored.WebpsaveBuffer(q: settings.Quality, keep: Enums.ForeignKeep.None),
                _ => stored.PngsaveBuffer(keep: Enums.ForeignKeep.None),
            };
            return new StoredImageOutcome(encoded, stored.Width, stored.Height, null, null);
        }
        catch (VipsException e)
        {
            return StoredImageOutcome.Failed(ReasonFor(e, bytes, header), Detail(e));
        }
        finally
        {
            stored?.Dispose();
        }
    }

    /// <summary>
    /// Why an image libvips has opened is not decoded, from libvips' own reading of it (its first
    /// frame's size scaled back by the shrink-on-load factor, its band count after conversion to
    /// sRGB), or null: the header parser's size passed the limits already, but only what libvips
    /// will actually compute counts, and anything but grey, RGB and their alpha forms is refused
    /// here rather than failing later inside a caller's loop.
    /// </summary>
    public static (string Reason, string Detail)? Refusal(int width, int height, double shrink, int bands)
    {
        long fullWidth = (long)Math.Ceiling(width * shrink), fullHeight = (long)Math.Ceiling(height * shrink);
        if (ImageProcessor.Exceeds(fullWidth, fullHeight))
        {
            return (ReasonCodes.ImageTooManyPixels, $"{fullWidth}x{fullHeight} (libvips)");
        }

        return bands is < 1 or > 4 ? (ReasonCodes.ImageDecodeFailed, $"{bands} bands") : null;
    }

    /// <summary>
    /// Loads with the sniffed format's own loader and normalises: upright, 8-bit sRGB with 3 or 4
    /// bands, first frame; <paramref name="ops"/> gets what was done. Null with <paramref name="refused"/>
    /// set when libvips' own reading of the image is refused (<see cref="Refusal"/>).
    /// </summary>
    private static VipsImage? Load(byte[] bytes, ImageHeader header, int minShortSide, List<string> ops, out int orientation, out (string Reason, string Detail)? refused)
    {
        // Lazy: pixels are decoded (and truncation found) only when the caller writes the result.
        // Every libvips call costs a fixed ~0.1-0.3 ms, so no operation is added that the image does not need.
        int shrink = header.Format == ImageFormat.Jpeg ? JpegShrink(header, minShortSide) : 1;
        double scale = header.Format == ImageFormat.WebP ? WebpScale(header, minShortSide) : 1;
        var current = header.Format switch
        {
            ImageFormat.Jpeg => VipsImage.JpegloadBuffer(bytes, shrink: shrink, failOn: Enums.FailOn.Error),
            ImageFormat.Png => VipsImage.PngloadBuffer(bytes, failOn: Enums.FailOn.Error),
            ImageFormat.Gif => VipsImage.GifloadBuffer(bytes, failOn: Enums.FailOn.Error),
            _ => VipsImage.WebploadBuffer(bytes, scale: scale, failOn: Enums.FailOn.Error),
        };
        try
        {
            orientation = 1;
            // Only the first frame is loaded, so Height is one frame's (GIF, WebP): the limits apply to what is computed.
            refused = Refusal(current.Width, current.Height, shrink / scale, current.Bands);
            if (refused is not null)
            {
                current.Dispose();
                return null;
            }

            orientation = current.Contains("orientation") ? (int)current.Get("orientation") : 1;
            if (orientation is < 2 or > 8)
            {
                orientation = 1;
            }
            else
            {
                ops.Add($"orient={orientation}");
            }

            if (orientation != 1)
            {
                Replace(ref current, current.Autorot());
            }

            if (current.Interpretation == Enums.Interpretation.Cmyk)
            {
                ops.Add("cmyk=rgb");
                Replace(ref current, current.IccTransform("srgb", embedded: true, inputProfile: "cmyk"));
            }
            else if (NeedsProfileConversion(current))
            {
                ops.Add("icc=srgb");
                Replace(ref current, current.IccTransform("srgb", embedded: true));
            }

            int pages = current.Contains("n-pages") ? (int)current.Get("n-pages") : 1;
            if (pages > 1)
            {
                ops.Add($"frame=0/{pages}");
            }

            if (current.Interpretation != Enums.Interpretation.Srgb || current.Format != Enums.BandFormat.Uchar || current.Bands < 3)
            {
                // Grey (with or without alpha) labelled sRGB would stay 1 or 2 bands: it is converted as grey.
                var source = current.Interpretation == Enums.Interpretation.Srgb && current.Bands < 3 ? Enums.Interpretation.Bw : (Enums.Interpretation?)null;
                Replace(ref current, current.Colourspace(Enums.Interpretation.Srgb, sourceSpace: source));
            }

            if (current.Format != Enums.BandFormat.Uchar)
            {
                Replace(ref current, current.Cast(Enums.BandFormat.Uchar));
            }

            if (current.Bands is not (3 or 4))
            {
                refused = (ReasonCodes.ImageDecodeFailed, $"{current.Bands} bands after conversion to sRGB");
                current.Dispose();
                return null;
            }

            return current;
        }
        catch
        {
            // Rethrown: only the native image is released here, the caller turns the error into a reject.
            current.Dispose();
            throw;
        }
    }

    private static void Replace(ref VipsImage current, VipsImage next)
    {
        current.Dispose();
        current = next;
    }

    /// <summary>The largest JPEG shrink-on-load factor that keeps the short side at least <paramref name="minShortSide"/>; 1 for any other image.</summary>
    private static int JpegShrink(ImageHeader header, int minShortSide)
    {
        if (minShortSide <= 0 || !header.IsScalableJpeg)
        {
            return 1;
        }

        int shortSide = Math.Min(header.Width, header.Height), shrink = 8;
        while (shrink > 1 && (shortSide + shrink - 1) / shrink < minShortSide)
        {
            shrink /= 2;
        }

        return shrink;
    }

    /// <summary>
    /// libwebp's scale-on-decode factor for a WebP whose short side is at least 4× <paramref name="minShortSide"/>:
    /// down to twice that side (libwebp's rescaler averages areas; the hash's or the stored copy's
    /// Lanczos-3 does the rest, so the result stays close to a full decode's); 1 otherwise.
    /// </summary>
    private static double WebpScale(ImageHeader header, int minShortSide)
    {
        int shortSide = Math.Min(header.Width, header.Height);
        return minShortSide <= 0 || shortSide < 4 * minShortSide ? 1 : 2.0 * minShortSide / shortSide;
    }

    /// <summary>An embedded RGB profile that skcms does not read as sRGB (Skia ignores the others, so the vips path does too).</summary>
    private static bool NeedsProfileConversion(VipsImage image)
    {
        if (!image.Contains("icc-profile-data") || image.Get("icc-profile-data") is not byte[] profile)
        {
            return false;
        }

        // A profile skcms cannot parse is one Skia decodes as sRGB.
        using var parsed = SKColorSpaceIccProfile.Create(profile);
        if (parsed is null)
        {
            return false;
        }

        using var colourSpace = SKColorSpace.CreateIcc(parsed);
        return colourSpace is { IsSrgb: false };
    }

    /// <summary>The stored size first (short side to the size, Lanczos-3), then the centred square; sizes as the Skia path computes them.</summary>
    private static VipsImage Resize(VipsImage image, StoredImageSettings settings)
    {
        var (width, height) = settings.Scaled(image.Width, image.Height);
        var scaled = (width, height) == (image.Width, image.Height)
            ? image.Copy()
            : image.Resize((double)width / image.Width, vscale: (double)height / image.Height);
        if (settings.Mode != Config.ResizeMode.CenterCrop)
        {
            return scaled;
        }

        using (scaled)
        {
            var (left, top, side) = StoredImageSettings.CentredSquare(scaled.Width, scaled.Height);
            return scaled.Crop(left, top, side, side);
        }
    }

    /// <summary>
    /// libjpeg's words for data that ends early; libvips reports every libpng failure as one "read
    /// error", so a PNG that fails without its closing IEND chunk counts as truncated (as Skia says);
    /// anything else libvips refuses is a decode failure.
    /// </summary>
    private static string ReasonFor(VipsException e, byte[] bytes, ImageHeader header) =>
        (header.Format == ImageFormat.Png && !bytes.AsSpan().EndsWith(PngEnd))
        || e.Message.Contains("premature end", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("end of file", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("not enough data", StringComparison.OrdinalIgnoreCase)
            ? ReasonCodes.ImageTruncated
            : ReasonCodes.ImageDecodeFailed;

    private static string Detail(VipsException e)
    {
        string message = string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return message.Length <= 200 ? message : message[..200];
    }
}
