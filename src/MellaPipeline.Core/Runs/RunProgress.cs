using System.Collections.Concurrent;
using MellaPipeline.Runtime;

namespace MellaPipeline.Runs;

/// <summary>Totals of a run in progress, read by a progress display while tasks update their counters.</summary>
public readonly record struct ProgressSnapshot(int TasksDone, int TasksTotal, long RecordsRead, long RowsWritten, long Rejected, long BytesDownloaded = 0);

/// <summary>
/// Live view of a run: finished tasks' totals plus the counters of the tasks still running, and the
/// phases the run goes through (<see cref="BeginPhase"/>: the map, the reduce's cluster and filter,
/// each caption layer), each a count against its total where that is known. A display polls it
/// and hears <see cref="PhaseStarted"/>, <see cref="PhaseEnded"/> and <see cref="Completed"/>.
/// Counting stays on the tasks' own counters (Interlocked): nothing here runs per record.
/// </summary>
public sealed class RunProgress(int tasksTotal, int tasksAlreadyDone, TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<int, PipelineCounters> _active = new();
    private readonly Lock _phasesLock = new();
    private ProgressPhase[] _phases = [];
    private int _done = tasksAlreadyDone;
    private long _recordsRead;
    private long _rowsWritten;
    private long _rejected;
    private long _bytesDownloaded;

    public int TasksTotal { get; } = tasksTotal;

    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    /// <summary>When the progress began, on <see cref="Time"/>'s clock.</summary>
    public long StartedTimestamp { get; } = (time ?? TimeProvider.System).GetTimestamp();

    /// <summary>The phases begun so far, in order (a copy the caller may keep).</summary>
    public IReadOnlyList<ProgressPhase> Phases => Volatile.Read(ref _phases);

    /// <summary>The phase running now, or null before the first and after the last.</summary>
    public ProgressPhase? Current => Phases.LastOrDefault(p => !p.HasEnded);

    /// <summary>The run's figures once its summary is written: what the last progress line says.</summary>
    public RunSummary? Final { get; private set; }

    public event Action<ProgressPhase>? PhaseStarted;

    public event Action<ProgressPhase>? PhaseEnded;

    /// <summary>A running phase's total became known (it was counted beside the run).</summary>
    public event Action<ProgressPhase>? TotalKnown;

    public event Action<RunSummary>? Completed;

    public void Started(int rank, PipelineCounters counters) => _active[rank] = counters;

    public void Finished(int rank, bool ranNow)
    {
        if (_active.TryRemove(rank, out var counters) && ranNow)
        {
            var (read, rows, rejected) = Totals(counters);
            Interlocked.Add(ref _recordsRead, read);
            Interlocked.Add(ref _rowsWritten, rows);
            Interlocked.Add(ref _rejected, rejected);
            Interlocked.Add(ref _bytesDownloaded, counters.BytesDownloaded);
        }

        Interlocked.Increment(ref _done);
    }

    public ProgressSnapshot Snapshot()
    {
        long read = Interlocked.Read(ref _recordsRead);
        long rows = Interlocked.Read(ref _rowsWritten);
        long rejected = Interlocked.Read(ref _rejected);
        long downloaded = Interlocked.Read(ref _bytesDownloaded);
        foreach (var counters in _active.Values)
        {
            var (r, w, j) = Totals(counters);
            read += r;
            rows += w;
            rejected += j;
            downloaded += counters.BytesDownloaded;
        }

        return new ProgressSnapshot(Volatile.Read(ref _done), TasksTotal, read, rows, rejected, downloaded);
    }

    /// <summary>
    /// Starts a phase (ending the one before): <paramref name="count"/> reads its progress from
    /// counters kept elsewhere; without it the phase counts through <see cref="ProgressPhase.Add"/>.
    /// </summary>
    public ProgressPhase BeginPhase(string name, string unit, long? total, Func<long>? count = null)
    {
        if (Current is { } previous)
        {
            EndPhase(previous);
        }

        var phase = new ProgressPhase(name, unit, total, count, Time);
        lock (_phasesLock)
        {
            Volatile.Write(ref _phases, [.. _phases, phase]);
        }

        PhaseStarted?.Invoke(phase);
        return phase;
    }

    /// <summary>Gives a running phase its total, counted after it began; nothing once the phase has ended.</summary>
    public void LearnTotal(ProgressPhase phase, long total)
    {
        if (phase.SetTotal(total))
        {
            TotalKnown?.Invoke(phase);
        }
    }

    public void EndPhase(ProgressPhase phase)
    {
        if (phase.End())
        {
            PhaseEnded?.Invoke(phase);
        }
    }

    /// <summary>The run is over: ends the phase still open and records the summary's figures.</summary>
    public void Complete(RunSummary summary)
    {
        if (Current is { } open)
        {
            EndPhase(open);
        }

        Final = summary;
        Completed?.Invoke(summary);
    }

    /// <summary>The records a task's counters have read: its first stage's input.</summary>
    public static long RecordsRead(PipelineCounters counters) => Totals(counters).Read;

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

/// <summary>One phase of a run: what it counts (<see cref="Unit"/>), how far it is, and its total once known.</summary>
public sealed class ProgressPhase
{
    private readonly Func<long>? _count;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _endLock = new();
    private long _total;
    private long _done;
    private long _ended;
    private long _doneAtEnd;

    internal ProgressPhase(string name, string unit, long? total, Func<long>? count, TimeProvider time)
    {
        Name = name;
        Unit = unit;
        _total = total ?? -1;
        _count = count;
        _time = time;
        _started = time.GetTimestamp();
    }

    public string Name { get; }

    /// <summary>What the phase counts, plural: records, rows, tasks, lines.</summary>
    public string Unit { get; }

    /// <summary>How many <see cref="Unit"/> the phase has in all, or null when that is not known (yet): a crawl.</summary>
    public long? Total => Interlocked.Read(ref _total) is var t and >= 0 ? t : null;

    /// <summary>How many are done; frozen when the phase ends.</summary>
    public long Done => HasEnded ? Interlocked.Read(ref _doneAtEnd) : _count?.Invoke() ?? Interlocked.Read(ref _done);

    public bool HasEnded => Interlocked.Read(ref _ended) != 0;

    /// <summary>Time since the phase began, or its length once ended.</summary>
    public TimeSpan Elapsed => HasEnded
        ? _time.GetElapsedTime(_started, Interlocked.Read(ref _ended))
        : _time.GetElapsedTime(_started);

    /// <summary>The total, learned after the phase began (<see cref="RunProgress.LearnTotal"/>); false once the phase has ended.</summary>
    internal bool SetTotal(long total)
    {
        lock (_endLock)
        {
            if (HasEnded)
            {
                return false;
            }

            Interlocked.Exchange(ref _total, Math.Max(0, total));
            return true;
        }
    }

    public void Add(long done) => Interlocked.Add(ref _done, done);

    internal bool End()
    {
        lock (_endLock)
        {
            if (HasEnded)
            {
                return false;
            }

            // Frozen before the phase reads as ended, so a display never sees a count of 0 in between; a phase
            // that ends has done all it had, so what it counted is its total (an unknown or estimated one becomes exact).
            long done = Done;
            Interlocked.Exchange(ref _doneAtEnd, done);
            Interlocked.Exchange(ref _total, done);
            Interlocked.Exchange(ref _ended, Math.Max(1, _time.GetTimestamp()));
        }

        return true;
    }
}
