using System.Text.Json;

namespace MellaPipeline.Runs;

/// <summary>
/// A JSON Lines file written through a temporary sibling that <see cref="Commit"/> flushes to disk
/// and renames into place; disposed without commit, the temporary file is deleted, so a reader
/// sees either no file (or the older one) or every line. Not thread-safe: callers that write from
/// several threads lock around <see cref="WriteLine"/> (as <see cref="JsonlRejectWriter"/> does).
/// </summary>
public sealed class AtomicJsonLines : IDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _json;
    private bool _closed;
    private bool _committed;

    public AtomicJsonLines(string path, JsonWriterOptions options)
    {
        _path = path;
        _tempPath = AtomicFile.TempPathFor(path);
        _stream = new FileStream(_tempPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
        _json = new Utf8JsonWriter(_stream, options);
    }

    /// <summary>Lines written so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Writes one line: whatever JSON value <paramref name="write"/> writes, then a newline.</summary>
    public void WriteLine(Action<Utf8JsonWriter> write)
    {
        write(_json);
        _json.Flush();
        _json.Reset();
        _stream.WriteByte((byte)'\n');
        Lines++;
    }

    /// <summary>Flushes the lines to disk and renames the file into place, replacing an older one.</summary>
    public void Commit()
    {
        _json.Flush();
        _stream.Flush(flushToDisk: true);
        _committed = true;
        Close();
        AtomicFile.Commit(_tempPath, _path);
    }

    public void Dispose()
    {
        Close();
        if (!_committed)
        {
            File.Delete(_tempPath);
        }
    }

    private void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _json.Dispose();
        _stream.Dispose();
    }
}
