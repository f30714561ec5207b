using System.Collections.Concurrent;
using MellaPipeline.Runtime;

namespace MellaPipeline.Runs;

/// <summary>Totals of a run in progress, read by a progress display while tasks update their counters.</summary>
public readonly record struct ProgressSnapshot(int TasksDone, int TasksTotal, long RecordsRead, long RowsWritten, long Rejected, long BytesDownloaded = 0);

/// <summary>
/// What a phase has in all, as counted: exact, or, when <see cref="CountedPart"/> says which part was counted
/// (<c>2 of 3 inputs; a crawl's are not known</c>), only a lower bound: no percentage or ETA is claimed against it.
/// </summary>
public readonly record struct ProgressTotal(long Count, string? CountedPart = null)
{
    public bool IsExact => CountedPart is null;
}

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

    // A finished task's counts move from _active to the totals under this lock, so a snapshot sees them once, never twice or not at all.
    private readonly Lock _countsLock = new();
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
        lock (_countsLock)
        {
            if (_active.TryRemove(rank, out var counters) && ranNow)
            {
                var (read, rows, rejected) = Totals(counters);
                _recordsRead += read;
                _rowsWritten += rows;
                _rejected += rejected;
                _bytesDownloaded += counters.BytesDownloaded;
            }

            _done++;
        }
    }

    public ProgressSnapshot Snapshot()
    {
        lock (_countsLock)
        {
            long read = _recordsRead, rows = _rowsWritten, rejected = _rejected, downloaded = _bytesDownloaded;
            foreach (var counters in _active.Values)
            {
                var (r, w, j) = Totals(counters);
                read += r;
                rows += w;
                rejected += j;
                downloaded += counters.BytesDownloaded;
            }

            return new ProgressSnapshot(_done, TasksTotal, read, rows, rejected, downloaded);
        }
    }

    /// <summary>
    /// Starts a phase (ending the one before): <paramref name="count"/> reads its progress from
    /// counters kept elsewhere; without it the phase counts through <see cref="ProgressPhase.Add"/>.
    /// </summary>
    public ProgressPhase BeginPhase(string name, string unit, long? total, Func<long>? count = null) =>
        BeginCountedPhase(name, unit, total is { } exact ? new ProgressTotal(exact) : null, count);

    /// <summary>Starts a phase whose total, when counted at all, may be only a lower bound (<see cref="ProgressTotal.CountedPart"/>).</summary>
    public ProgressPhase BeginCountedPhase(string name, string unit, ProgressTotal? total, Func<long>? count = null)
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
    public void LearnTotal(ProgressPhase phase, long total) => LearnTotal(phase, new ProgressTotal(total));

    /// <summary>Gives a running phase its total or a lower bound of it; nothing once the phase has ended.</summary>
    public void LearnTotal(ProgressPhase phase, ProgressTotal total)
    {
        if (phase.SetTotal(total))
        {
            TotalKnown?.Invoke(phase);
        }
    }

    /// <summary>Ends a phase; <paramref name="completed"/> false when the run stopped in it (cancelled, failed): its total is then kept, not set to what it did.</summary>
    public void EndPhase(ProgressPhase phase, bool completed = true)
    {
        if (phase.End(completed))
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
    private readonly CancellationTokenSource _ending = new();
    private long _total;
    private long _atLeast = -1;
    private string? _countedPart;
    private int _completed;
    private long _done;
    private long _ended;
    private long _doneAtEnd;

    internal ProgressPhase(string name, string unit, ProgressTotal? total, Func<long>? count, TimeProvider time)
    {
        Name = name;
        Unit = unit;
        _total = -1;
        if (total is { } known)
        {
            Learn(known);
        }

        _count = count;
        _time = time;
        _started = time.GetTimestamp();
    }

    public string Name { get; }

    /// <summary>What the phase counts, plural: records, rows, tasks, lines.</summary>
    public string Unit { get; }

    /// <summary>How many <see cref="Unit"/> the phase has in all, or null when that is not known (yet): a crawl.</summary>
    public long? Total => Interlocked.Read(ref _total) is var t and >= 0 ? t : null;

    /// <summary>A lower bound of the total while only part of the input could be counted (<see cref="CountedPart"/>), else null.</summary>
    public long? AtLeast => Total is null && Interlocked.Read(ref _atLeast) is var t and >= 0 ? t : null;

    /// <summary>What <see cref="AtLeast"/> counts: <c>2 of 3 inputs; a crawl's are not known</c>.</summary>
    public string? CountedPart => Volatile.Read(ref _countedPart);

    /// <summary>Cancelled when the phase ends: work done only for the phase's display (counting its total) stops then.</summary>
    public CancellationToken Ending => _ending.Token;

    /// <summary>The phase ended having done all it had (not stopped by a cancellation or a failure).</summary>
    public bool Completed => Volatile.Read(ref _completed) != 0;

    /// <summary>How many are done; frozen when the phase ends.</summary>
    public long Done => HasEnded ? Interlocked.Read(ref _doneAtEnd) : _count?.Invoke() ?? Interlocked.Read(ref _done);

    public bool HasEnded => Interlocked.Read(ref _ended) != 0;

    /// <summary>Time since the phase began, or its length once ended.</summary>
    public TimeSpan Elapsed => HasEnded
        ? _time.GetElapsedTime(_started, Interlocked.Read(ref _ended))
        : _time.GetElapsedTime(_started);

    /// <summary>The total, learned after the phase began (<see cref="RunProgress.LearnTotal(ProgressPhase, ProgressTotal)"/>); false once the phase has ended.</summary>
    internal bool SetTotal(ProgressTotal total)
    {
        lock (_endLock)
        {
            if (HasEnded)
            {
                return false;
            }

            Learn(total);
            return true;
        }
    }

    private void Learn(ProgressTotal total)
    {
        if (total.IsExact)
        {
            Interlocked.Exchange(ref _total, Math.Max(0, total.Count));
            return;
        }

        Volatile.Write(ref _countedPart, total.CountedPart);
        Interlocked.Exchange(ref _atLeast, Math.Max(0, total.Count));
    }

    public void Add(long done) => Interlocked.Add(ref _done, done);

    internal bool End(bool completed)
    {
        lock (_endLock)
        {
            if (HasEnded)
            {
                return false;
            }

            // Frozen before the phase reads as ended, so a display never sees a count of 0 in between; a phase
            // that completed has done all it had, so what it counted is its total (an unknown or estimated one becomes
            // exact). One that stopped keeps its total: its bar shows how far it got, not 100 %.
            long done = Done;
            Interlocked.Exchange(ref _doneAtEnd, done);
            if (completed)
            {
                Interlocked.Exchange(ref _total, done);
                Volatile.Write(ref _completed, 1);
            }

            Interlocked.Exchange(ref _ended, Math.Max(1, _time.GetTimestamp()));
        }

        _ending.Cancel();
        return true;
    }
}
