using MellaPipeline.Images;

namespace MellaPipeline.Quality.Packs;

/// <summary>
/// Turns decoded pixels into an image encoder's input exactly as pack.json's <c>image</c> says:
/// the short side resized to <see cref="PackImage.Size"/> and the long side to
/// <c>floor(size × long / short)</c> (torchvision's <c>Resize(size)</c>); PIL's antialiased
/// separable filter (bicubic with a = −0.5, or a triangle; the filter widens by the scale when
/// shrinking), horizontal pass first, each pass clamped to 0–255 but, unlike PIL, not rounded to
/// 8 bits; the centred square, its offset <c>round-half-even((long − size) / 2)</c>
/// (torchvision's <c>CenterCrop</c>); then <c>(v / 255 − mean) / std</c> per channel, written as
/// RGB planes (NCHW) of float32. Only the cropped rows and columns are filtered: the others
/// would be thrown away.
/// </summary>
public sealed class PackImagePreprocessor(PackImage spec)
{
    /// <summary>Floats one image takes: 3 × size × size.</summary>
    public int Length => 3 * spec.Size * spec.Size;

    /// <summary>Writes <paramref name="image"/>'s input tensor (<see cref="Length"/> floats) into <paramref name="destination"/>.</summary>
    public void Write(DecodedImage image, Span<float> destination) => Write(image.Rgba, image.Width, image.Height, destination);

    /// <param name="rgba">Straight RGBA, 4 bytes a pixel, row-major (alpha is ignored: decoders composite it onto white).</param>
    public void Write(ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination)
    {
        int size = spec.Size;
        if (destination.Length < Length)
        {
            throw new ArgumentException($"needs {Length} floats", nameof(destination));
        }

        var (outWidth, outHeight) = width <= height
            ? (size, (int)((double)size * height / width))
            : ((int)((double)size * width / height), size);
        int left = (int)Math.Round((outWidth - size) / 2.0, MidpointRounding.ToEven);
        int top = (int)Math.Round((outHeight - size) / 2.0, MidpointRounding.ToEven);

        // Horizontal pass: every source row, the cropped output columns only.
        var rows = new double[height * size * 3];
        var horizontal = outWidth == width ? null : Resampling.Weights(width, outWidth, spec.Resize);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int column = left + x, at = ((y * size) + x) * 3;
                if (horizontal is null)
                {
                    int source = ((y * width) + column) * 4;
                    rows[at] = rgba[source];
                    rows[at + 1] = rgba[source + 1];
                    rows[at + 2] = rgba[source + 2];
                    continue;
                }

                var (first, weights) = horizontal[column];
                double r = 0, g = 0, b = 0;
                for (int k = 0; k < weights.Length; k++)
                {
                    int source = ((y * width) + first + k) * 4;
                    r += weights[k] * rgba[source];
                    g += weights[k] * rgba[source + 1];
                    b += weights[k] * rgba[source + 2];
                }

                rows[at] = Clamp(r);
                rows[at + 1] = Clamp(g);
                rows[at + 2] = Clamp(b);
            }
        }

        // Vertical pass: the cropped output rows only, then normalise into channel planes.
        var vertical = outHeight == height ? null : Resampling.Weights(height, outHeight, spec.Resize);
        int plane = size * size;
        for (int y = 0; y < size; y++)
        {
            int row = top + y;
            for (int x = 0; x < size; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    double value;
                    if (vertical is null)
                    {
                        value = rows[((row * size) + x) * 3 + c];
                    }
                    else
                    {
                        var (first, weights) = vertical[row];
                        double sum = 0;
                        for (int k = 0; k < weights.Length; k++)
                        {
                            sum += weights[k] * rows[(((first + k) * size) + x) * 3 + c];
                        }

                        value = Clamp(sum);
                    }

                    destination[(c * plane) + (y * size) + x] = (float)(((value / 255.0) - spec.Mean[c]) / spec.Std[c]);
                }
            }
        }
    }

    private static double Clamp(double value) => Math.Clamp(value, 0.0, 255.0);
}

/// <summary>PIL's resampling coefficients (<c>precompute_coeffs</c> in Resample.c), in double.</summary>
internal static class Resampling
{
    /// <summary>For each output pixel: its first source pixel and the normalised weights from there.</summary>
    public static (int First, double[] Weights)[] Weights(int inSize, int outSize, PackResize resize)
    {
        Func<double, double> filter = resize == PackResize.ShortestSideBicubic ? Bicubic : Triangle;
        double support = resize == PackResize.ShortestSideBicubic ? 2.0 : 1.0;
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        var result = new (int, double[])[outSize];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int max = Math.Min((int)(center + support + 0.5), inSize);
            var weights = new double[Math.Max(0, max - min)];
            double total = 0;
            for (int k = 0; k < weights.Length; k++)
            {
                weights[k] = filter((min + k - center + 0.5) / filterScale);
                total += weights[k];
            }

            if (total != 0)
            {
                for (int k = 0; k < weights.Length; k++)
                {
                    weights[k] /= total;
                }
            }

            result[i] = (min, weights);
        }

        return result;
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        return x < 1.0 ? ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1.0
            : x < 2.0 ? ((((x - 5.0) * x) + 8.0) * x - 4.0) * a
            : 0.0;
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }
}
