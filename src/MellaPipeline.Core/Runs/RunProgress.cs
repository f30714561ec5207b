using System.Collections.Concurrent;
using MellaPipeline.Runtime;

namespace MellaPipeline.Runs;

/// <summary>Totals of a run in progress, read by a progress display while tasks update their counters.</summary>
public readonly record struct ProgressSnapshot(int TasksDone, int TasksTotal, long RecordsRead, long RowsWritten, long Rejected);

/// <summary>Live view of a run: finished tasks' totals plus the counters of the tasks still running.</summary>
public sealed class RunProgress(int tasksTotal, int tasksAlreadyDone)
{
    private readonly ConcurrentDictionary<int, PipelineCounters> _active = new();
    private int _done = tasksAlreadyDone;
    private long _recordsRead;
    private long _rowsWritten;
    private long _rejected;

    public int TasksTotal { get; } = tasksTotal;

    public void Started(int rank, PipelineCounters counters) => _active[rank] = counters;

    public void Finished(int rank, bool ranNow)
    {
        if (_active.TryRemove(rank, out var counters) && ranNow)
        {
            var (read, rows, rejected) = Totals(counters);
            Interlocked.Add(ref _recordsRead, read);
            Interlocked.Add(ref _rowsWritten, rows);
            Interlocked.Add(ref _rejected, rejected);
        }

        Interlocked.Increment(ref _done);
    }

    public ProgressSnapshot Snapshot()
    {
        long read = Interlocked.Read(ref _recordsRead);
        long rows = Interlocked.Read(ref _rowsWritten);
        long rejected = Interlocked.Read(ref _rejected);
        foreach (var counters in _active.Values)
        {
            var (r, w, j) = Totals(counters);
            read += r;
            rows += w;
            rejected += j;
        }

        return new ProgressSnapshot(Volatile.Read(ref _done), TasksTotal, read, rows, rejected);
    }

    private static (long Read, long Rows, long Rejected) Totals(PipelineCounters counters)
    {
        var stages = counters.Stages;
        if (stages.Count == 0)
        {
            return (0, 0, 0);
        }

        return (stages[0].In, stages[^1].Ok, stages.Sum(s => s.Dropped + s.Failed));
    }
}
