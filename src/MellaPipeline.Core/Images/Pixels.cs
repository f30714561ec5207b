using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MellaPipeline.Images;

/// <summary>Operations on straight RGBA pixels (4 bytes a pixel, row-major, no padding) that every decoder's output goes through.</summary>
public static class Pixels
{
    /// <summary>Applies an EXIF orientation (1–8; anything else is 1) and returns the upright pixels and size.</summary>
    public static (byte[] Rgba, int Width, int Height) Orient(byte[] rgba, int width, int height, int orientation)
    {
        if (orientation is < 2 or > 8)
        {
            return (rgba, width, height);
        }

        bool swap = orientation >= 5;
        int outWidth = swap ? height : width, outHeight = swap ? width : height;
        var source = MemoryMarshal.Cast<byte, uint>(rgba);
        var output = new byte[rgba.Length];
        var target = MemoryMarshal.Cast<byte, uint>(output.AsSpan());
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                (int tx, int ty) = orientation switch
                {
                    2 => (width - 1 - x, y),
                    3 => (width - 1 - x, height - 1 - y),
                    4 => (x, height - 1 - y),
                    5 => (y, x),
                    6 => (height - 1 - y, x),
                    7 => (height - 1 - y, width - 1 - x),
                    _ => (y, width - 1 - x),
                };
                target[(ty * outWidth) + tx] = source[(y * width) + x];
            }
        }

        return (output, outWidth, outHeight);
    }

    /// <summary>Whether an EXIF orientation turns the image by 90° (width and height swap).</summary>
    public static bool SwapsSides(int orientation) => orientation is >= 5 and <= 8;

    /// <summary>One straight colour channel of a pixel with opacity <paramref name="alpha"/> (0–255) over white, rounded.</summary>
    public static byte OverWhite(int channel, int alpha) => (byte)(((channel * alpha) + (255 * (255 - alpha)) + 127) / 255);

    /// <summary>Composites every pixel that is not opaque onto white, in place; true if there was one.</summary>
    public static bool CompositeOverWhite(Span<byte> rgba)
    {
        bool changed = false;
        for (int i = 3; i < rgba.Length; i += 4)
        {
            int a = rgba[i];
            if (a == 255)
            {
                continue;
            }

            changed = true;
            for (int c = i - 3; c < i; c++)
            {
                rgba[c] = OverWhite(rgba[c], a);
            }

            rgba[i] = 255;
        }

        return changed;
    }

    /// <summary>
    /// The EXIF orientation of a JPEG (1–8), read from IFD0 of its APP1 Exif segment without any
    /// metadata library; 1 when there is none or it cannot be read.
    /// </summary>
    public static int JpegExifOrientation(ReadOnlySpan<byte> jpeg)
    {
        int i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            byte marker = jpeg[i + 1];
            if (marker is 0xDA or 0xD9)
            {
                break;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(i + 2)..]);
            if (length < 2 || i + 2 + length > jpeg.Length)
            {
                break;
            }

            var segment = jpeg.Slice(i + 4, length - 2);
            if (marker == 0xE1 && segment.StartsWith("Exif\0\0"u8))
            {
                return TiffOrientation(segment[6..]);
            }

            i += 2 + length;
        }

        return 1;
    }

    private static int TiffOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8 || !(tiff.StartsWith("II"u8) || tiff.StartsWith("MM"u8)))
        {
            return 1;
        }

        bool little = tiff[0] == (byte)'I';
        uint ifd = little ? BinaryPrimitives.ReadUInt32LittleEndian(tiff[4..]) : BinaryPrimitives.ReadUInt32BigEndian(tiff[4..]);
        if (ifd > tiff.Length - 2)
        {
            return 1;
        }

        int entries = U16(tiff, (int)ifd, little);
        for (int e = 0; e < entries; e++)
        {
            int at = (int)ifd + 2 + (e * 12);
            if (at + 12 > tiff.Length)
            {
                break;
            }

            if (U16(tiff, at, little) == 0x0112)
            {
                int value = U16(tiff, at + 8, little);
                return value is >= 1 and <= 8 ? value : 1;
            }
        }

        return 1;
    }

    private static ushort U16(ReadOnlySpan<byte> tiff, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(tiff[at..]) : BinaryPrimitives.ReadUInt16BigEndian(tiff[at..]);
}
