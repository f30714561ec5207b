using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MellaPipeline.Json;

namespace MellaPipeline.Runs;

/// <summary>Who holds a lock of a run directory: what <c>RUN/locks/NAME.holder</c> says, for the refusal message.</summary>
public sealed record RunLockHolder(
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("started")] DateTimeOffset Started,
    [property: JsonPropertyName("role")] string Role)
{
    /// <summary>True while the process that wrote this is running (same pid and start time: a reused pid is another process).</summary>
    public bool IsAlive()
    {
        try
        {
            using var process = Process.GetProcessById(Pid);
            return Math.Abs((process.StartTime.ToUniversalTime() - Started.UtcDateTime).TotalSeconds) < 1;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"pid {Pid} ({Role}, started {Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)");
}

/// <summary>
/// Keeps two processes from working on the same part of a run directory at once. The lock files
/// in <c>RUN/locks/</c> are opened with .NET's file sharing, which on Linux is an advisory
/// <c>flock(2)</c> taken without waiting (FileShare.None: exclusive; read-only with sharing:
/// shared). The kernel drops it when the process ends, however it ends, so a run killed with
/// SIGKILL leaves no stale lock; the <c>.holder</c> files beside them only say who holds a lock.
/// <list type="bullet">
/// <item>a whole run (<c>mella run</c>) holds <c>run</c> exclusively: nothing else runs in the directory;</item>
/// <item><c>--rank R</c> holds <c>run</c> shared and <c>rank-RRRRR</c> exclusively: ranks run side by side, one process per rank, never beside a whole run;</item>
/// <item><c>--reduce</c> holds <c>run</c> shared and <c>reduce</c> exclusively;</item>
/// <item><c>--reduce --phase filter --rank R</c> holds <c>run</c> and <c>reduce</c> shared and <c>filter-RRRRR</c> exclusively: the filters of
/// different ranks (a Slurm array) run side by side, never two of one rank, nor beside a reduce that clusters, filters every rank or finishes.</item>
/// </list>
/// <c>mella status</c> and <c>mella slurm submit</c> take no lock: they only read, or hand work to ranks that lock for themselves.
/// Where the file system has no flock (some network file systems), .NET opens the files unlocked and nothing is refused.
/// </summary>
public sealed class RunLock : IDisposable
{
    private const string RunName = "run";
    private const string ReduceName = "reduce";
    private const string HolderSuffix = ".holder";
    private const int HolderNoteAttempts = 40;
    private static readonly TimeSpan HolderNoteWait = TimeSpan.FromMilliseconds(25);

    private readonly RunDirectory _run;
    private readonly IReadOnlyList<FileStream> _shared;
    private readonly FileStream _exclusive;
    private readonly string _holderPath;

    private RunLock(RunDirectory run, IReadOnlyList<FileStream> shared, FileStream exclusive, string holderPath, bool foundEarlierLocks)
    {
        FoundEarlierLocks = foundEarlierLocks;
        _run = run;
        _shared = shared;
        _exclusive = exclusive;
        _holderPath = holderPath;
    }

    /// <summary>Locks the whole directory for <c>mella run</c> without <c>--rank</c> or <c>--reduce</c>.</summary>
    /// <exception cref="RunDirectoryException">Another process works in the directory; the message names it.</exception>
    public static RunLock WholeRun(RunDirectory run) => Acquire(run, [], RunName, "mella run");

    /// <summary>Locks task <paramref name="rank"/> for <c>mella run --rank</c>.</summary>
    /// <exception cref="RunDirectoryException">A whole run, or another process of this rank, holds the directory; the message names it.</exception>
    public static RunLock Rank(RunDirectory run, int rank) =>
        Acquire(run, [RunName], "rank-" + RunDirectory.RankName(rank), $"mella run --rank {rank}");

    /// <summary>Locks the reduce phase for <c>mella run --reduce</c>.</summary>
    /// <exception cref="RunDirectoryException">A whole run or another reduce holds the directory; the message names it.</exception>
    public static RunLock Reduce(RunDirectory run) => Acquire(run, [RunName], ReduceName, "mella run --reduce");

    /// <summary>Locks the filter of task <paramref name="rank"/> for <c>mella run --reduce --phase filter --rank R</c>.</summary>
    /// <exception cref="RunDirectoryException">A whole run, a reduce, or another filter of this rank holds the directory; the message names it.</exception>
    public static RunLock Filter(RunDirectory run, int rank) =>
        Acquire(run, [RunName, ReduceName], "filter-" + RunDirectory.RankName(rank), $"mella run --reduce --phase filter --rank {rank}");

    /// <summary>The processes holding a lock of <paramref name="run"/> now, by lock name (<c>run</c>, <c>rank-RRRRR</c>, <c>reduce</c>).</summary>
    public static IReadOnlyDictionary<string, RunLockHolder> LiveHolders(RunDirectory run)
    {
        var holders = new SortedDictionary<string, RunLockHolder>(StringComparer.Ordinal);
        if (Directory.Exists(run.LocksDir))
        {
            foreach (string file in Directory.EnumerateFiles(run.LocksDir, "*" + HolderSuffix))
            {
                if (ReadHolder(file) is { } holder && holder.IsAlive())
                {
                    holders[Path.GetFileName(file)[..^HolderSuffix.Length]] = holder;
                }
            }
        }

        return holders;
    }

    /// <summary>The locks folder was there before this process: a mella process worked here before (perhaps killed before it saved anything).</summary>
    public bool FoundEarlierLocks { get; }

    private static RunLock Acquire(RunDirectory run, string[] sharedNames, string exclusiveName, string role)
    {
        bool foundEarlierLocks = Directory.Exists(run.LocksDir);
        Directory.CreateDirectory(run.LocksDir);
        var shared = new List<FileStream>();
        foreach (string sharedName in sharedNames)
        {
            if (TryOpen(run, sharedName, FileShare.ReadWrite) is not { } stream)
            {
                shared.ForEach(s => s.Dispose());
                throw InUse(run, [sharedName]);
            }

            shared.Add(stream);
        }

        var exclusive = TryOpen(run, exclusiveName, FileShare.None);
        if (exclusive is null)
        {
            shared.ForEach(s => s.Dispose());

            // The whole run's lock is also refused while ranks or a reduce hold it shared: name them.
            throw InUse(run, sharedNames.Length == 0 ? null : [exclusiveName]);
        }

        using var self = Process.GetCurrentProcess();
        string holderPath = HolderPath(run, exclusiveName);
        AtomicFile.WriteJson(holderPath, new RunLockHolder(Environment.ProcessId, self.StartTime.ToUniversalTime(), role), MellaJson.Compact);
        return new RunLock(run, shared, exclusive, holderPath, foundEarlierLocks);
    }

    /// <summary>Opens (creating if needed) and locks a lock file, or returns null when another process holds a conflicting lock.</summary>
    private static FileStream? TryOpen(RunDirectory run, string name, FileShare share)
    {
        string path = Path.Combine(run.LocksDir, name);
        try
        {
            if (share == FileShare.None)
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }

            // Read-only, because .NET takes a shared flock for files opened for reading on every file
            // system; a read-only open cannot create the file, so that comes first (it locks too, briefly).
            new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite).Dispose();
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (IOException e) when (e.GetType() == typeof(IOException) && e.HResult == WouldBlock)
        {
            return null;
        }
    }

    /// <summary>EWOULDBLOCK on Linux: what .NET reports as a sharing violation when <c>flock(LOCK_NB)</c> finds the file locked.</summary>
    private const int WouldBlock = 11;

    private static RunDirectoryException InUse(RunDirectory run, IReadOnlyList<string>? names)
    {
        // The holder writes its note just after taking the lock: a process refused in between
        // would name nobody, so it looks again for a moment (bounded: the refusal stays prompt).
        List<RunLockHolder> holders = [];
        for (int attempt = 0; attempt < HolderNoteAttempts && holders.Count == 0; attempt++)
        {
            if (attempt > 0)
            {
                Thread.Sleep(HolderNoteWait);
            }

            holders = names is null
                ? [.. LiveHolders(run).Values]
                : [.. names.Select(n => ReadHolder(HolderPath(run, n))).OfType<RunLockHolder>().Where(h => h.IsAlive())];
        }

        string who = holders.Count > 0 ? string.Join(", ", holders) : "another process";
        return new RunDirectoryException($"{run.Root} is in use by {who}; wait for it to finish or stop it");
    }

    private static string HolderPath(RunDirectory run, string name) => Path.Combine(run.LocksDir, name + HolderSuffix);

    private static RunLockHolder? ReadHolder(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RunLockHolder>(File.ReadAllBytes(path), MellaJson.Compact);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null; // being written or removed right now, or not ours: it names nobody
        }
    }

    /// <summary>
    /// Removes the holder note, then releases the lock (the kernel would release it anyway when the
    /// process ends). A whole run that never started (e.g. <c>--resume</c> with nothing to resume)
    /// leaves no folder behind: its lock file is unlinked while still held, so a process that
    /// opened it meanwhile is refused rather than locking a file nobody else can see.
    /// </summary>
    public void Dispose()
    {
        File.Delete(_holderPath);
        bool abandoned = _shared.Count == 0 && !_run.HasRun;
        if (abandoned)
        {
            File.Delete(_exclusive.Name);
        }

        _exclusive.Dispose();
        foreach (var shared in _shared)
        {
            shared.Dispose();
        }
        if (abandoned)
        {
            DeleteIfEmpty(_run.LocksDir);
            DeleteIfEmpty(_run.Root);
        }
    }

    private static void DeleteIfEmpty(string folder)
    {
        if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }
}
