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

        // SVG, matrix and CSV text and libvips' own .vips format, by every route libvips sniffs or names a loader.
        byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><rect width=\"64\" height=\"64\"/></svg>"u8.ToArray();
        byte[] matrix = "2 2\n1 2\n3 4\n"u8.ToArray();
        byte[] csv = "1,2,3\n4,5,6\n"u8.ToArray();
        string folder = Directory.CreateTempSubdirectory("mella-vips-").FullName;
        try
        {
            string vipsFile = Path.Combine(folder, "grey.vips");
            using (var grey = NetVips.Image.Black(8, 8))
            {
                grey.WriteToFile(vipsFile);
            }

            Assert.Contains("not in a known format", Assert.Throws<NetVips.VipsException>(() => NetVips.Image.NewFromBuffer(svg).Dispose()).Message);
            Assert.Throws<NetVips.VipsException>(() => NetVips.Image.NewFromFile(vipsFile).Dispose());
            Assert.Throws<NetVips.VipsException>(() => NetVips.Image.NewFromBuffer(File.ReadAllBytes(vipsFile)).Dispose());
            foreach (var (loader, bytes) in new[] { ("matrixload_source", matrix), ("csvload_source", csv), ("vipsload_source", File.ReadAllBytes(vipsFile)) })
            {
                using var source = NetVips.Source.NewFromMemory(bytes);
                Assert.Throws<NetVips.VipsException>(() => ((NetVips.Image)NetVips.Operation.Call(loader, source)).Dispose());
            }

            using var text = NetVips.Source.NewFromMemory(matrix);
            Assert.Throws<NetVips.VipsException>(() => NetVips.Image.NewFromSource(text).Dispose());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // An UltraHDR JPEG goes to the plain JPEG loader, not libvips' UltraHDR one.
        using var ultraHdr = NetVips.Image.NewFromBuffer(File.ReadAllBytes(Path.Combine(malformed, "pillow", "ultrahdr.jpg")));
        Assert.Equal("jpegload_buffer", ultraHdr.Get("vips-loader"));
    }

    [Theory]
    [InlineData(30_001, 10, 1.0, 3, ReasonCodes.ImageTooManyPixels)]
    [InlineData(4_000, 4_000, 8.0, 3, ReasonCodes.ImageTooManyPixels)]
    [InlineData(10_000, 10_001, 1.0, 4, ReasonCodes.ImageTooManyPixels)]
    [InlineData(300, 200, 0.5, 3, null)]
    [InlineData(1_250, 1_250, 8.0, 3, null)]
    [InlineData(100, 100, 1.0, 1, null)]
    [InlineData(100, 100, 1.0, 4, null)]
    [InlineData(100, 100, 1.0, 5, ReasonCodes.ImageDecodeFailed)]
    [InlineData(100, 100, 1.0, 0, ReasonCodes.ImageDecodeFailed)]
    public void Libvips_own_size_and_band_count_are_held_to_the_header_limits(int width, int height, double shrink, int bands, string? reason)
    {
        // libvips' size once loaded (shrunk on load by `shrink`) is checked, not only the header parser's.
        Assert.Equal(reason, VipsImageDecoder.Refusal(width, height, shrink, bands)?.Reason);
    }

    [Fact]
    public void A_missing_libvips_is_one_line_naming_it_and_a_present_one_no_problem()
    {
        string line = VipsRuntime.Describe(false, new DllNotFoundException("Unable to load shared library 'libvips.so.42'\n  or one of its dependencies"))!;
        Assert.StartsWith("libvips could not be loaded", line);
        Assert.DoesNotContain('\n', line);
        Assert.EndsWith("'libvips.so.42' or one of its dependencies", line);
        Assert.StartsWith("libvips could not be loaded", VipsRuntime.Describe(false, null));
        Assert.Null(VipsRuntime.Describe(true, null));

        Assert.Null(VipsRuntime.Problem);
        Assert.Null(ImageHasher.DecoderProblem(ImageDecoderKind.Vips));
        Assert.Null(ImageHasher.DecoderProblem(ImageDecoderKind.Skiasharp));
    }

    [Fact]
    public void Grey_and_grey_with_alpha_pngs_decode_to_rgba_like_skia()
    {
        foreach (bool alpha in new[] { false, true })
        {
            using var grey = NetVips.Image.Black(40, 30).Linear([1.0], [128.0]).Cast(NetVips.Enums.BandFormat.Uchar);
            using var image = alpha ? grey.BandjoinConst([200]) : grey.Copy();
            byte[] png = image.PngsaveBuffer();
            Assert.True(ImageHeader.TryRead(png, out var header, out _));
            var decoded = VipsImageDecoder.Instance.Decode(png, header, 0).Image!;
            var expected = SkiaImageDecoder.Instance.Decode(png, header, 0).Image!;
            Assert.Equal((40, 30), (decoded.Width, decoded.Height));
            Assert.Equal(expected.Rgba, decoded.Rgba);
        }
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
