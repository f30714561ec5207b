using MellaPipeline.Images;

namespace MellaPipeline.Imaging;

/// <summary>The hash of one image, or why there is none.</summary>
public readonly record struct ImageHashResult(ulong? Hash, int Width, int Height, string? Reason, string? Detail)
{
    /// <summary>The window hashes beside <see cref="Hash"/> (<see cref="WindowHashes"/>), null when there is no hash.</summary>
    public ulong[]? Windows { get; init; }

    /// <summary>The line <c>mella phash</c> prints for <paramref name="path"/>: "HEX16&lt;TAB&gt;PATH", or "error&lt;TAB&gt;PATH&lt;TAB&gt;reason_code".</summary>
    public string Line(string path) => Hash is { } hash ? $"{PerceptualHash.ToHex(hash)}\t{path}" : $"error\t{path}\t{Reason}";
}

/// <summary>Perceptual hashes of image bytes as <c>mella phash</c> and <c>mella dedup --images</c> compute them (<see cref="ImageProcessor"/>, original bytes kept).</summary>
public static class ImageHasher
{
    /// <summary>The decoders by the names <c>load_images.decoder</c> and <c>mella phash --decoder</c> take, the default first.</summary>
    public static readonly IReadOnlyList<string> DecoderNames = ["skiasharp", "imagesharp", "vips"];

    private static readonly ImageProcessor Skia = new(SkiaImageDecoder.Instance);

    /// <summary>Hashes with the default decoder (SkiaSharp), or with <paramref name="processor"/>.</summary>
    public static ImageHashResult Hash(byte[] bytes, ImageProcessor? processor = null)
    {
        var outcome = (processor ?? Skia).Process(bytes);
        return outcome.Image is { } image
            ? new ImageHashResult(image.Hash, image.Width, image.Height, null, null) { Windows = image.Windows }
            : new ImageHashResult(null, 0, 0, outcome.Reason, outcome.Detail);
    }

    /// <summary>The decoder a pipeline's <c>load_images.decoder</c> names.</summary>
    public static IImageDecoder DecoderFor(Config.ImageDecoderKind kind) => kind switch
    {
        Config.ImageDecoderKind.Imagesharp => ImageSharpImageDecoder.Instance,
        Config.ImageDecoderKind.Vips => VipsImageDecoder.Instance,
        _ => SkiaImageDecoder.Instance,
    };

    /// <summary>Why the decoder <paramref name="kind"/> names cannot run on this machine (libvips missing), in one line, or null: checked before a run or <c>mella phash</c> starts.</summary>
    public static string? DecoderProblem(Config.ImageDecoderKind kind) => kind == Config.ImageDecoderKind.Vips ? VipsRuntime.Problem : null;

    /// <summary>The decoder of one of <see cref="DecoderNames"/>.</summary>
    public static IImageDecoder DecoderNamed(string name) => DecoderFor(KindNamed(name));

    /// <summary>The kind of one of <see cref="DecoderNames"/>.</summary>
    public static Config.ImageDecoderKind KindNamed(string name) => Enum.Parse<Config.ImageDecoderKind>(name, ignoreCase: true);
}
