using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Stages;
using SkiaSharp;

namespace MellaPipeline.Imaging;

/// <summary>How a stored image is resized and encoded (<c>load_images</c>'s <c>resize_mode</c>, <c>image_size</c>, <c>encode_format</c>, <c>encode_quality</c>).</summary>
public sealed record StoredImageSettings(ResizeMode Mode, int Size, StoredImageFormat Format, int Quality)
{
    /// <summary>Keep every image's original bytes.</summary>
    public static readonly StoredImageSettings Original = new(ResizeMode.No, 512, StoredImageFormat.Original, 95);

    public static StoredImageSettings From(LoadImagesOptions options) =>
        new(options.ResizeMode, options.ImageSize, options.EncodeFormat, options.EncodeQuality);

    /// <summary>The size of a <paramref name="width"/>×<paramref name="height"/> image once its short side is <see cref="Size"/> (never enlarged), before any crop.</summary>
    public (int Width, int Height) Scaled(int width, int height)
    {
        double scale = Math.Min(1.0, (double)Size / Math.Min(width, height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>The centred square a <c>center_crop</c> keeps of a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public static (int Left, int Top, int Side) CentredSquare(int width, int height)
    {
        int side = Math.Min(width, height);
        return ((width - side) / 2, (height - side) / 2, side);
    }
}

/// <summary>
/// Turns image bytes into what a dataset row needs, treating them as hostile: the format is
/// sniffed from the header and only JPEG, PNG, GIF and WebP go on; width, height and pixel count
/// are checked from the header before any pixel is decoded (decompression bombs never allocate,
/// GIF frames larger than their screen included). The image is then decoded small for the
/// perceptual hash (JPEGs at reduced size: pHash's 32×32 resize does not notice), upright, in
/// sRGB, first frame, alpha composited onto white. When the stored image must change (a resize
/// or another format), it is decoded again at the size it needs, normalised the same way,
/// resized with Skia (linear filtering with mipmaps) and encoded with Skia — unless the decoder
/// makes the stored copy itself (<see cref="IStoredImageMaker"/>: libvips).
/// </summary>
public sealed class ImageProcessor(IImageDecoder decoder, StoredImageSettings? stored = null, long maxPixels = ImageProcessor.DefaultMaxPixels, int maxSide = ImageProcessor.DefaultMaxSide)
    : IImageProcessor
{
    public const long DefaultMaxPixels = 100_000_000;
    public const int DefaultMaxSide = 30_000;

    /// <summary>Short side a JPEG may be decoded down to for hashing.</summary>
    private const int HashDecodeSide = 64;

    private readonly StoredImageSettings _stored = stored ?? StoredImageSettings.Original;

    public IImageDecoder Decoder => decoder;

    /// <summary>
    /// Whether the window hashes (<see cref="WindowHashes"/>) are taken beside the pHash: on for rows and
    /// <c>mella dedup --images</c>, off for <c>mella phash</c>, which prints the pHash alone and would
    /// spend a third more per photo on five hashes nobody reads.
    /// </summary>
    public bool ComputeWindows { get; init; } = true;

    public string HashAlgorithm => PerceptualHash.Definition + ",decoder=" + decoder.Name;

    public ProcessOutcome Process(byte[] bytes) =>
        ImageHeader.TryRead(bytes, out var header, out string reason) ? Process(bytes, header) : new ProcessOutcome(null, reason, "header");

    public ProcessOutcome Process(byte[] bytes, ImageHeader header)
    {
        if (Refusal(header) is { } refused)
        {
            return new ProcessOutcome(null, refused.Reason, refused.Detail);
        }

        var small = decoder.Decode(bytes, header, HashDecodeSide);
        if (small.Image is not { } hashInput)
        {
            return new ProcessOutcome(null, small.Reason, small.Detail);
        }

        var ops = new List<string>(hashInput.Ops);
        if (Pixels.CompositeOverWhite(hashInput.Rgba))
        {
            ops.Add("alpha=white");
        }

        ulong hash = PerceptualHash.Compute(hashInput.Rgba, hashInput.Width, hashInput.Height);
        var windows = ComputeWindows ? WindowHashes.Compute(hashInput.Rgba, hashInput.Width, hashInput.Height) : null;
        var (width, height) = hashInput.Turned ? (header.Height, header.Width) : (header.Width, header.Height);
        int shortSide = Math.Min(width, height);
        bool resize = _stored.Mode switch
        {
            ResizeMode.KeepRatio => shortSide > _stored.Size,
            ResizeMode.CenterCrop => shortSide > _stored.Size || width != height,
            _ => false,
        };
        if (!resize && _stored.Format == StoredImageFormat.Original)
        {
            return new ProcessOutcome(new ProcessedImage(hash, width, height, bytes, header.Format, header.Width, header.Height, Join(ops)) { Windows = windows }, null, null);
        }

        var format = _stored.Format switch
        {
            StoredImageFormat.Jpeg => ImageFormat.Jpeg,
            StoredImageFormat.Png => ImageFormat.Png,
            StoredImageFormat.Webp => ImageFormat.WebP,
            _ => header.Format == ImageFormat.Gif ? ImageFormat.Png : header.Format,
        };
        var made = decoder is IStoredImageMaker maker ? maker.Make(bytes, header, _stored, resize, format) : MakeWithSkia(bytes, header, resize, format);
        if (made.Bytes is not { } encoded)
        {
            return new ProcessOutcome(null, made.Reason, made.Detail);
        }

        if (resize)
        {
            ops.Add($"resize={(_stored.Mode == ResizeMode.KeepRatio ? "keep_ratio" : "center_crop")}:{made.Width}x{made.Height}");
        }

        ops.Add(format == ImageFormat.Png ? "encode=png" : $"encode={(format == ImageFormat.Jpeg ? "jpeg" : "webp")}:q{_stored.Quality}");
        return new ProcessOutcome(new ProcessedImage(hash, width, height, encoded, format, made.Width, made.Height, Join(ops)) { Windows = windows }, null, null);
    }

    /// <summary>The stored copy through the decoder's RGBA and Skia's resize and encoders.</summary>
    private StoredImageOutcome MakeWithSkia(byte[] bytes, ImageHeader header, bool resize, ImageFormat format)
    {
        var full = decoder.Decode(bytes, header, resize ? _stored.Size : 0);
        if (full.Image is not { } image)
        {
            return StoredImageOutcome.Failed(full.Reason, full.Detail);
        }

        Pixels.CompositeOverWhite(image.Rgba);
        using var bitmap = ToBitmap(image);
        using var result = resize ? Resize(bitmap, _stored) : bitmap.Copy();
        return new StoredImageOutcome(Encode(result, format, _stored.Quality), result.Width, result.Height, null, null);
    }

    /// <summary>
    /// The upright sRGB pixels of an image with alpha composited onto white, after the same header
    /// and pixel-limit checks as <see cref="Process(byte[])"/>: for consumers that need the picture
    /// itself rather than a stored image (model scorers), so hostile bytes meet one policy.
    /// </summary>
    /// <param name="minShortSide">As <see cref="IImageDecoder.Decode"/>: 0 decodes at full size.</param>
    public DecodeOutcome DecodePixels(byte[] bytes, int minShortSide = 0)
    {
        if (!ImageHeader.TryRead(bytes, out var header, out string reason))
        {
            return DecodeOutcome.Failed(reason, "header");
        }

        if (Refusal(header) is { } refused)
        {
            return refused;
        }

        var decoded = decoder.Decode(bytes, header, minShortSide);
        if (decoded.Image is { } image)
        {
            Pixels.CompositeOverWhite(image.Rgba);
        }

        return decoded;
    }

    /// <summary>Why an image is not decoded at all (too many pixels, a JPEG process no decoder supports), or null.</summary>
    private DecodeOutcome? Refusal(ImageHeader header)
    {
        if (Exceeds(header.Width, header.Height, maxPixels, maxSide))
        {
            return DecodeOutcome.Failed(ReasonCodes.ImageTooManyPixels, $"{header.Width}x{header.Height}");
        }

        return header.IsUnusualJpeg
            ? DecodeOutcome.Failed(ReasonCodes.ImageFormatUnsupported, $"lossless or hierarchical JPEG (SOF{header.JpegFrame - 0xC0})")
            : null;
    }

    /// <summary>Whether a <paramref name="width"/>×<paramref name="height"/> image is over the limits (the header's size here, a decoder's own reading of it in <see cref="VipsImageDecoder"/>).</summary>
    public static bool Exceeds(long width, long height, long maxPixels = DefaultMaxPixels, int maxSide = DefaultMaxSide) =>
        width > maxSide || height > maxSide || width * height > maxPixels;

    private static string? Join(List<string> ops) => ops.Count == 0 ? null : string.Join(';', ops);

    private static SKBitmap ToBitmap(DecodedImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(image.Rgba, 0, bitmap.GetPixels(), image.Rgba.Length);
        return bitmap;
    }

    /// <summary><c>keep_ratio</c>: the short side becomes the settings' size; <c>center_crop</c>: that, then the centred square.</summary>
    private static SKBitmap Resize(SKBitmap source, StoredImageSettings settings)
    {
        var (width, height) = settings.Scaled(source.Width, source.Height);
        var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        var scaled = (width, height) != (source.Width, source.Height)
            ? source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), sampling)
            : source.Copy();
        if (settings.Mode != ResizeMode.CenterCrop)
        {
            return scaled;
        }

        using (scaled)
        {
            var (left, top, side) = StoredImageSettings.CentredSquare(scaled.Width, scaled.Height);
            using var square = new SKBitmap();
            scaled.ExtractSubset(square, SKRectI.Create(left, top, side, side));
            return square.Copy();
        }
    }

    private static byte[] Encode(SKBitmap bitmap, ImageFormat format, int quality)
    {
        var skiaFormat = format switch
        {
            ImageFormat.Jpeg => SKEncodedImageFormat.Jpeg,
            ImageFormat.WebP => SKEncodedImageFormat.Webp,
            _ => SKEncodedImageFormat.Png,
        };
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(skiaFormat, quality);
        return data.ToArray();
    }
}
