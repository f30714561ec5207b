using MellaPipeline.Images;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Core.Tests.Images;

/// <summary>
/// The pHash against the expected values upstream tests pin for Python imagehash's phash
/// (<c>../shared/data/images-neardup</c>): the same algorithm, so the same bits up to the
/// resize's rounding and the JPEG decoder.
/// </summary>
[Trait("Category", "SharedData")]
public class SharedDataPerceptualHashTests
{
    private static ulong HashOf(string relative)
    {
        using var bitmap = SKBitmap.Decode(Path.Combine(RepoPaths.SharedData, "images-neardup", relative));
        using var rgba = new SKBitmap(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Assert.True(bitmap.CopyTo(rgba, SKColorType.Rgba8888));
        return PerceptualHash.Compute(rgba.GetPixelSpan(), rgba.Width, rgba.Height);
    }

    [Theory]
    [InlineData("py-imagehash/imagehash.png", "ba8c84536bd3c366", 0)] // PNG: identical pixels, so identical bits
    [InlineData("imagededup/base_images/ukbench00120.jpg", "9fee256239984d71", 2)] // JPEG: libjpeg-turbo vs PIL's decoder
    public void Hashes_are_imagehash_phash_up_to_decoding(string image, string expected, int maxDistance)
    {
        Assert.True(PerceptualHash.TryParseHex(expected, out ulong upstream));

        ulong ours = HashOf(image);

        Assert.True(PerceptualHash.Distance(ours, upstream) <= maxDistance, $"{PerceptualHash.ToHex(ours)} vs {expected}: distance {PerceptualHash.Distance(ours, upstream)}");
    }
}
