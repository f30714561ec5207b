using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Runtime;

namespace MellaPipeline.Runs;

/// <summary>
/// Appends reject records to <c>rejects/RRRRR.jsonl</c> through a temporary file that is renamed
/// into place by <see cref="CommitAsync"/>; disposed without commit, the temporary file is deleted.
/// Thread-safe: every stage of a task writes here.
/// </summary>
public sealed class JsonlRejectWriter(string path) : IRejectSink, IAsyncDisposable
{
    private static readonly JsonWriterOptions LineOptions = new() { Encoder = MellaJson.Compact.Encoder, SkipValidation = true };

    private readonly AtomicJsonLines _file = new(path, LineOptions);
    private readonly Lock _lock = new();

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _file.Lines;
            }
        }
    }

    /// <summary>The records of a committed rejects file, in file order.</summary>
    public static IEnumerable<RejectRecord> ReadAll(string path) =>
        File.ReadLines(path).Select(line => JsonSerializer.Deserialize<RejectRecord>(line, MellaJson.Compact)!);

    public void Write(RejectRecord reject)
    {
        lock (_lock)
        {
            _file.WriteLine(json => JsonSerializer.Serialize(json, reject, MellaJson.Compact));
        }
    }

    public Task CommitAsync()
    {
        lock (_lock)
        {
            _file.Commit();
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _file.Dispose();
        return ValueTask.CompletedTask;
    }
}
