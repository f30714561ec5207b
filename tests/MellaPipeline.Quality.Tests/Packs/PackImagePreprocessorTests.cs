using MellaPipeline.Imaging;
using MellaPipeline.Quality.Packs;

namespace MellaPipeline.Quality.Tests.Packs;

public sealed class PackImagePreprocessorTests
{
    private static PackImage Spec(int size, PackResize resize, double[]? mean = null, double[]? std = null) =>
        new("image.onnx", "pixel_values", "image_embeds", size, resize, mean ?? [0, 0, 0], std ?? [1, 1, 1]);

    /// <summary>Straight RGBA of a width × height image whose pixel (x, y) is <paramref name="color"/>(x, y).</summary>
    private static byte[] Rgba(int width, int height, Func<int, int, (byte R, byte G, byte B)> color)
    {
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = color(x, y);
                int at = ((y * width) + x) * 4;
                (rgba[at], rgba[at + 1], rgba[at + 2], rgba[at + 3]) = (r, g, b, 255);
            }
        }

        return rgba;
    }

    private static float[] Run(PackImage spec, byte[] rgba, int width, int height)
    {
        var output = new float[3 * spec.Size * spec.Size];
        new PackImagePreprocessor(spec).Write(rgba, width, height, output);
        return output;
    }

    [Fact]
    public void Channels_are_RGB_planes_scaled_by_255_then_mean_and_std()
    {
        var spec = Spec(2, PackResize.ShortestSideBicubic, mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 0.125]);
        var output = Run(spec, Rgba(2, 2, (_, _) => (10, 20, 30)), 2, 2);

        // (10/255 − 0.1)/0.5, (20/255 − 0.2)/0.25, (30/255 − 0.3)/0.125, four pixels a plane.
        double[] expected = [-0.12156862745, -0.48627450980, -1.45882352941];
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(expected[i / 4], output[i], 1e-6);
        }
    }

    [Theory]
    [InlineData(6, 2, 2)] // (6 − 2) / 2 = 2
    [InlineData(5, 2, 2)] // 1.5 rounds to even: 2
    [InlineData(7, 2, 2)] // 2.5 rounds to even: 2, not 3
    [InlineData(9, 2, 4)] // 3.5 rounds to even: 4
    public void The_centre_square_starts_at_the_half_even_rounded_offset(int width, int height, int left)
    {
        // The short side is already the size: no resampling, only the crop.
        var output = Run(Spec(2, PackResize.ShortestSideBilinear), Rgba(width, height, (x, _) => ((byte)(x * 10), 0, 0)), width, height);
        Assert.Equal(left * 10 / 255.0, output[0], 1e-6);
        Assert.Equal((left + 1) * 10 / 255.0, output[1], 1e-6);
    }

    [Fact]
    public void A_tall_image_is_cropped_vertically()
    {
        var output = Run(Spec(2, PackResize.ShortestSideBilinear), Rgba(2, 6, (_, y) => (0, (byte)(y * 10), 0)), 2, 6);
        // Green plane, rows 2 and 3.
        Assert.Equal(20 / 255.0, output[4], 1e-6);
        Assert.Equal(30 / 255.0, output[6], 1e-6);
    }

    [Fact]
    public void Shrinking_by_two_with_the_triangle_filter_widens_it_as_PIL_does()
    {
        // 4 → 2: output 0 is centred on source 1.0 with support 2: weights 0.75, 0.75, 0.25 on
        // sources 0–2 (3/7, 3/7, 1/7); output 1 takes 1/7, 3/7, 3/7 of sources 1–3.
        var output = Run(Spec(2, PackResize.ShortestSideBilinear), Rgba(4, 4, (x, _) => ((byte)(x * 70), 0, 0)), 4, 4);
        Assert.Equal(50 / 255.0, output[0], 1e-6);  // (0·3 + 70·3 + 140·1) / 7
        Assert.Equal(160 / 255.0, output[1], 1e-6); // (70·1 + 140·3 + 210·3) / 7
        Assert.Equal(50 / 255.0, output[2], 1e-6);
    }

    [Fact]
    public void Shrinking_by_two_with_bicubic_uses_a_minus_half()
    {
        // Output 0: sources 0–3 at distances 0.25, 0.25, 0.75, 1.25 (in filter units) weigh
        // 0.8671875, 0.8671875, 0.2265625, −0.0703125 (sum 1.890625).
        var output = Run(Spec(2, PackResize.ShortestSideBicubic), Rgba(4, 4, (x, _) => ((byte)(x * 70), 0, 0)), 4, 4);
        double expected = ((70 * 0.8671875) + (140 * 0.2265625) - (210 * 0.0703125)) / 1.890625;
        Assert.Equal(expected / 255.0, output[0], 1e-6);
    }

    [Fact]
    public void Overshoot_is_clamped_to_the_8_bit_range()
    {
        // A sharp edge: bicubic's negative lobe would go below 0 next to it.
        var output = Run(Spec(3, PackResize.ShortestSideBicubic), Rgba(9, 9, (x, _) => (x < 4 ? (byte)0 : (byte)255, 0, 0)), 9, 9);
        Assert.All(output.AsSpan(0, 9).ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    [Theory]
    [InlineData("gradient-48x40", PackResize.ShortestSideBicubic, "shortest_side_bicubic")]
    [InlineData("small-20x28", PackResize.ShortestSideBicubic, "shortest_side_bicubic")]
    [InlineData("noise-96x64", PackResize.ShortestSideBicubic, "shortest_side_bicubic")]
    [InlineData("gradient-48x40", PackResize.ShortestSideBilinear, "shortest_side_bilinear")]
    [InlineData("small-20x28", PackResize.ShortestSideBilinear, "shortest_side_bilinear")]
    [InlineData("noise-96x64", PackResize.ShortestSideBilinear, "shortest_side_bilinear")]
    public void Decoded_PNGs_give_numpys_tensors(string image, PackResize resize, string name)
    {
        // Downscaling (48×40, 96×64) and upscaling (20×28) with each filter, through the real decoder.
        var pack = resize == PackResize.ShortestSideBicubic ? PackTestData.Clip : PackTestData.Nsfw;
        var decoded = new ImageProcessor(SkiaImageDecoder.Instance).DecodePixels(PackTestData.Image(image)).Image!;
        var output = new float[3 * 32 * 32];
        new PackImagePreprocessor(pack.Image).Write(decoded, output);
        PackTestData.Near(PackTestData.Pixels(image, name), output, 1e-5);
    }
}
