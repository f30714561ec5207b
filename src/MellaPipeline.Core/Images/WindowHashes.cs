using System.Globalization;
using System.Numerics;

namespace MellaPipeline.Images;

/// <summary>
/// The second near-duplicate signal (<see cref="Definition"/>): the <see cref="PerceptualHash"/> of
/// five overlapping windows of the same upright, alpha-composited pixels the whole-image hash is
/// computed from, so no image is decoded twice. A light crop moves every low frequency of the
/// whole image a little, but the cropped copy is (nearly) one window of its original; a corner logo
/// or a text band changes the whole image's hash but not a window that leaves it out. Windows, as
/// fractions of width and height (left, top, right, bottom): the centre without 4 % on every side,
/// the image without its left 8 %, its right 8 %, its top 8 %, and its bottom 15 % (where captions
/// and watermark bands sit). Chosen on the tune half of the real photos (docs/BENCHMARKS.md).
/// </summary>
public static class WindowHashes
{
    public const string Definition =
        "windows-v1:phash-v1-of-windows(l,t,r,b)=centre(0.04,0.04,0.96,0.96),no-left(0.08,0,1,1),no-right(0,0,0.92,1)," +
        "no-top(0,0.08,1,1),no-bottom(0,0,1,0.85),edges=floor,first=box-mean-by-floor(short/256)-when>=2,order=as-listed,hex=16-per-window";

    /// <summary>How many windows a value holds.</summary>
    public const int Count = 5;

    /// <summary>Characters of <see cref="ToHex"/>: 16 hex digits a window.</summary>
    public const int HexLength = Count * 16;

    /// <summary>Each window's left, top, right and bottom edge in thousandths of the width or height.</summary>
    private static readonly (int L, int T, int R, int B)[] Windows =
        [(40, 40, 960, 960), (80, 0, 1000, 1000), (0, 0, 920, 1000), (0, 80, 1000, 1000), (0, 0, 1000, 850)];

    /// <summary>The window hashes of straight RGBA pixels (as <see cref="PerceptualHash.Compute"/> takes them).</summary>
    public static ulong[] Compute(ReadOnlySpan<byte> rgba, int width, int height)
    {
        int factor = Math.Min(width, height) / MaxShortSide;
        if (factor >= 2)
        {
            var (small, smallWidth, smallHeight) = BoxReduce(rgba, width, height, factor);
            return Compute(small, smallWidth, smallHeight);
        }

        var hashes = new ulong[Count];
        byte[]? buffer = null; // one crop buffer for every window: a decoder that cannot decode small hands over full-size pixels
        for (int w = 0; w < Count; w++)
        {
            var (x0, y0, x1, y1) = Box(w, width, height);
            int rowBytes = (x1 - x0) * 4;
            ReadOnlySpan<byte> window;
            if (x0 == 0 && x1 == width)
            {
                window = rgba.Slice(y0 * rowBytes, (y1 - y0) * rowBytes); // whole rows: the pixels as they lie
            }
            else
            {
                buffer ??= new byte[width * height * 4];
                for (int y = y0; y < y1; y++)
                {
                    rgba.Slice(((y * width) + x0) * 4, rowBytes).CopyTo(buffer.AsSpan((y - y0) * rowBytes));
                }

                window = buffer.AsSpan(0, rowBytes * (y1 - y0));
            }

            hashes[w] = PerceptualHash.Compute(window, x1 - x0, y1 - y0);
        }

        return hashes;
    }

    /// <summary>
    /// Pixels with a short side beyond this are first reduced by the largest whole factor that keeps
    /// it at least this (the mean of each factor×factor block): a decoder that cannot decode a JPEG
    /// small (ImageSharp), or a large PNG, would otherwise cost five full-size crops. The pHash's
    /// 32×32 antialiased resize does not notice.
    /// </summary>
    public const int MaxShortSide = 256;

    private static (byte[] Rgba, int Width, int Height) BoxReduce(ReadOnlySpan<byte> rgba, int width, int height, int factor)
    {
        int outWidth = width / factor, outHeight = height / factor, area = factor * factor;
        var output = new byte[outWidth * outHeight * 4];
        Span<int> sums = stackalloc int[4];
        for (int oy = 0; oy < outHeight; oy++)
        {
            for (int ox = 0; ox < outWidth; ox++)
            {
                sums.Clear();
                for (int y = oy * factor; y < (oy + 1) * factor; y++)
                {
                    var row = rgba.Slice(((y * width) + (ox * factor)) * 4, factor * 4);
                    for (int i = 0; i < row.Length; i++)
                    {
                        sums[i & 3] += row[i];
                    }
                }

                for (int c = 0; c < 4; c++)
                {
                    output[(((oy * outWidth) + ox) * 4) + c] = (byte)((sums[c] + (area / 2)) / area);
                }
            }
        }

        return (output, outWidth, outHeight);
    }

    /// <summary>Window <paramref name="window"/> of a <paramref name="width"/>×<paramref name="height"/> image in pixels: left, top, right and bottom (exclusive) edges, at least 1 px a side.</summary>
    public static (int X0, int Y0, int X1, int Y1) Box(int window, int width, int height)
    {
        var (l, t, r, b) = Windows[window];
        int x0 = width * l / 1000, y0 = height * t / 1000;
        return (x0, y0, Math.Max(x0 + 1, width * r / 1000), Math.Max(y0 + 1, height * b / 1000));
    }

    /// <summary>
    /// Whether window <paramref name="window"/> of one image is compared with the same window of the
    /// other. Not the centre: it holds most of a corner mark, and two dark photos carrying the same
    /// mark agree there (the tune half had such pairs); a side window that leaves a mark out is
    /// what finds a marked copy.
    /// </summary>
    public static bool ComparesSameWindow(int window) => window != 0;

    /// <summary>
    /// The distance of two images by their windows: the fewest differing bits between a side window
    /// of one and the same window of the other (<see cref="ComparesSameWindow"/>), or between one's
    /// whole-image hash and a window of the other (a crop of the first is a window of it, and the
    /// other way round).
    /// </summary>
    public static int Distance(ulong phashA, ReadOnlySpan<ulong> windowsA, ulong phashB, ReadOnlySpan<ulong> windowsB)
    {
        int best = 64;
        for (int w = 0; w < Count; w++)
        {
            best = ComparesSameWindow(w) ? Math.Min(best, BitOperations.PopCount(windowsA[w] ^ windowsB[w])) : best;
            best = Math.Min(best, BitOperations.PopCount(phashA ^ windowsB[w]));
            best = Math.Min(best, BitOperations.PopCount(windowsA[w] ^ phashB));
        }

        return best;
    }

    public static string ToHex(ReadOnlySpan<ulong> hashes)
    {
        var text = new System.Text.StringBuilder(HexLength);
        foreach (ulong hash in hashes)
        {
            text.Append(PerceptualHash.ToHex(hash));
        }

        return text.ToString();
    }

    /// <summary>Parses <see cref="ToHex"/>'s text into <paramref name="hashes"/> (<see cref="Count"/> long); false, leaving it unspecified, for anything else.</summary>
    public static bool TryParseHex(string? text, Span<ulong> hashes)
    {
        if (text is null || text.Length != HexLength)
        {
            return false;
        }

        for (int w = 0; w < Count; w++)
        {
            if (!ulong.TryParse(text.AsSpan(w * 16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out hashes[w]))
            {
                return false;
            }
        }

        return true;
    }
}
