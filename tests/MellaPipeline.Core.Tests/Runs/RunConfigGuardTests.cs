using System.Text;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Runs;

public class RunConfigGuardTests
{
    private static byte[] Config(int tasks, int workers = 2, int maxRows = 100) =>
        Encoding.UTF8.GetBytes($$$"""{"name": "x", "tasks": {{{tasks}}}, "workers": {{{workers}}}, "output": {"shard_max_rows": {{{maxRows}}}}}""");

    [Fact]
    public void A_fresh_folder_gets_the_config_and_a_matching_rerun_continues()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.File("run"));

        Assert.False(RunConfigGuard.Prepare(run, Config(4), requireExistingRun: false));
        Assert.True(File.Exists(run.ConfigPath));
        Assert.True(RunConfigGuard.Prepare(run, Config(4), requireExistingRun: true));
        Assert.True(RunConfigGuard.Prepare(run, Config(4, workers: 7), requireExistingRun: false));
    }

    [Fact]
    public void Ranks_that_start_in_the_same_fresh_folder_at_once_all_join_one_run()
    {
        // Every rank of a spread run saves the config; a shared temporary name made all but one fail.
        using var dir = new TempDir();
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var run = new RunDirectory(dir.File($"run{attempt}"));
            using var start = new Barrier(8);
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var ranks = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                try { RunConfigGuard.Prepare(run, Config(4), requireExistingRun: false); }
                catch (Exception e) { failures.Add(e); }
            })).ToList();
            ranks.ForEach(rank => rank.Start());
            ranks.ForEach(rank => rank.Join());

            Assert.Empty(failures);
            Assert.Equal(Config(4), File.ReadAllBytes(run.ConfigPath));
            Assert.DoesNotContain(Directory.EnumerateFiles(run.Root), file => file.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_different_config_is_refused_naming_the_setting()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        RunConfigGuard.Prepare(run, Config(4), requireExistingRun: false);

        var error = Assert.Throws<RunDirectoryException>(() => RunConfigGuard.Prepare(run, Config(4, maxRows: 5), false));

        Assert.Contains("'output.shard_max_rows' differs", error.Message);
        Assert.Contains(run.ConfigPath, error.Message);
    }

    [Fact]
    public void A_folder_of_other_files_and_a_resume_of_nothing_are_refused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("precious.txt"), "not a run");

        Assert.Contains("not empty", Assert.Throws<RunDirectoryException>(() =>
            RunConfigGuard.Prepare(new RunDirectory(dir.Path), Config(1), false)).Message);
        Assert.Contains("nothing to resume", Assert.Throws<RunDirectoryException>(() =>
            RunConfigGuard.Prepare(new RunDirectory(dir.File("new")), Config(1), requireExistingRun: true)).Message);
        Assert.False(Directory.Exists(dir.File("new")));
    }

    [Fact]
    public void A_resume_of_a_run_killed_before_it_saved_its_config_starts_it_and_an_empty_folder_is_still_refused()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.File("run"));
        Directory.CreateDirectory(run.LocksDir); // what a SIGKILL between taking the lock and saving the config leaves
        File.WriteAllText(Path.Combine(run.LocksDir, "run"), "");
        File.WriteAllText(AtomicFile.UniqueTempPathFor(run.ConfigPath), "{\"na");

        Assert.False(RunConfigGuard.Prepare(run, Config(4), requireExistingRun: true, earlierProcessLocked: true));
        Assert.Equal(Config(4), File.ReadAllBytes(run.ConfigPath));
        Assert.True(Directory.Exists(run.ShardsDir));

        var empty = new RunDirectory(dir.File("empty"));
        Directory.CreateDirectory(empty.LocksDir); // this process's own lock: no run was started here before
        Assert.Contains("nothing to resume", Assert.Throws<RunDirectoryException>(() =>
            RunConfigGuard.Prepare(empty, Config(4), requireExistingRun: true)).Message);
    }

    [Fact]
    public void A_run_killed_while_writing_its_config_starts_again_in_the_same_folder()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.File("run"));
        Directory.CreateDirectory(run.Root);
        File.WriteAllText(AtomicFile.UniqueTempPathFor(run.ConfigPath), "{\"na"); // what a kill halfway through the write leaves

        Assert.False(RunConfigGuard.Prepare(run, Config(4), requireExistingRun: false));
        Assert.Equal(Config(4), File.ReadAllBytes(run.ConfigPath));
        Assert.True(Directory.Exists(run.ShardsDir));
    }

    [Fact]
    public void Caption_layers_may_change_and_the_saved_config_follows()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.File("run"));
        byte[] WithLayer(string model) => Encoding.UTF8.GetBytes($$$"""{"name": "x", "tasks": 4, "captions": [{"name": "l", "model": "{{{model}}}"}]}""");
        RunConfigGuard.Prepare(run, WithLayer("a"), requireExistingRun: false);

        Assert.True(RunConfigGuard.Prepare(run, WithLayer("b"), requireExistingRun: false));
        Assert.Equal(WithLayer("b"), File.ReadAllBytes(run.ConfigPath));
    }
}
