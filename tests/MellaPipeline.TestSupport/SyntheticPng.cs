using System.Buffers.Binary;
using System.IO.Compression;

namespace MellaPipeline.TestSupport;

/// <summary>
/// Deterministic, real PNG images for tests: a colour gradient with a few filled
/// discs whose colours and places come from a seed, so different seeds give visibly different
/// pictures and the same seed always gives the same bytes.
/// </summary>
public static class SyntheticPng
{
    public static byte[] Create(int width, int height, int seed) => CreateResized(width, height, seed, width, height);

    /// <summary>
    /// The picture <see cref="Create"/> draws at <paramref name="designWidth"/> × <paramref name="designHeight"/>,
    /// resampled (nearest pixel) to <paramref name="width"/> × <paramref name="height"/>: a resized copy, a near duplicate.
    /// </summary>
    public static byte[] CreateResized(int designWidth, int designHeight, int seed, int width, int height)
    {
        var random = new Random(seed);
        var (r0, g0, b0) = (random.Next(256), random.Next(256), random.Next(256));
        var (r1, g1, b1) = (random.Next(256), random.Next(256), random.Next(256));
        var discs = Enumerable.Range(0, 3 + random.Next(4))
            .Select(_ => (X: random.Next(designWidth), Y: random.Next(designHeight), R: 4 + random.Next(Math.Max(5, Math.Min(designWidth, designHeight) / 3)),
                Color: ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))))
            .ToArray();

        var raw = new byte[height * (1 + width * 3)];
        int p = 0;
        for (int y = 0; y < height; y++)
        {
            raw[p++] = 0; // filter: none
            int sy = (int)((y + 0.5) * designHeight / height);
            for (int x = 0; x < width; x++)
            {
                int sx = (int)((x + 0.5) * designWidth / width);
                double t = (sx + sy) / (double)(designWidth + designHeight);
                byte r = (byte)(r0 + (r1 - r0) * t), g = (byte)(g0 + (g1 - g0) * t), b = (byte)(b0 + (b1 - b0) * t);
                foreach (var disc in discs)
                {
                    int dx = sx - disc.X, dy = sy - disc.Y;
                    if (dx * dx + dy * dy <= disc.R * disc.R)
                    {
                        (r, g, b) = disc.Color;
                    }
                }

                raw[p++] = r;
                raw[p++] = g;
                raw[p++] = b;
            }
        }

        return Encode(width, height, raw);
    }

    /// <summary>
    /// A valid PNG header declaring <paramref name="width"/> × <paramref name="height"/> pixels over a
    /// few hundred bytes of compressed data: decoding it would allocate gigabytes.
    /// </summary>
    public static byte[] DecompressionBomb(int width, int height) => Encode(width, height, new byte[64 * 1024]);

    /// <summary>A truecolour PNG of <paramref name="raw"/> scanlines (a filter byte, then RGB pixels).</summary>
    private static byte[] Encode(int width, int height, byte[] raw)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour RGB
        WriteChunk(png, "IHDR"u8, header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            WriteChunk(png, "IDAT"u8, compressed.ToArray());
        }

        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        stream.Write(type);
        stream.Write(data);
        uint crc = Crc32(Crc32(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        Span<byte> checksum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(checksum, crc);
        stream.Write(checksum);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }

        return c;
    }).ToArray();

    private static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }
}
