using MellaPipeline.Images;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Core.Tests.Images;

public class WindowHashesTests
{
    private static (byte[] Rgba, int Width, int Height) Pixels(SKBitmap bitmap) => PerceptualHashTests.Pixels(bitmap);

    private static ulong CroppedHash(SKBitmap bitmap, SKRectI box)
    {
        using var subset = new SKBitmap();
        Assert.True(bitmap.ExtractSubset(subset, box));
        using var copy = subset.Copy();
        var (rgba, width, height) = Pixels(copy);
        return PerceptualHash.Compute(rgba, width, height);
    }

    [Fact]
    public void Each_window_hash_is_the_phash_of_that_window_cropped_by_hand()
    {
        using var image = SKBitmap.Decode(SyntheticPng.Create(320, 240, seed: 7));
        var (rgba, width, height) = Pixels(image);

        var windows = WindowHashes.Compute(rgba, width, height);

        // 320×240: centre without 4 % a side (12.8 → 12 px, 9.6 → 9 px), without the left / right / top 8 %, without the bottom 15 %.
        SKRectI[] boxes = [new(12, 9, 307, 230), new(25, 0, 320, 240), new(0, 0, 294, 240), new(0, 19, 320, 240), new(0, 0, 320, 204)];
        Assert.Equal(boxes.Select(b => CroppedHash(image, b)).ToArray(), windows);
        Assert.Equal(WindowHashes.Count, windows.Distinct().Count());
        Assert.DoesNotContain(PerceptualHash.Compute(rgba, width, height), windows);
    }

    [Fact]
    public void Large_pixels_are_reduced_by_a_whole_factor_first()
    {
        // 600×520 made of 2×2 blocks of one colour: reduced by 2 (short side 520 ≥ 2 × 256), it is exactly the 300×260 image.
        using var small = SKBitmap.Decode(SyntheticPng.Create(300, 260, seed: 11));
        using var large = small.Resize(new SKImageInfo(600, 520), new SKSamplingOptions(SKFilterMode.Nearest));
        var (smallRgba, smallWidth, smallHeight) = Pixels(small);
        var (largeRgba, largeWidth, largeHeight) = Pixels(large);

        Assert.Equal(WindowHashes.Compute(smallRgba, smallWidth, smallHeight), WindowHashes.Compute(largeRgba, largeWidth, largeHeight));
    }

    [Fact]
    public void A_crop_that_is_a_window_is_at_distance_zero_and_another_image_is_not()
    {
        using var image = SKBitmap.Decode(SyntheticPng.Create(400, 300, seed: 3));
        using var other = SKBitmap.Decode(SyntheticPng.Create(400, 300, seed: 4));
        var (rgba, width, height) = Pixels(image);
        var (otherRgba, otherWidth, otherHeight) = Pixels(other);
        ulong whole = PerceptualHash.Compute(rgba, width, height);
        var windows = WindowHashes.Compute(rgba, width, height);
        ulong cropped = CroppedHash(image, new SKRectI(32, 0, 400, 300)); // the left 8 % cut off: window "no-left"
        using var subset = new SKBitmap();
        image.ExtractSubset(subset, new SKRectI(32, 0, 400, 300));
        using var croppedCopy = subset.Copy();
        var (croppedRgba, croppedWidth, croppedHeight) = Pixels(croppedCopy);

        Assert.Equal(0, WindowHashes.Distance(whole, windows, cropped, WindowHashes.Compute(croppedRgba, croppedWidth, croppedHeight)));
        Assert.True(WindowHashes.Distance(whole, windows, PerceptualHash.Compute(otherRgba, otherWidth, otherHeight), WindowHashes.Compute(otherRgba, otherWidth, otherHeight)) > 8);
    }

    [Fact]
    public void Hex_round_trips_and_anything_else_is_refused()
    {
        ulong[] hashes = [0x0123456789abcdefUL, 1, 2, 3, ulong.MaxValue];
        string hex = WindowHashes.ToHex(hashes);
        var parsed = new ulong[WindowHashes.Count];

        Assert.Equal(WindowHashes.HexLength, hex.Length);
        Assert.StartsWith("0123456789abcdef0000000000000001", hex, StringComparison.Ordinal);
        Assert.True(WindowHashes.TryParseHex(hex, parsed));
        Assert.Equal(hashes, parsed);
        Assert.False(WindowHashes.TryParseHex(null, parsed));
        Assert.False(WindowHashes.TryParseHex(hex[..64], parsed));
        Assert.False(WindowHashes.TryParseHex("z" + hex[1..], parsed));
    }
}
