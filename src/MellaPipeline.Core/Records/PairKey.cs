using System.Security.Cryptography;
using System.Text;

namespace MellaPipeline.Records;

/// <summary>
/// Stable pair keys: a keyed hash of the fields that identify a pair, so the same input gives the
/// same key in every run, on every machine and in every task layout.
/// </summary>
public static class PairKey
{
    /// <summary>Number of hex digits in a key: 128 bits keeps collisions negligible far beyond 10⁹ pairs.</summary>
    public const int HexLength = 32;

    /// <summary>
    /// Key of a pair from its source (<c>native</c>/<c>mllm</c>), image URL, page URL and raw caption.
    /// Fields are length-prefixed so that no two different field lists hash the same bytes.
    /// </summary>
    public static string For(string source, string? imageUrl, string? pageUrl, string rawText)
    {
        var buffer = new ArrayBufferWriterLite();
        buffer.AddField(source);
        buffer.AddField(imageUrl ?? string.Empty);
        buffer.AddField(pageUrl ?? string.Empty);
        buffer.AddField(rawText);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash[..(HexLength / 2)]);
    }

    /// <summary>Key for a raw input line that could not be parsed (hash of its bytes).</summary>
    public static string ForRawLine(ReadOnlySpan<byte> line)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(line, hash);
        return Convert.ToHexStringLower(hash[..(HexLength / 2)]);
    }

    private sealed class ArrayBufferWriterLite
    {
        private byte[] _buffer = new byte[256];
        private int _length;

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

        public void AddField(string value)
        {
            int max = Encoding.UTF8.GetMaxByteCount(value.Length) + 4;
            if (_length + max > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + max));
            }

            int written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 4));
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), written);
            _length += 4 + written;
        }
    }
}
