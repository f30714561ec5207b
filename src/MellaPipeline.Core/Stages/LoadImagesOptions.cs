using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

/// <summary>Reading and checking image files.</summary>
public sealed class LoadImagesOptions : IValidatableObject
{
    /// <summary>
    /// <c>false</c> reads no image at all (a metadata pass over a URL list: rows keep their <c>url</c>;
    /// the image by reference (its URL as <c>image.path</c>); <c>sha256</c> and <c>phash</c> are null, width and height 0,
    /// and no near-duplicate clustering runs).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Images read at once within one task; for downloads, images in flight over all hosts together (each host also within its <c>concurrency_per_host</c>). At most 256, so the reorder window behind it (8 × this many records) stays bounded.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Largest image file accepted (e.g. <c>20MB</c>).</summary>
    [ByteSize]
    [Range(1L, 1L << 30)]
    public long MaxBytes { get; set; } = 20L << 20;

    /// <summary>Smallest width and height accepted, in pixels.</summary>
    [Range(1, 65_535)]
    public int MinDimension { get; set; } = 16;

    /// <summary>Largest width or height accepted, in pixels; larger images are rejected before any decode.</summary>
    [Range(1, 65_535)]
    public int MaxDimension { get; set; } = 16_384;

    /// <summary>Longest side over shortest side above which an image is a banner or a strip, not a picture.</summary>
    [Range(1.0, 1000.0)]
    public double MaxAspectRatio { get; set; } = 4.0;

    /// <summary><c>bytes</c> puts the image in the shard; <c>reference</c> stores only its path.</summary>
    public ImageStorage Store { get; set; } = ImageStorage.Bytes;

    /// <summary>How the stored image is resized: not at all (the original bytes are kept unless <see cref="EncodeFormat"/> asks otherwise), to <see cref="ImageSize"/> on the short side, or cropped to a centred <see cref="ImageSize"/> square.</summary>
    public ResizeMode ResizeMode { get; set; } = ResizeMode.No;

    /// <summary>Target size in pixels for <see cref="ResizeMode"/>; images already smaller are not enlarged.</summary>
    [Range(16, 16_384)]
    public int ImageSize { get; set; } = 512;

    /// <summary>Format of a re-encoded image; <c>original</c> keeps the input's bytes when nothing else changes them.</summary>
    public StoredImageFormat EncodeFormat { get; set; } = StoredImageFormat.Original;

    /// <summary>JPEG and WebP quality of a re-encoded image.</summary>
    [Range(1, 100)]
    public int EncodeQuality { get; set; } = 95;

    /// <summary>The library that decodes images (see docs/IMAGE_DECODERS.md for why SkiaSharp is the default).</summary>
    public ImageDecoderKind Decoder { get; set; } = ImageDecoderKind.Skiasharp;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinDimension > MaxDimension)
        {
            yield return new ValidationResult($"must not exceed max_dimension ({MaxDimension})", ["min_dimension"]);
        }

        if (Store == ImageStorage.Reference && ResizeMode != ResizeMode.No)
        {
            yield return new ValidationResult("needs store: bytes (store: reference keeps images where they are, unchanged)", ["resize_mode"]);
        }

        if (Store == ImageStorage.Reference && EncodeFormat != StoredImageFormat.Original)
        {
            yield return new ValidationResult("needs store: bytes (store: reference keeps images where they are, unchanged)", ["encode_format"]);
        }
    }
}

public enum ImageStorage
{
    Bytes,
    Reference,
}

/// <summary>How a stored image is resized (img2dataset's names).</summary>
public enum ResizeMode
{
    No,
    KeepRatio,
    CenterCrop,
}

public enum StoredImageFormat
{
    Original,
    Jpeg,
    Png,
    Webp,
}

public enum ImageDecoderKind
{
    Skiasharp,
    Imagesharp,
    Vips,
}
