using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Core.Tests.Images;

/// <summary>
/// The libvips path against the Skia path on the real photos of <c>../shared/data/images-neardup</c>
/// (hashes a few bits apart, stored copies of the asked size and format), and what only the libvips
/// path has to guarantee: no loader but the four formats', orientation applied to the stored copy,
/// and the same results whatever the number of images in flight.
/// </summary>
[Trait("Category", "SharedData")]
public class VipsImageDecoderTests
{
    private static readonly StoredImageSettings Jpeg384 = new(ResizeMode.KeepRatio, 384, StoredImageFormat.Jpeg, 95);

    private static List<(string Name, byte[] Bytes)> Photos() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.SharedData, "images-neardup"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".png")
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(RepoPaths.SharedData, f), File.ReadAllBytes(f)))
            .ToList();

    [Fact]
    public void Hashes_are_within_a_few_bits_of_the_skia_path_on_every_real_photo()
    {
        var skia = new ImageProcessor(SkiaImageDecoder.Instance);
        var vips = new ImageProcessor(VipsImageDecoder.Instance);
        int compared = 0, identical = 0;
        foreach (var (name, bytes) in Photos())
        {
            var expected = skia.Process(bytes);
            var actual = vips.Process(bytes);
            Assert.Equal(expected.Reason, actual.Reason);
            if (expected.Image is not { } s)
            {
                continue;
            }

            var v = actual.Image!;
            int distance = PerceptualHash.Distance(s.Hash, v.Hash);
            Assert.True(distance <= 6, $"{name}: {distance} bits apart");
            Assert.Equal((s.Width, s.Height, s.Ops), (v.Width, v.Height, v.Ops));
            compared++;
            identical += distance == 0 ? 1 : 0;
        }

        Assert.True(compared >= 80, $"{compared} photos compared");
        Assert.True(identical >= compared / 2, $"only {identical} of {compared} hashes identical");
        Assert.EndsWith(",decoder=vips", vips.HashAlgorithm);
    }

    [Fact]
    public void Stores_each_photo_resized_to_384_on_the_short_side_as_a_jpeg()
    {
        var processor = new ImageProcessor(VipsImageDecoder.Instance, Jpeg384);
        int resized = 0;
        foreach (var (name, bytes) in Photos())
        {
            if (processor.Process(bytes).Image is not { } image)
            {
                continue;
            }

            int shortSide = Math.Min(image.Width, image.Height), longSide = Math.Max(image.Width, image.Height);
            Assert.True(ImageHeader.TryRead(image.Stored, out var header, out _), name);
            Assert.Equal((ImageFormat.Jpeg, ImageFormat.Jpeg, image.StoredWidth, image.StoredHeight), (image.StoredFormat, header.Format, header.Width, header.Height));
            Assert.Equal(Math.Min(384, shortSide), Math.Min(header.Width, header.Height));

            // The long side keeps the ratio up to the rounding of a reduced-size decode.
            double expectedLong = shortSide > 384 ? longSide * 384.0 / shortSide : longSide;
            Assert.True(Math.Abs(Math.Max(header.Width, header.Height) - expectedLong) <= 1, $"{name}: {header.Width}x{header.Height} from {image.Width}x{image.Height}");
            if (shortSide > 384)
            {
                Assert.EndsWith($"resize=keep_ratio:{header.Width}x{header.Height};encode=jpeg:q95", image.Ops);
                resized++;
            }

            using var stored = SKBitmap.Decode(image.Stored);
            Assert.Equal((header.Width, header.Height), (stored.Width, stored.Height));
        }

        Assert.True(resized >= 40, $"{resized} photos resized");
    }

    [Theory]
    [InlineData(StoredImageFormat.Webp, ImageFormat.WebP, "encode=webp:q80")]
    [InlineData(StoredImageFormat.Png, ImageFormat.Png, "encode=png")]
    public void Centre_crops_a_real_photo_into_the_format_asked(StoredImageFormat asked, ImageFormat format, string encodeOp)
    {
        var (name, bytes) = Photos().First(p => p.Name.EndsWith(".jpg", StringComparison.Ordinal));
        var image = new ImageProcessor(VipsImageDecoder.Instance, new StoredImageSettings(ResizeMode.CenterCrop, 200, asked, 80)).Process(bytes).Image!;

        Assert.True(ImageHeader.TryRead(image.Stored, out var header, out _), name);
        Assert.Equal((format, 200, 200), (header.Format, header.Width, header.Height));
        Assert.EndsWith($"resize=center_crop:200x200;{encodeOp}", image.Ops);
    }

    [Fact]
    public void The_stored_copy_is_turned_upright_and_a_cmyk_photo_comes_out_in_colour()
    {
        string malformed = Path.Combine(RepoPaths.SharedData, "images-malformed");
        var settings = new StoredImageSettings(ResizeMode.No, 512, StoredImageFormat.Png, 95);
        var processor = new ImageProcessor(VipsImageDecoder.Instance, settings);
        var skia = new ImageProcessor(SkiaImageDecoder.Instance, settings);

        // Landscape_6 is stored 600×450 with orientation 6: upright it is 450×600.
        var turned = processor.Process(File.ReadAllBytes(Path.Combine(malformed, "sharp", "Landscape_6.jpg"))).Image!;
        Assert.True(ImageHeader.TryRead(turned.Stored, out var header, out _));
        Assert.Equal((turned.Width, turned.Height), (header.Width, header.Height));
        Assert.StartsWith("orient=6", turned.Ops);

        // Without a profile Skia and libvips assume different CMYK inks (libvips a press profile), so that one is only held to "close, not inverted".
        foreach (var (file, tolerance) in new[] { ("Landscape_6.jpg", 12), ("Channel_digital_image_CMYK_color.jpg", 12), ("Channel_digital_image_CMYK_color_no_profile.jpg", 30) })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(malformed, "sharp", file));
            using var ours = SKBitmap.Decode(processor.Process(bytes).Image!.Stored);
            using var theirs = SKBitmap.Decode(skia.Process(bytes).Image!.Stored);
            Assert.Equal((theirs.Width, theirs.Height), (ours.Width, ours.Height));
            Assert.True(MeanAbsoluteDifference(ours, theirs) < tolerance, $"{file}: mean difference {MeanAbsoluteDifference(ours, theirs):F1} from the Skia path");
        }
    }

    [Fact]
    public void A_truncated_download_is_a_reject_not_a_half_blank_image()
    {
        byte[] photo = Photos().First(p => p.Name.EndsWith(".jpg", StringComparison.Ordinal)).Bytes;
        byte[] truncated = photo[..(photo.Length / 2)];

        Assert.Equal(ReasonCodes.ImageTruncated, new ImageProcessor(VipsImageDecoder.Instance).Process(truncated).Reason);
        Assert.Equal(ReasonCodes.ImageTruncated, new ImageProcessor(VipsImageDecoder.Instance, Jpeg384).Process(truncated).Reason);
        Assert.Equal(
            ReasonCodes.ImageTruncated,
            new ImageProcessor(VipsImageDecoder.Instance).Process(File.ReadAllBytes(Path.Combine(RepoPaths.SharedData, "images-malformed", "sharp", "truncated.jpg"))).Reason);
    }

    [Fact]
    public void No_libvips_loader_but_the_four_formats_can_run()
    {
        VipsRuntime.EnsureReady();
        string malformed = Path.Combine(RepoPaths.SharedData, "images-malformed");
        foreach (string other in new[] { "imagededup/copyleft.tiff", "sharp/pitm.avif" })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(malformed, other));
            var refused = Assert.Throws<NetVips.VipsException>(() => NetVips.Image.NewFromBuffer(bytes).Dispose());
            Assert.Contains("not in a known format", refused.Message);
        }

        // An UltraHDR JPEG goes to the plain JPEG loader, not libvips' UltraHDR one.
        using var ultraHdr = NetVips.Image.NewFromBuffer(File.ReadAllBytes(Path.Combine(malformed, "pillow", "ultrahdr.jpg")));
        Assert.Equal("jpegload_buffer", ultraHdr.Get("vips-loader"));
    }

    [Fact]
    public void Many_images_at_once_give_what_one_at_a_time_gives()
    {
        var processor = new ImageProcessor(VipsImageDecoder.Instance, Jpeg384);
        var photos = Photos();
        var sequential = photos.Select(p => processor.Process(p.Bytes)).ToArray();
        var parallel = new ProcessOutcome[photos.Count];
        Parallel.For(0, photos.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = processor.Process(photos[i].Bytes));

        for (int i = 0; i < photos.Count; i++)
        {
            Assert.Equal(sequential[i].Reason, parallel[i].Reason);
            Assert.Equal(sequential[i].Image?.Hash, parallel[i].Image?.Hash);
            Assert.Equal(sequential[i].Image?.Stored, parallel[i].Image?.Stored);
        }
    }

    private static double MeanAbsoluteDifference(SKBitmap a, SKBitmap b)
    {
        long sum = 0;
        for (int y = 0; y < a.Height; y += 4)
        {
            for (int x = 0; x < a.Width; x += 4)
            {
                SKColor p = a.GetPixel(x, y), q = b.GetPixel(x, y);
                sum += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue);
            }
        }

        return sum / (3.0 * ((a.Height + 3) / 4) * ((a.Width + 3) / 4));
    }
}
