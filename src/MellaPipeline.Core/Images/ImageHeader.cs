using System.Buffers.Binary;

namespace MellaPipeline.Images;

/// <summary>Image container formats the toolkit accepts.</summary>
public enum ImageFormat
{
    Png,
    Jpeg,
    Gif,
    WebP,
}

/// <summary>Format and pixel size read from an image's header, without decoding any pixels.</summary>
/// <param name="Components">Colour components of a JPEG frame (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK); 0 for other formats.</param>
/// <param name="JpegFrame">The JPEG start-of-frame marker (0xC0 baseline, 0xC2 progressive, 0xC3 lossless, …); 0 for other formats.</param>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height, int Components = 0, byte JpegFrame = 0)
{
    /// <summary>
    /// A lossless or hierarchical JPEG (SOF3, 5–7, 11, 13–15): no web image uses these, most
    /// decoders refuse them, and Skia's scaled decode of a lossless JPEG writes past its buffer.
    /// </summary>
    public bool IsUnusualJpeg => Format == ImageFormat.Jpeg && JpegFrame is 0xC3 or (>= 0xC5 and <= 0xC7) or 0xCB or (>= 0xCD and <= 0xCF);

    /// <summary>A Huffman-coded baseline, extended or progressive JPEG: the kind DCT scaling decodes at reduced size.</summary>
    public bool IsScalableJpeg => Format == ImageFormat.Jpeg && JpegFrame is 0xC0 or 0xC1 or 0xC2;

    /// <summary>The usual file extension of a format, without the dot.</summary>
    public static string Extension(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "jpg",
        ImageFormat.Png => "png",
        ImageFormat.Gif => "gif",
        _ => "webp",
    };

    /// <summary>A JPEG in CMYK or YCCK, which decoders must convert to RGB.</summary>
    public bool IsCmyk => Format == ImageFormat.Jpeg && Components == 4;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Reads the format and size from the first bytes of an encoded image. Anything other than
    /// PNG, JPEG, GIF or WebP is refused here, before a decoder ever sees it: the accepted set is
    /// deliberately small (TIFF, BMP, ICO and SVG decoders are where image-parsing attacks live).
    /// </summary>
    /// <returns>False with a reason code when the bytes are not a supported image or the header is broken.</returns>
    public static bool TryRead(ReadOnlySpan<byte> data, out ImageHeader header, out string reason)
    {
        header = default;
        reason = Stages.ReasonCodes.ImageFormatUnsupported;
        if (data.StartsWith(PngSignature))
        {
            return TryReadPng(data, out header, out reason);
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return TryReadJpeg(data, out header, out reason);
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return TryReadGif(data, out header, out reason);
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return TryReadWebP(data, out header, out reason);
        }

        return false;
    }

    private static bool Invalid(out ImageHeader header, out string reason)
    {
        header = default;
        reason = Stages.ReasonCodes.ImageHeaderInvalid;
        return false;
    }

    private static bool Valid(ImageFormat format, long width, long height, out ImageHeader header, out string reason)
    {
        if (width <= 0 || height <= 0 || width > int.MaxValue || height > int.MaxValue)
        {
            return Invalid(out header, out reason);
        }

        header = new ImageHeader(format, (int)width, (int)height);
        reason = string.Empty;
        return true;
    }

    private static bool TryReadPng(ReadOnlySpan<byte> data, out ImageHeader header, out string reason)
    {
        // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4).
        if (data.Length < 24 || !data[12..16].SequenceEqual("IHDR"u8))
        {
            return Invalid(out header, out reason);
        }

        return Valid(ImageFormat.Png, BinaryPrimitives.ReadUInt32BigEndian(data[16..]), BinaryPrimitives.ReadUInt32BigEndian(data[20..]), out header, out reason);
    }

    private static bool TryReadGif(ReadOnlySpan<byte> data, out ImageHeader header, out string reason)
    {
        if (data.Length < 13)
        {
            return Invalid(out header, out reason);
        }

        // A frame may lie partly outside the logical screen, and decoders allocate for its whole
        // extent: the size that counts is the screen grown to cover every frame's image descriptor
        // (a 100×100 GIF can carry a 40000×40000 second frame).
        long width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        if (width == 0 || height == 0)
        {
            return Invalid(out header, out reason);
        }

        int i = 13 + ColorTableBytes(data[10]);
        while (i < data.Length)
        {
            byte block = data[i];
            if (block == 0x2C && i + 10 <= data.Length)
            {
                width = Math.Max(width, (long)BinaryPrimitives.ReadUInt16LittleEndian(data[(i + 1)..]) + BinaryPrimitives.ReadUInt16LittleEndian(data[(i + 5)..]));
                height = Math.Max(height, (long)BinaryPrimitives.ReadUInt16LittleEndian(data[(i + 3)..]) + BinaryPrimitives.ReadUInt16LittleEndian(data[(i + 7)..]));
                i += 10 + ColorTableBytes(data[i + 9]) + 1; // descriptor, local colour table, LZW minimum code size
            }
            else if (block == 0x21 && i + 2 <= data.Length)
            {
                i += 2; // extension introducer and label, then sub-blocks
            }
            else
            {
                break; // trailer, or damage the decoder will report
            }

            while (i < data.Length && data[i] != 0)
            {
                i += data[i] + 1;
            }

            i++;
        }

        return Valid(ImageFormat.Gif, width, height, out header, out reason);
    }

    /// <summary>Bytes of the colour table a GIF screen or image descriptor's packed field announces.</summary>
    private static int ColorTableBytes(byte packed) => (packed & 0x80) != 0 ? 3 << ((packed & 0x07) + 1) : 0;

    private static bool TryReadJpeg(ReadOnlySpan<byte> data, out ImageHeader header, out string reason)
    {
        int i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF)
            {
                return Invalid(out header, out reason);
            }

            byte marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }

            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2; // markers without a length
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            if (length < 2)
            {
                return Invalid(out header, out reason);
            }

            // Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (i + 9 > data.Length)
                {
                    return Invalid(out header, out reason);
                }

                int height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                bool valid = Valid(ImageFormat.Jpeg, width, height, out header, out reason);
                header = header with { Components = i + 10 <= data.Length ? data[i + 9] : 0, JpegFrame = marker };
                return valid;
            }

            if (marker is 0xD9 or 0xDA)
            {
                break; // end of image or start of scan before any frame header
            }

            i += 2 + length;
        }

        return Invalid(out header, out reason);
    }

    private static bool TryReadWebP(ReadOnlySpan<byte> data, out ImageHeader header, out string reason)
    {
        if (data.Length < 30)
        {
            return Invalid(out header, out reason);
        }

        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Key frame: start code 9D 01 2A at 23..25, then 14-bit width and height.
            if (data[23] != 0x9D || data[24] != 0x01 || data[25] != 0x2A)
            {
                return Invalid(out header, out reason);
            }

            return Valid(ImageFormat.WebP, BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF,
                BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF, out header, out reason);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (data[20] != 0x2F)
            {
                return Invalid(out header, out reason);
            }

            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return Valid(ImageFormat.WebP, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, out header, out reason);
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            long width = 1 + (data[24] | (data[25] << 8) | (data[26] << 16));
            long height = 1 + (data[27] | (data[28] << 8) | (data[29] << 16));
            return Valid(ImageFormat.WebP, width, height, out header, out reason);
        }

        return Invalid(out header, out reason);
    }
}
