using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MellaPipeline.Images;

/// <summary>
/// The 64-bit perceptual hash of an image, defined so that it can be recomputed anywhere
/// (<see cref="Definition"/>). It follows the pHash of Python's imagehash step by step — PIL's
/// "L" grayscale, a Lanczos-3 antialiased resize to 32×32 in two 8-bit passes (horizontal, then
/// vertical), a type-II DCT over columns then rows, the 8×8 lowest frequencies (DC included), and
/// one bit per coefficient: above their median or not, row-major, first bit most significant —
/// so hashes of the same pixels agree with imagehash's up to rounding in the resize.
/// Decoding, orientation and alpha are the caller's: pass straight RGBA after EXIF orientation;
/// transparency is composited onto white here.
/// </summary>
public static class PerceptualHash
{
    public const string Definition =
        "phash-v1:gray=pil-L(r*19595+g*38470+b*7471+32768>>16),alpha=over-white," +
        "resize=lanczos3-antialias-32x32-8bit-h-then-v,dct=II-axis0-then-axis1,lowfreq=8x8-with-dc,round=1e-6,bit=coef>median64,order=row-major-msb-first";

    /// <summary>The hash of an image of a single colour: only the DC coefficient is above the median (0).</summary>
    public const ulong Uniform = 0x8000000000000000UL;

    private const int Size = 32;
    private const int HashSide = 8;

    /// <remarks>
    /// The hash loops are compiled optimised at once: a command hashing a few thousand images ends
    /// before tiered compilation would have replaced their first, unoptimised code.
    /// </remarks>
    /// <param name="rgba">Straight (not premultiplied) RGBA, 4 bytes a pixel, row-major, no padding.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Compute(ReadOnlySpan<byte> rgba, int width, int height)
    {
        if (width <= 0 || height <= 0 || rgba.Length < (long)width * height * 4)
        {
            throw new ArgumentException($"expected {width}x{height} RGBA pixels, got {rgba.Length} bytes", nameof(rgba));
        }

        var gray = new byte[width * height];
        for (int i = 0; i < gray.Length; i++)
        {
            int a = rgba[(i * 4) + 3];
            int r = Pixels.OverWhite(rgba[i * 4], a), g = Pixels.OverWhite(rgba[(i * 4) + 1], a), b = Pixels.OverWhite(rgba[(i * 4) + 2], a);
            gray[i] = (byte)(((r * 19595) + (g * 38470) + (b * 7471) + 0x8000) >> 16);
        }

        return FromGray(gray, width, height);
    }

    /// <summary>The hash of an 8-bit grayscale image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong FromGray(ReadOnlySpan<byte> gray, int width, int height)
    {
        var horizontal = Resample(gray, width, height, Size, horizontalPass: true);
        var small = Resample(horizontal, Size, height, Size, horizontalPass: false);

        // scipy.fftpack.dct(dct(pixels, axis=0), axis=1); the factor 2 of the unnormalised DCT does not change the bits.
        var columns = new double[Size * Size];
        for (int x = 0; x < Size; x++)
        {
            for (int k = 0; k < HashSide; k++)
            {
                double sum = 0;
                for (int n = 0; n < Size; n++)
                {
                    sum += small[(n * Size) + x] * Cosines[(k * Size) + n];
                }

                columns[(k * Size) + x] = sum;
            }
        }

        Span<double> low = stackalloc double[HashSide * HashSide];
        for (int k = 0; k < HashSide; k++)
        {
            for (int j = 0; j < HashSide; j++)
            {
                double sum = 0;
                for (int n = 0; n < Size; n++)
                {
                    sum += columns[(k * Size) + n] * Cosines[(j * Size) + n];
                }

                // Rounded so that a flat image's AC coefficients are exactly 0, not floating-point noise around it.
                low[(k * HashSide) + j] = Math.Round(sum, 6);
            }
        }

        Span<double> sorted = stackalloc double[low.Length];
        low.CopyTo(sorted);
        sorted.Sort();
        double median = (sorted[(low.Length / 2) - 1] + sorted[low.Length / 2]) / 2;
        ulong hash = 0;
        foreach (double coefficient in low)
        {
            hash = (hash << 1) | (coefficient > median ? 1UL : 0UL);
        }

        return hash;
    }

    public static string ToHex(ulong hash) => hash.ToString("x16", CultureInfo.InvariantCulture);

    public static bool TryParseHex(string text, out ulong hash) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out hash) && text.Length == 16;

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);


    private static readonly double[] Cosines = BuildCosines();

    private static double[] BuildCosines()
    {
        var table = new double[Size * Size];
        for (int k = 0; k < Size; k++)
        {
            for (int n = 0; n < Size; n++)
            {
                table[(k * Size) + n] = Math.Cos(Math.PI * k * ((2 * n) + 1) / (2.0 * Size));
            }
        }

        return table;
    }

    /// <summary>One pass of PIL's antialiased Lanczos-3 resampling along rows or columns, rounded to 8 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static byte[] Resample(ReadOnlySpan<byte> source, int width, int height, int target, bool horizontalPass)
    {
        int inSize = horizontalPass ? width : height;
        int outWidth = horizontalPass ? target : width;
        int outHeight = horizontalPass ? height : target;
        var kernel = Kernel.For(inSize, target);
        var output = new byte[outWidth * outHeight];
        int lines = horizontalPass ? height : width;
        for (int o = 0; o < target; o++)
        {
            int min = kernel.Min[o], count = kernel.Count[o];
            var weights = kernel.Weights.AsSpan(o * kernel.Taps, count);
            for (int line = 0; line < lines; line++)
            {
                double sum = 0;
                for (int k = 0; k < count; k++)
                {
                    int index = horizontalPass ? (line * width) + min + k : ((min + k) * width) + line;
                    sum += source[index] * weights[k];
                }

                int value = (int)Math.Round(sum, MidpointRounding.AwayFromZero);
                output[horizontalPass ? (line * outWidth) + o : (o * outWidth) + line] = (byte)Math.Clamp(value, 0, 255);
            }
        }

        return output;
    }

    /// <summary>
    /// The normalised Lanczos-3 weights of every output position of one resampling from
    /// <c>inSize</c> to <c>target</c> samples. Images of a batch share a few sizes, so each thread
    /// keeps the last ones it computed for sources up to <see cref="LargestKept"/> samples (a handful: the sines are the costly part) instead of
    /// recomputing ~1,500 sines a pass.
    /// </summary>
    private sealed class Kernel
    {
        private const int Kept = 16;

        /// <summary>Longest source side whose kernel a thread keeps.</summary>
        private const int LargestKept = 4096;

        [ThreadStatic]
        private static Kernel?[]? _recent;

        [ThreadStatic]
        private static int _next;

        private Kernel(int inSize, int target)
        {
            InSize = inSize;
            Target = target;
            double scale = (double)inSize / target;
            double filterScale = Math.Max(scale, 1.0);
            double support = 3.0 * filterScale;
            Taps = (int)Math.Ceiling(support * 2) + 2;
            Min = new int[target];
            Count = new int[target];
            Weights = new double[target * Taps];
            for (int o = 0; o < target; o++)
            {
                double center = (o + 0.5) * scale;
                int min = Math.Max((int)(center - support + 0.5), 0);
                int count = Math.Min((int)(center + support + 0.5), inSize) - min;
                var weights = Weights.AsSpan(o * Taps, Taps);
                double total = 0;
                for (int k = 0; k < count; k++)
                {
                    weights[k] = Lanczos3((k + min - center + 0.5) / filterScale);
                    total += weights[k];
                }

                for (int k = 0; k < count; k++)
                {
                    weights[k] = total == 0 ? 0 : weights[k] / total;
                }

                Min[o] = min;
                Count[o] = count;
            }
        }

        public int InSize { get; }

        public int Target { get; }

        /// <summary>Room for weights per output position in <see cref="Weights"/>.</summary>
        public int Taps { get; }

        public int[] Min { get; }

        public int[] Count { get; }

        public double[] Weights { get; }

        public static Kernel For(int inSize, int target)
        {
            var recent = _recent ??= new Kernel?[Kept];
            foreach (var kernel in recent)
            {
                if (kernel is not null && kernel.InSize == inSize && kernel.Target == target)
                {
                    return kernel;
                }
            }

            var made = new Kernel(inSize, target);
            if (inSize > LargestKept)
            {
                // A huge image's kernel (tens of kilobytes a side, each thread's own) is rare enough to remake, and would pin its memory per thread.
                return made;
            }

            recent[_next] = made;
            _next = (_next + 1) % Kept;
            return made;
        }
    }

    private static double Lanczos3(double x)
    {
        if (x is > -3.0 and < 3.0)
        {
            return Sinc(x) * Sinc(x / 3.0);
        }

        return 0;
    }

    private static double Sinc(double x) => x == 0 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
}
