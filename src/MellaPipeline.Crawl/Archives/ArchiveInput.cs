using System.IO.Compression;

namespace MellaPipeline.Crawl.Archives;

/// <summary>
/// Buffered byte reading over an archive file, decompressing gzip (one member per record, as
/// Common Crawl writes them, or one for the whole file) on the fly. A corrupt or truncated
/// compressed stream ends the input instead of throwing; <see cref="Damage"/> then says why.
/// </summary>
internal sealed class ArchiveInput : IDisposable
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _position;
    private int _length;
    private bool _ended;

    public ArchiveInput(Stream file)
    {
        var head = new byte[2];
        int read = file.CanSeek ? file.ReadAtLeast(head, 2, throwOnEndOfStream: false) : 0;
        if (file.CanSeek)
        {
            file.Seek(0, SeekOrigin.Begin);
        }

        IsGzip = read == 2 && head[0] == 0x1F && head[1] == 0x8B;
        _stream = IsGzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
    }

    public bool IsGzip { get; }

    /// <summary>Bytes consumed so far, counted in the uncompressed stream.</summary>
    public long Offset { get; private set; }

    /// <summary>Why the input ended early (corrupt compression), or null.</summary>
    public string? Damage { get; private set; }

    private bool Fill()
    {
        if (_ended)
        {
            return false;
        }

        if (_position < _length)
        {
            return true;
        }

        try
        {
            _length = _stream.Read(_buffer, 0, _buffer.Length);
        }
        catch (InvalidDataException e)
        {
            Damage = e.Message;
            _length = 0;
        }
        catch (EndOfStreamException e)
        {
            Damage = e.Message;
            _length = 0;
        }

        _position = 0;
        _ended = _length == 0;
        return !_ended;
    }

    /// <summary>The next line without its line ending, or null at the end; a line longer than <paramref name="maxBytes"/> is cut there and the rest skipped.</summary>
    public byte[]? ReadLine(int maxBytes)
    {
        if (!Fill())
        {
            return null;
        }

        var line = new MemoryStream();
        while (Fill())
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _position, _length - _position);
            int end = newline < 0 ? _length : newline;
            int take = Math.Min(end - _position, Math.Max(0, maxBytes - (int)line.Length));
            line.Write(_buffer, _position, take);
            Offset += end - _position;
            _position = end;
            if (newline >= 0)
            {
                _position++;
                Offset++;
                break;
            }
        }

        var bytes = line.ToArray();
        return bytes.Length > 0 && bytes[^1] == '\r' ? bytes[..^1] : bytes;
    }

    /// <summary>Reads up to <paramref name="count"/> bytes; fewer only at the end of the input.</summary>
    public int Read(byte[] destination, int count)
    {
        int done = 0;
        while (done < count && Fill())
        {
            int take = Math.Min(count - done, _length - _position);
            Buffer.BlockCopy(_buffer, _position, destination, done, take);
            _position += take;
            done += take;
            Offset += take;
        }

        return done;
    }

    /// <summary>Skips up to <paramref name="count"/> bytes; returns how many were there.</summary>
    public long Skip(long count)
    {
        long done = 0;
        while (done < count && Fill())
        {
            int take = (int)Math.Min(count - done, _length - _position);
            _position += take;
            done += take;
            Offset += take;
        }

        return done;
    }

    public void Dispose() => _stream.Dispose();
}
