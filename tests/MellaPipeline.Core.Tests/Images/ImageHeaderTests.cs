using MellaPipeline.Images;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Core.Tests.Images;

public class ImageHeaderTests
{
    private static byte[] Encode(SKEncodedImageFormat format, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.Coral);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, ImageFormat.Png, 321, 123)]
    [InlineData(SKEncodedImageFormat.Jpeg, ImageFormat.Jpeg, 640, 480)]
    [InlineData(SKEncodedImageFormat.Jpeg, ImageFormat.Jpeg, 17, 1000)]
    [InlineData(SKEncodedImageFormat.Webp, ImageFormat.WebP, 300, 200)]
    public void Reads_the_size_of_images_an_independent_encoder_wrote(SKEncodedImageFormat encoder, ImageFormat format, int width, int height)
    {
        Assert.True(ImageHeader.TryRead(Encode(encoder, width, height), out var header, out _));
        Assert.Equal((format, width, height), (header.Format, header.Width, header.Height));
        Assert.Equal(format == ImageFormat.Jpeg ? (3, true) : (0, false), (header.Components, header.IsScalableJpeg));
    }

    [Fact]
    public void Reads_gif_and_the_synthetic_png_that_skia_also_decodes()
    {
        // The classic 1x1 transparent GIF.
        byte[] gif = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
        byte[] png = SyntheticPng.Create(57, 31, seed: 3);
        using var decoded = SKBitmap.Decode(png);

        Assert.True(ImageHeader.TryRead(gif, out var gifHeader, out _));
        Assert.Equal(new ImageHeader(ImageFormat.Gif, 1, 1), gifHeader);
        Assert.True(ImageHeader.TryRead(png, out var pngHeader, out _));
        Assert.Equal((57, 31), (decoded.Width, decoded.Height));
        Assert.Equal(new ImageHeader(ImageFormat.Png, 57, 31), pngHeader);
    }

    [Theory]
    [InlineData("SUkqAAgAAAA=", "image_format_unsupported")] // TIFF
    [InlineData("Qk0eAAAAAAAAABoAAAAMAAAA", "image_format_unsupported")] // BMP
    [InlineData("PHN2ZyB4bWxucz0i", "image_format_unsupported")] // SVG text
    [InlineData("", "image_format_unsupported")]
    [InlineData("iVBORw0KGgo=", "image_header_invalid")] // PNG signature only
    [InlineData("/9j/4AAQSkZJRgABAQ==", "image_header_invalid")] // JPEG cut before any frame header
    [InlineData("R0lGODlh", "image_header_invalid")] // GIF signature only
    public void Unsupported_and_broken_images_are_refused_with_a_reason(string base64, string reason)
    {
        Assert.False(ImageHeader.TryRead(Convert.FromBase64String(base64), out _, out string actual));
        Assert.Equal(reason, actual);
    }

    [Fact]
    public void A_png_claiming_zero_width_is_invalid()
    {
        byte[] png = SyntheticPng.Create(8, 8, 1);
        png[16] = png[17] = png[18] = png[19] = 0;

        Assert.False(ImageHeader.TryRead(png, out _, out string reason));
        Assert.Equal("image_header_invalid", reason);
    }
}
