using System.Text;
using System.Text.Json;
using MellaPipeline.Images;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Dedup.Tests;

/// <summary>The near-duplicate rule (<see cref="NearDuplicateRule"/>) on real photos: light crops and watermarks join their original, different photos do not.</summary>
public class CropWatermarkDedupTests
{
    private static readonly string Photos = Path.Combine(RepoPaths.SharedData, "images-neardup", "imagededup", "base_images");

    private static void Save(SKBitmap bitmap, string path)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static SKBitmap Crop(SKBitmap source, SKRectI box)
    {
        using var subset = new SKBitmap();
        Assert.True(source.ExtractSubset(subset, box));
        return subset.Copy();
    }

    /// <summary>A translucent white box with text in the bottom-right corner, as a photo site stamps its copies.</summary>
    private static SKBitmap CornerMark(SKBitmap source)
    {
        var marked = source.Copy();
        using var canvas = new SKCanvas(marked);
        int w = source.Width, h = source.Height;
        using var box = new SKPaint { Color = new SKColor(255, 255, 255, 140) };
        canvas.DrawRect(SKRect.Create(w * 0.70f, h * 0.85f, w * 0.27f, h * 0.11f), box);
        using var ink = new SKPaint { Color = new SKColor(0, 0, 0, 220) };
        using var font = new SKFont(SKTypeface.Default, h * 0.05f);
        canvas.DrawText("(c) 2026 photos.example", w * 0.71f, h * 0.93f, SKTextAlign.Left, font, ink);
        return marked;
    }

    [Fact]
    public async Task Crops_and_a_watermark_join_their_original_while_other_photos_stay_apart()
    {
        using var dir = new TempDir();
        string first = Path.Combine(Photos, "ukbench00120.jpg");
        File.Copy(first, dir.File("a-original.jpg"));
        File.Copy(Path.Combine(Photos, "ukbench08976.jpg"), dir.File("b-other.jpg"));
        File.Copy(Path.Combine(Photos, "ukbench09012.jpg"), dir.File("c-other.jpg"));
        using var photo = SKBitmap.Decode(first);
        int w = photo.Width, h = photo.Height;
        using (var side = Crop(photo, new SKRectI(w * 8 / 100, 0, w, h)))
        using (var all = Crop(photo, new SKRectI(w * 4 / 100, h * 4 / 100, w - (w * 4 / 100), h - (h * 4 / 100))))
        using (var marked = CornerMark(photo))
        using (var half = photo.Resize(new SKImageInfo(w / 2, h / 2), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
        {
            Save(side, dir.File("a-crop8-side.jpg"));
            Save(all, dir.File("a-crop8.jpg"));
            Save(marked, dir.File("a-watermark.jpg"));
            Save(half, dir.File("a-resize.jpg"));
        }

        var output = new MemoryStream();
        var result = await ImageFolderDedup.RunAsync(dir.Path, Config.DedupNearOptions.DefaultThreshold, () => output, CancellationToken.None);

        var clusters = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(l => l.GetProperty("path").GetString()!, l => l.GetProperty("cluster").GetString()!);
        Assert.Equal((7, 7, 3), (result.Images, result.Hashed, result.Clusters));
        Assert.All(["a-crop8-side.jpg", "a-crop8.jpg", "a-watermark.jpg", "a-resize.jpg"], copy => Assert.Equal(clusters["a-original.jpg"], clusters[copy]));
        Assert.Equal(3, new[] { clusters["a-original.jpg"], clusters["b-other.jpg"], clusters["c-other.jpg"] }.Distinct().Count());
    }

    [Fact]
    public void Without_windows_the_rule_is_the_phash_alone()
    {
        var rule = new NearDuplicateRule(6);
        ulong a = 0x0123456789abcdefUL, b = a ^ 0xff; // 8 bits apart: beyond T, within the bound
        ulong[] windowsA = [b, 1, 2, 3, 4], windowsB = [5, 6, 7, 8, 9];

        Assert.Equal("near-v1:phash<=6|phash<=14&windows-v1<=4", rule.Id);
        Assert.True(rule.Near(a, windowsA, b, windowsB)); // a's centre window is b's whole hash
        Assert.False(rule.Near(a, [], b, windowsB));
        Assert.False(rule.Near(a, windowsA, a ^ 0xffff, windowsB)); // 16 bits: beyond the bound
        // b and the third hash are 8 bits apart with the same windows: joined only when both have them.
        Assert.Equal([0, 0, 2], rule.Cluster([a, b, a ^ 0xffff], [.. windowsA, .. windowsB, .. windowsB], [true, true, false]));
        Assert.Equal([0, 1, 1], rule.Cluster([a, b, a ^ 0xffff], [.. windowsA, .. windowsB, .. windowsB], [false, true, true]));
    }
}
