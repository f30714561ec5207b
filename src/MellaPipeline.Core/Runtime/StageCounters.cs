using System.Collections.Concurrent;
using System.Diagnostics;

namespace MellaPipeline.Runtime;

/// <summary>Thread-safe counters of one stage in one task: records in, kept, dropped, failed, busy time, reasons.</summary>
public sealed class StageCounters(string name)
{
    private long _in;
    private long _ok;
    private long _dropped;
    private long _failed;
    private long _busyTicks;
    private readonly ConcurrentDictionary<string, long> _reasons = new(StringComparer.Ordinal);

    public string Name { get; } = name;
    public long In => Interlocked.Read(ref _in);
    public long Ok => Interlocked.Read(ref _ok);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Time spent inside the stage's own code, summed over concurrent calls.</summary>
    public TimeSpan Busy => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));

    public IReadOnlyDictionary<string, long> Reasons => _reasons;

    public void CountIn() => Interlocked.Increment(ref _in);

    public void CountOk() => Interlocked.Increment(ref _ok);

    public void CountReject(Stages.OutcomeKind kind, string reason)
    {
        Interlocked.Increment(ref kind == Stages.OutcomeKind.Dropped ? ref _dropped : ref _failed);
        _reasons.AddOrUpdate(reason, 1, static (_, n) => n + 1);
    }

    public void AddBusy(long startTimestamp) =>
        Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - startTimestamp);
}

/// <summary>The counters of every stage of one task's pipeline, in pipeline order.</summary>
public sealed class PipelineCounters
{
    private readonly List<StageCounters> _stages = [];
    private long _bytesDownloaded;

    /// <summary>Bytes of images downloaded so far (what a progress line shows beside the records).</summary>
    public long BytesDownloaded => Interlocked.Read(ref _bytesDownloaded);

    public void CountDownloaded(long bytes) => Interlocked.Add(ref _bytesDownloaded, bytes);

    public IReadOnlyList<StageCounters> Stages
    {
        get
        {
            lock (_stages)
            {
                return _stages.ToArray();
            }
        }
    }

    public StageCounters For(string stageName)
    {
        lock (_stages)
        {
            var existing = _stages.Find(s => s.Name == stageName);
            if (existing is not null)
            {
                return existing;
            }

            var created = new StageCounters(stageName);
            _stages.Add(created);
            return created;
        }
    }
}
