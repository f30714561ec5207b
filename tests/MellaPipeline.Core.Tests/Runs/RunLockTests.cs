using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Runs;

/// <summary>
/// The locks of a run directory within one process: flock(2) locks belong to open files, so two
/// opens conflict here as they do between processes (the processes themselves: Cli.Tests' RunLockTests).
/// </summary>
public class RunLockTests
{
    [Fact]
    public void A_whole_run_excludes_every_other_holder_until_it_is_released()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.File("run"));

        using (RunLock.WholeRun(run))
        {
            string message = Assert.Throws<RunDirectoryException>(() => RunLock.WholeRun(run)).Message;
            Assert.StartsWith($"{run.Root} is in use by pid {Environment.ProcessId} (mella run, started ", message, StringComparison.Ordinal);
            Assert.Contains("in use by pid", Assert.Throws<RunDirectoryException>(() => RunLock.Rank(run, 0)).Message, StringComparison.Ordinal);
            Assert.Contains("in use by pid", Assert.Throws<RunDirectoryException>(() => RunLock.Reduce(run)).Message, StringComparison.Ordinal);
            Assert.Equal(["run"], RunLock.LiveHolders(run).Keys);
        }

        Assert.Empty(RunLock.LiveHolders(run));
        using var again = RunLock.WholeRun(run);
    }

    [Fact]
    public void Ranks_and_the_reduce_hold_side_by_side_but_each_only_once_and_never_beside_a_whole_run()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.File("run"));
        Directory.CreateDirectory(run.Root);
        File.WriteAllText(run.ConfigPath, "{}");

        using var rank0 = RunLock.Rank(run, 0);
        using var rank1 = RunLock.Rank(run, 1);
        using var reduce = RunLock.Reduce(run);

        Assert.Contains("(mella run --rank 1,", Assert.Throws<RunDirectoryException>(() => RunLock.Rank(run, 1)).Message, StringComparison.Ordinal);
        Assert.Contains("(mella run --reduce,", Assert.Throws<RunDirectoryException>(() => RunLock.Reduce(run)).Message, StringComparison.Ordinal);
        string whole = Assert.Throws<RunDirectoryException>(() => RunLock.WholeRun(run)).Message;
        Assert.Contains("--rank 0", whole, StringComparison.Ordinal);
        Assert.Contains("--rank 1", whole, StringComparison.Ordinal);
        Assert.Equal(["rank-00000", "rank-00001", "reduce"], RunLock.LiveHolders(run).Keys);
    }

    [Fact]
    public void Filters_of_different_ranks_hold_side_by_side_but_never_one_rank_twice_nor_beside_a_reduce()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.File("run"));
        Directory.CreateDirectory(run.Root);
        File.WriteAllText(run.ConfigPath, "{}");

        using (var filter0 = RunLock.Filter(run, 0))
        using (var filter1 = RunLock.Filter(run, 1))
        {
            Assert.Contains("(mella run --reduce --phase filter --rank 1,", Assert.Throws<RunDirectoryException>(() => RunLock.Filter(run, 1)).Message, StringComparison.Ordinal);
            Assert.Contains("in use by", Assert.Throws<RunDirectoryException>(() => RunLock.Reduce(run)).Message, StringComparison.Ordinal);
            Assert.Contains("in use by", Assert.Throws<RunDirectoryException>(() => RunLock.WholeRun(run)).Message, StringComparison.Ordinal);
            Assert.Equal(["filter-00000", "filter-00001"], RunLock.LiveHolders(run).Keys);
        }

        using (RunLock.Reduce(run))
        {
            Assert.Contains("(mella run --reduce,", Assert.Throws<RunDirectoryException>(() => RunLock.Filter(run, 0)).Message, StringComparison.Ordinal);
        }

        using var afterwards = RunLock.Filter(run, 0);
    }

    [Fact]
    public void A_whole_run_that_never_started_leaves_no_folder_and_a_holder_note_of_a_dead_process_names_nobody()
    {
        using var dir = new TempDir();
        var fresh = new RunDirectory(dir.File("fresh"));
        RunLock.WholeRun(fresh).Dispose();
        Assert.False(Directory.Exists(fresh.Root));

        var run = new RunDirectory(dir.File("run"));
        Directory.CreateDirectory(run.LocksDir);
        File.WriteAllText(Path.Combine(run.LocksDir, "rank-00002.holder"),
            $$"""{"pid":{{Environment.ProcessId}},"started":"2001-01-01T00:00:00+00:00","role":"mella run --rank 2"}""");
        Assert.Empty(RunLock.LiveHolders(run));
        using var rank2 = RunLock.Rank(run, 2);
    }
}
