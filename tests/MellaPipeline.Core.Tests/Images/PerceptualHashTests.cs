using MellaPipeline.Images;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Core.Tests.Images;

public class PerceptualHashTests
{
    internal static (byte[] Rgba, int Width, int Height) Pixels(SKBitmap bitmap)
    {
        using var rgba = new SKBitmap(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Assert.True(bitmap.CopyTo(rgba, SKColorType.Rgba8888));
        return (rgba.GetPixelSpan().ToArray(), rgba.Width, rgba.Height);
    }

    private static ulong Hash(SKBitmap bitmap)
    {
        var (rgba, width, height) = Pixels(bitmap);
        return PerceptualHash.Compute(rgba, width, height);
    }

    [Fact]
    public void A_resized_copy_stays_close_and_a_different_image_does_not()
    {
        using var original = SKBitmap.Decode(SyntheticPng.Create(320, 240, seed: 7));
        using var smaller = original.Resize(new SKImageInfo(160, 120), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var other = SKBitmap.Decode(SyntheticPng.Create(320, 240, seed: 8));

        ulong a = Hash(original), b = Hash(smaller), c = Hash(other);

        Assert.InRange(PerceptualHash.Distance(a, b), 0, 4);
        Assert.True(PerceptualHash.Distance(a, c) > 10, $"{PerceptualHash.ToHex(a)} vs {PerceptualHash.ToHex(c)}");
    }

    [Fact]
    public void Transparency_is_composited_onto_white()
    {
        var transparent = new byte[64 * 64 * 4]; // every pixel (0,0,0,0): black, fully transparent
        var white = Enumerable.Repeat((byte)255, 64 * 64 * 4).ToArray();

        Assert.Equal(PerceptualHash.Compute(white, 64, 64), PerceptualHash.Compute(transparent, 64, 64));
        // A flat image has only its DC coefficient above the median.
        Assert.Equal("8000000000000000", PerceptualHash.ToHex(PerceptualHash.Compute(white, 64, 64)));
    }

    [Fact]
    public void Hex_round_trips_and_bad_input_is_refused()
    {
        Assert.True(PerceptualHash.TryParseHex("9fee256239984d71", out ulong hash));
        Assert.Equal("9fee256239984d71", PerceptualHash.ToHex(hash));
        Assert.False(PerceptualHash.TryParseHex("9fee25623998", out _));
        Assert.False(PerceptualHash.TryParseHex("zzzz256239984d71", out _));
        Assert.Throws<ArgumentException>(() => PerceptualHash.Compute(new byte[10], 4, 4));
        Assert.Equal(64, PerceptualHash.Distance(0, ulong.MaxValue));
    }

    [Fact]
    public void Tiny_images_are_upsampled_and_keep_their_detail()
    {
        // 4×4 pixels: a light left half and dark right half, and the same turned a quarter.
        static byte[] Pattern(Func<int, int, bool> light)
        {
            var rgba = new byte[4 * 4 * 4];
            for (int i = 0; i < 16; i++)
            {
                byte v = light(i % 4, i / 4) ? (byte)230 : (byte)20;
                (rgba[i * 4], rgba[(i * 4) + 1], rgba[(i * 4) + 2], rgba[(i * 4) + 3]) = (v, v, v, 255);
            }

            return rgba;
        }

        ulong vertical = PerceptualHash.Compute(Pattern((x, _) => x < 2), 4, 4);
        ulong horizontal = PerceptualHash.Compute(Pattern((_, y) => y < 2), 4, 4);

        // Two-tone pictures have few frequencies, so few bits are set; but they are there and tell the two apart.
        Assert.NotEqual(PerceptualHash.Uniform, vertical);
        Assert.NotEqual(PerceptualHash.Uniform, horizontal);
        Assert.NotEqual(vertical, horizontal);
    }
}
