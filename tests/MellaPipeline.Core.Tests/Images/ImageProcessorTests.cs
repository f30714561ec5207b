using System.Security.Cryptography;
using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.Records;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Core.Tests.Images;

public class ImageProcessorTests
{
    public static readonly TheoryData<string> Decoders = ["skiasharp", "imagesharp", "vips"];

    private static IImageDecoder Decoder(string name) => ImageHasher.DecoderFor(Enum.Parse<ImageDecoderKind>(name, ignoreCase: true));

    private static SKBitmap Decode(byte[] bytes) => SKBitmap.Decode(bytes) ?? throw new InvalidOperationException("not decodable");

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Keeps_the_original_bytes_when_nothing_asks_for_a_change(string decoder)
    {
        byte[] png = SyntheticPng.Create(300, 200, 5);
        var image = new ImageProcessor(Decoder(decoder)).Process(png).Image!;

        Assert.Same(png, image.Stored);
        Assert.Equal((300, 200, 300, 200, ImageFormat.Png), (image.Width, image.Height, image.StoredWidth, image.StoredHeight, image.StoredFormat));
        Assert.Null(image.Ops);
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Keep_ratio_scales_the_short_side_down_and_re_encodes_in_the_format_asked(string decoder)
    {
        byte[] png = SyntheticPng.Create(300, 200, 5);
        var processor = new ImageProcessor(Decoder(decoder), new StoredImageSettings(ResizeMode.KeepRatio, 100, StoredImageFormat.Jpeg, 80));

        var image = processor.Process(png).Image!;

        Assert.Equal((300, 200), (image.Width, image.Height));
        Assert.Equal((150, 100, ImageFormat.Jpeg), (image.StoredWidth, image.StoredHeight, image.StoredFormat));
        Assert.True(ImageHeader.TryRead(image.Stored, out var header, out _));
        Assert.Equal((ImageFormat.Jpeg, 150, 100), (header.Format, header.Width, header.Height));
        Assert.Equal("resize=keep_ratio:150x100;encode=jpeg:q80", image.Ops);

        // The hash is of the image, not of the stored copy: the same with or without a resize.
        Assert.Equal(new ImageProcessor(Decoder(decoder)).Process(png).Image!.Hash, image.Hash);

        // A smaller image is never enlarged, and with the format left as it was its bytes stay.
        var small = SyntheticPng.Create(80, 60, 5);
        Assert.Same(small, new ImageProcessor(Decoder(decoder), new StoredImageSettings(ResizeMode.KeepRatio, 100, StoredImageFormat.Original, 80)).Process(small).Image!.Stored);
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Center_crop_gives_the_centred_square(string decoder)
    {
        // Left third red, middle third green, right third blue: the centred square of a 3:1 image is all green.
        using var bitmap = new SKBitmap(300, 100);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.DrawRect(0, 0, 100, 100, new SKPaint { Color = SKColors.Red });
            canvas.DrawRect(100, 0, 100, 100, new SKPaint { Color = SKColors.Lime });
            canvas.DrawRect(200, 0, 100, 100, new SKPaint { Color = SKColors.Blue });
        }

        byte[] png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100).ToArray();
        var image = new ImageProcessor(Decoder(decoder), new StoredImageSettings(ResizeMode.CenterCrop, 64, StoredImageFormat.Png, 90)).Process(png).Image!;

        Assert.Equal((64, 64, ImageFormat.Png), (image.StoredWidth, image.StoredHeight, image.StoredFormat));
        using var stored = Decode(image.Stored);
        foreach (var (x, y) in new[] { (2, 2), (32, 32), (61, 61) })
        {
            var pixel = stored.GetPixel(x, y);
            Assert.True(pixel.Green > 200 && pixel.Red < 40 && pixel.Blue < 40, $"({x},{y}) is {pixel}");
        }

        Assert.Equal("resize=center_crop:64x64;encode=png", image.Ops);
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Transparency_is_composited_onto_white_before_hashing_and_storing(string decoder)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(120, 80, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(SKColors.Transparent);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.DrawCircle(60, 40, 30, new SKPaint { Color = SKColors.Black });
        }

        byte[] png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100).ToArray();
        var image = new ImageProcessor(Decoder(decoder), new StoredImageSettings(ResizeMode.No, 512, StoredImageFormat.Jpeg, 90)).Process(png).Image!;

        Assert.Equal("alpha=white;encode=jpeg:q90", image.Ops);
        using var stored = Decode(image.Stored);
        Assert.True(stored.GetPixel(2, 2).Red > 245, "the transparent corner is white");
        Assert.True(stored.GetPixel(60, 40).Red < 10, "the opaque disc stays black");
    }

    [Fact]
    public void Both_decoders_hash_the_same_image_alike()
    {
        foreach (int seed in new[] { 1, 2, 3, 4 })
        {
            using var bitmap = Decode(SyntheticPng.Create(640, 480, seed));
            byte[] jpeg = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
            ulong skia = new ImageProcessor(SkiaImageDecoder.Instance).Process(jpeg).Image!.Hash;
            ulong imageSharp = new ImageProcessor(ImageSharpImageDecoder.Instance).Process(jpeg).Image!.Hash;
            Assert.True(PerceptualHash.Distance(skia, imageSharp) <= 4, $"seed {seed}: {PerceptualHash.Distance(skia, imageSharp)} bits apart");
        }
    }

    [Fact]
    public void A_gif_frame_larger_than_its_screen_counts_in_the_pixel_limit()
    {
        // A 10×10 screen, no colour table, then an image descriptor at (0,0) of 40000×40000 and the trailer.
        byte[] gif =
        [
            .. "GIF89a"u8, 10, 0, 10, 0, 0x00, 0, 0,
            0x2C, 0, 0, 0, 0, 0x40, 0x9C, 0x40, 0x9C, 0x00, 2, 1, 0x44, 0,
            0x3B,
        ];

        Assert.True(ImageHeader.TryRead(gif, out var header, out _));
        Assert.Equal((40000, 40000), (header.Width, header.Height));
        var outcome = new ImageProcessor(SkiaImageDecoder.Instance).Process(gif);
        Assert.Equal(ReasonCodes.ImageTooManyPixels, outcome.Reason);
    }

    [Fact]
    public void Reads_the_exif_orientation_of_a_jpeg_itself()
    {
        byte[] jpeg = SKImage.FromBitmap(Decode(SyntheticPng.Create(64, 48, 1))).Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
        Assert.Equal(1, Pixels.JpegExifOrientation(jpeg));

        foreach (bool bigEndian in new[] { false, true })
        {
            byte[] tiff = bigEndian
                ? [.. "MM"u8, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]
                : [.. "II"u8, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0];
            byte[] app1 = [0xFF, 0xE1, 0, (byte)(2 + 6 + tiff.Length), .. "Exif\0\0"u8, .. tiff];
            byte[] turned = [.. jpeg[..2], .. app1, .. jpeg[2..]];
            Assert.Equal(6, Pixels.JpegExifOrientation(turned));

            foreach (string decoder in new[] { "skiasharp", "imagesharp", "vips" })
            {
                var image = new ImageProcessor(Decoder(decoder)).Process(turned).Image!;
                Assert.Equal((48, 64, "orient=6"), (image.Width, image.Height, image.Ops));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public async Task Load_images_stores_the_re_encoded_image_with_its_hash_and_both_sizes(string decoder)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("photo.png"), SyntheticPng.Create(400, 300, 11));
        var options = new LoadImagesOptions { ResizeMode = ResizeMode.KeepRatio, ImageSize = 150, EncodeFormat = StoredImageFormat.Webp, EncodeQuality = 85 };
        var stage = new LoadImageStage(options, processor: new ImageProcessor(Decoder(decoder), StoredImageSettings.From(options)));
        var candidate = new PairCandidate("k", "test:1", PairSources.Native, "Hrad", "cs", "Latn", null, null, dir.File("photo.png"), null, null);

        var row = (await stage.ProcessAsync(candidate, default)).Value!;

        Assert.Equal((400, 300, 200, 150), (row.OrigWidth, row.OrigHeight, row.Width, row.Height));
        Assert.Equal("photo.webp", row.ImagePath);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(row.ImageBytes!)), row.Sha256);
        Assert.Equal("resize=keep_ratio:200x150;encode=webp:q85", row.ImageOps);
        using var stored = Decode(row.ImageBytes!);
        Assert.Equal((200, 150), (stored.Width, stored.Height));
    }
}
