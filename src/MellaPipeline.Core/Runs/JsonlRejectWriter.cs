using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Runtime;

namespace MellaPipeline.Runs;

/// <summary>
/// Appends reject records to <c>rejects/RRRRR.jsonl</c> through a temporary file that is renamed
/// into place by <see cref="CommitAsync"/>; disposed without commit, the temporary file is deleted.
/// </summary>
public sealed class JsonlRejectWriter : IRejectSink, IAsyncDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _json;
    private readonly Lock _lock = new();
    private bool _committed;

    public JsonlRejectWriter(string path)
    {
        _path = path;
        _tempPath = AtomicFile.TempPathFor(path);
        _stream = new FileStream(_tempPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = MellaJson.Compact.Encoder, SkipValidation = true });
    }

    public long Count { get; private set; }

    public void Write(RejectRecord reject)
    {
        lock (_lock)
        {
            JsonSerializer.Serialize(_json, reject, MellaJson.Compact);
            _json.Flush();
            _json.Reset();
            _stream.WriteByte((byte)'\n');
            Count++;
        }
    }

    public async Task CommitAsync()
    {
        lock (_lock)
        {
            _json.Flush();
            _stream.Flush(flushToDisk: true);
            _committed = true;
        }

        await DisposeStreamsAsync();
        AtomicFile.Commit(_tempPath, _path);
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeStreamsAsync();
        if (!_committed)
        {
            File.Delete(_tempPath);
        }
    }

    private async ValueTask DisposeStreamsAsync()
    {
        await _json.DisposeAsync();
        await _stream.DisposeAsync();
    }
}
