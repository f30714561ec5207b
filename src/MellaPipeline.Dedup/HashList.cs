using System.Globalization;
using System.Text;
using MellaPipeline.Input;

namespace MellaPipeline.Dedup;

/// <summary>
/// Hashes and their IDs as <c>mella dedup --hashes</c> reads them, one "HEX16&lt;TAB&gt;ID" line each; the IDs kept as
/// UTF-8 in one buffer (millions of lines without millions of strings).
/// </summary>
public sealed class HashList
{
    /// <summary>A hash line is 16 hex digits, a tab and an id; anything longer than this is not one.</summary>
    private const int MaxLineBytes = 4 << 20;

    private byte[] _ids = new byte[1 << 20];
    private int _idsLength;
    private int[] _idStarts = new int[1024];

    public ulong[] Hashes { get; private set; } = new ulong[1024];

    public int Count { get; private set; }

    public ReadOnlySpan<byte> Id(int index) => _ids.AsSpan(_idStarts[index], _idStarts[index + 1] - _idStarts[index]);

    public static HashList Read(string path, out List<string> problems)
    {
        var list = new HashList();
        problems = [];
        int lineNumber = 0;
        foreach (var (line, tooLong) in ByteLines(path))
        {
            lineNumber++;
            if (tooLong)
            {
                problems.Add($"{lineNumber}: line longer than {MaxLineBytes} bytes");
                continue;
            }

            var bytes = line.Span;
            if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
            {
                bytes = bytes[..^1];
            }

            if (bytes.Length == 0)
            {
                continue;
            }

            if (bytes.Length < 18 || bytes[16] != (byte)'\t'
                || !ulong.TryParse(bytes[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hash)
                || !System.Text.Unicode.Utf8.IsValid(bytes[17..]))
            {
                string text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 40)]);
                problems.Add($"{lineNumber}: expected HEX16<TAB>ID, got \"{text}{(bytes.Length > 40 ? "…" : "")}\"");
                continue;
            }

            list.Add(hash, bytes[17..]);
        }

        list._idStarts[list.Count] = list._idsLength;
        return list;
    }

    /// <summary>
    /// The file's lines as bytes, without their line feeds (a 4 MiB buffer, no string per line). A
    /// line longer than the buffer comes once as too long and its bytes are dropped up to the next
    /// line feed, so that a file without one (a device) cannot grow the buffer without end.
    /// </summary>
    private static IEnumerable<(ReadOnlyMemory<byte> Line, bool TooLong)> ByteLines(string path)
    {
        using var stream = UserFile.OpenRead(path, out _, out _, bufferSize: 1);
        if (stream is null)
        {
            yield break;
        }

        var buffer = new byte[MaxLineBytes];
        int filled = 0;
        bool skipping = false;
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            int start = 0;
            while (true)
            {
                int newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                if (newline < 0)
                {
                    break;
                }

                if (!skipping)
                {
                    yield return (buffer.AsMemory(start, newline - start), false);
                }

                skipping = false;
                start = newline + 1;
            }

            if (read == 0)
            {
                if (start < filled && !skipping)
                {
                    yield return (buffer.AsMemory(start, filled - start), false);
                }

                yield break;
            }

            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            if (filled == buffer.Length)
            {
                if (!skipping)
                {
                    yield return (ReadOnlyMemory<byte>.Empty, true);
                }

                skipping = true;
                filled = 0;
            }
        }
    }

    private void Add(ulong hash, ReadOnlySpan<byte> id)
    {
        if (Count + 1 >= _idStarts.Length)
        {
            Array.Resize(ref _idStarts, _idStarts.Length * 2);
            var hashes = Hashes;
            Array.Resize(ref hashes, _idStarts.Length);
            Hashes = hashes;
        }

        if (_idsLength + id.Length > _ids.Length)
        {
            Array.Resize(ref _ids, Math.Max(_ids.Length * 2, _idsLength + id.Length));
        }

        Hashes[Count] = hash;
        _idStarts[Count] = _idsLength;
        id.CopyTo(_ids.AsSpan(_idsLength));
        _idsLength += id.Length;
        Count++;
    }
}
