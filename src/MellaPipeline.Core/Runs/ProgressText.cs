using System.Globalization;

namespace MellaPipeline.Runs;

/// <summary>
/// What a progress line says, for the bar on a terminal and the plain <c>progress: …</c> log lines
/// alike: a phase's count against its total, its rate and time left, and at the end the summary's own figures.
/// </summary>
public static class ProgressText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Where a phase stands: <c>map: 4,100/10,000 records (41%) · 820 records/s · ETA 0:07 · 4,000 rows · 100 rejects · 1/2 tasks</c>.</summary>
    public static string Phase(ProgressPhase phase, ProgressSnapshot tasks)
    {
        long done = phase.Done;
        double rate = Rate(done, phase.Elapsed);
        string count = phase.Total is { } total
            ? string.Create(Inv, $"{done:N0}/{total:N0} {phase.Unit} ({Percent(done, total)}%)")
            : phase.AtLeast is { } atLeast && done < atLeast
                ? string.Create(Inv, $"{done:N0} {phase.Unit} of at least {atLeast:N0}")
                : string.Create(Inv, $"{done:N0} {phase.Unit}");
        string text = phase.Name + ": " + count + RateText(rate, phase);
        if (!phase.HasEnded && phase.Total is { } known && Eta(done, known, rate) is { } eta)
        {
            text += " · ETA " + Clock(eta);
        }

        return phase.Name == MapPhase
            ? text + Downloaded(tasks.BytesDownloaded, phase) + string.Create(Inv, $" · {tasks.RowsWritten:N0} rows · {tasks.Rejected:N0} rejects · {tasks.TasksDone}/{tasks.TasksTotal} tasks")
            : text;
    }

    /// <summary>The images downloaded so far, <c> · 12.4 MB downloaded (2.1 MB/s)</c>; nothing when the run downloads none (local files).</summary>
    private static string Downloaded(long bytes, ProgressPhase phase)
    {
        if (bytes <= 0)
        {
            return "";
        }

        string rate = phase.Elapsed >= MeasurableTime ? " (" + Size((long)Rate(bytes, phase.Elapsed)) + "/s)" : "";
        return " · " + Size(bytes) + " downloaded" + rate;
    }

    /// <summary>Bytes in decimal units, one decimal from a kilobyte on: <c>950 B</c>, <c>12.4 MB</c>, <c>3.0 GB</c>.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["kB", "MB", "GB", "TB"];
        if (bytes < 1000)
        {
            return string.Create(Inv, $"{bytes} B");
        }

        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return string.Create(Inv, $"{value:0.0} {units[unit]}");
    }

    /// <summary>The line of a phase that begins: <c>cluster started: 51 rows</c>.</summary>
    /// <remarks>Where only part of the input could be counted: <c>map started: 52 records in 2 of 3 inputs; a crawl's are not known</c>.</remarks>
    public static string Started(ProgressPhase phase) => phase.Total is { } total
        ? string.Create(Inv, $"{phase.Name} started: {total:N0} {phase.Unit}")
        : phase.AtLeast is { } atLeast
            ? string.Create(Inv, $"{phase.Name} started: {atLeast:N0} {phase.Unit} in {phase.CountedPart}")
            : string.Create(Inv, $"{phase.Name} started: {phase.Unit} in all not known");

    /// <summary>The line when a running phase's total is counted: <c>map: 100,000 records in all</c> (or <c>… in 2 of 3 inputs; …</c>).</summary>
    public static string TotalKnown(ProgressPhase phase) => phase.Total is null && phase.AtLeast is { } atLeast
        ? string.Create(Inv, $"{phase.Name}: {atLeast:N0} {phase.Unit} in {phase.CountedPart}")
        : string.Create(Inv, $"{phase.Name}: {phase.Total:N0} {phase.Unit} in all");

    /// <summary>The line of a phase that ends: <c>map done: 88 records in 0:12 (7 records/s)</c>, or <c>map stopped: …</c> when the run stopped in it.</summary>
    /// <remarks>The map's line also says what it downloaded, from <paramref name="tasks"/>: <c>… · 12.4 MB downloaded (2.1 MB/s)</c>.</remarks>
    public static string Ended(ProgressPhase phase, ProgressSnapshot? tasks = null)
    {
        long done = phase.Done;
        string rate = phase.Elapsed >= MeasurableTime ? string.Create(Inv, $" ({Rate(done, phase.Elapsed):N0} {phase.Unit}/s)") : "";
        string downloaded = phase.Name == MapPhase && tasks is { } t ? Downloaded(t.BytesDownloaded, phase) : "";
        return string.Create(Inv, $"{phase.Name} {(phase.Completed ? "done" : "stopped")}: {done:N0} {phase.Unit} in {Clock(phase.Elapsed)}{rate}{downloaded}");
    }

    /// <summary>The last line, in the summary's figures: <c>done: 88 records read · 51 rows · 30 dropped · 7 failed</c>.</summary>
    public static string Final(RunSummary summary) => string.Create(Inv,
        $"done: {summary.InputRecords:N0} records read · {summary.Rows:N0} rows · {summary.Dropped:N0} dropped · {summary.Failed:N0} failed");

    /// <summary>Where a command without phases (extract, split) stands, by tasks.</summary>
    public static string Tasks(ProgressSnapshot s, TimeSpan elapsed) => string.Create(Inv,
        $"{s.TasksDone}/{s.TasksTotal} tasks · {s.RecordsRead:N0} read · {s.RowsWritten:N0} rows · {s.Rejected:N0} rejects · {Rate(s.RecordsRead, elapsed):N0}/s");

    /// <summary>What the display shows now: the final figures, the running phase, or the tasks.</summary>
    public static string Now(RunProgress progress) =>
        progress.Final is { } final ? Final(final)
        : progress.Current is { } phase ? Phase(phase, progress.Snapshot())
        : Tasks(progress.Snapshot(), progress.Time.GetElapsedTime(progress.StartedTimestamp));

    /// <summary>
    /// What a bar display draws now, one row a bar: each phase begun (or, for a command without phases, its tasks),
    /// then a last row with the summary's figures. <see cref="ProgressRow.Key"/> stays the same for a row from call to call;
    /// the first row is the command's own, showing its tasks until its first phase begins (a display may draw before that).
    /// </summary>
    public static IReadOnlyList<ProgressRow> Rows(RunProgress progress)
    {
        var snapshot = progress.Snapshot();
        var rows = progress.Phases.Count == 0
            ? [new ProgressRow(progress, Now(progress), snapshot.TasksDone, Math.Max(1, progress.TasksTotal), false, false)]
            : progress.Phases.Select((p, i) => new ProgressRow(i == 0 ? progress : p, Phase(p, snapshot), p.Done, p.Total, p.HasEnded, p.Completed)).ToList();
        if (progress.Final is { } final)
        {
            rows.Add(new ProgressRow(final, Final(final), 1, 1, true, true));
        }

        return rows;
    }

    /// <summary>The name of the map phase, whose line also shows rows, rejects and tasks.</summary>
    public const string MapPhase = "map";

    public static double Rate(long done, TimeSpan elapsed) => done / Math.Max(elapsed.TotalSeconds, 1e-3);

    /// <summary>The time left at <paramref name="rate"/>, or null while nothing is done yet.</summary>
    public static TimeSpan? Eta(long done, long total, double rate) =>
        rate <= 0 || done <= 0 ? null : TimeSpan.FromSeconds(Math.Min(Math.Max(total - done, 0) / rate, TimeSpan.MaxValue.TotalSeconds / 2));

    /// <summary><c>m:ss</c>, or <c>h:mm:ss</c> from an hour on.</summary>
    public static string Clock(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(Inv, $"{(long)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(Inv, $"{t.Minutes}:{t.Seconds:00}");

    /// <summary>Below a second a rate says nothing (a phase of a few files would claim thousands a second).</summary>
    private static readonly TimeSpan MeasurableTime = TimeSpan.FromSeconds(1);

    private static string RateText(double rate, ProgressPhase phase) =>
        phase.Elapsed >= MeasurableTime ? string.Create(Inv, $" · {rate:N0} {phase.Unit}/s") : "";

    private static long Percent(long done, long total) => total <= 0 ? 100 : Math.Min(100, done * 100 / total);
}

/// <summary>
/// One bar of a progress display: its text, how far it is against <see cref="Max"/> (null: not known, an indeterminate bar),
/// whether it is over, and whether it got to the end (a phase the run stopped in is over, not complete).
/// </summary>
public sealed record ProgressRow(object Key, string Text, long Value, long? Max, bool Ended, bool Completed)
{
    /// <summary>Where the bar stands between 0 and <see cref="BarMax"/>: full once complete, 0 for an indeterminate bar.</summary>
    public double BarValue => Completed ? BarMax : Max is { } max ? Math.Min(Value, max) : 0;

    /// <summary>The bar's full length, at least 1 (a total of 0 is a full bar).</summary>
    public double BarMax => Math.Max(1, Max ?? 1);
}
