using System.Diagnostics;
using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// A real one-node Slurm cluster on this machine: the one <c>SLURM_CONF</c> names (what
/// <c>.ci/run</c> starts with <c>scripts/slurm-up</c>), else one this fixture starts and stops.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    private readonly string? _startedState;

    public SlurmCluster()
    {
        string? conf = Environment.GetEnvironmentVariable("SLURM_CONF");
        if (conf is null || !File.Exists(conf) || Command("sinfo", ["-h"], conf).Code != 0)
        {
            _startedState = Path.Combine(Path.GetTempPath(), "mella-test-slurm");
            var up = Command(Path.Combine(RepoPaths.Root, "scripts", "slurm-up"), [_startedState], null);
            if (up.Code != 0)
            {
                throw new InvalidOperationException("scripts/slurm-up failed: " + up.Output);
            }

            conf = Path.Combine(_startedState, "slurm.conf");
        }

        Conf = conf;
    }

    public string Conf { get; }

    /// <summary>What a mella process needs to reach this cluster (given per process: the test process's own environment is left alone).</summary>
    public IReadOnlyDictionary<string, string> SlurmEnvironment => new Dictionary<string, string> { ["SLURM_CONF"] = Conf };

    /// <summary>Waits until none of the jobs is queued or running any more (bounded).</summary>
    public void WaitForJobs(IEnumerable<string> jobIds, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        string ids = string.Join(',', jobIds);
        while (clock.Elapsed < limit)
        {
            var queue = Command("squeue", ["-h", "-j", ids, "-o", "%i %T"], Conf);
            if (queue.Code == 0 && queue.Output.Trim().Length == 0)
            {
                return;
            }

            Thread.Sleep(1000);
        }

        throw new TimeoutException($"Slurm jobs {ids} still queued after {limit}: {Command("squeue", [], Conf).Output}");
    }

    public static (int Code, string Output) Command(string program, string[] arguments, string? conf)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        if (conf is not null)
        {
            info.Environment["SLURM_CONF"] = conf;
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            string error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "timed out");
            }

            return (process.ExitCode, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, e.Message);
        }
    }

    public void Dispose()
    {
        if (_startedState is not null)
        {
            Command(Path.Combine(RepoPaths.Root, "scripts", "slurm-down"), [_startedState], null);
        }
    }
}

[Trait("Category", "Slurm")]
public class SlurmTests(SlurmCluster cluster) : IClassFixture<SlurmCluster>
{
    private static List<string> JobIds(string runDir) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(runDir, "slurm", "jobs.json"))).RootElement.GetProperty("jobs")
            .EnumerateArray().Select(j => j.GetProperty("job_id").GetString()!).ToList();

    [Fact]
    public async Task A_four_task_array_and_its_reduce_job_write_the_dataset_one_process_writes()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 80, distinctImages: 24);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 1, shardMaxRows: 15);
        string slurmRun = dir.File("slurm-run"), single = dir.File("single");

        var submitted = await MellaProcess.RunAsync(["slurm", "submit", pipeline, "--tasks", "4", "--out", slurmRun], cluster.SlurmEnvironment);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Contains("--array=0-3", submitted.Stdout, StringComparison.Ordinal);
        cluster.WaitForJobs(JobIds(slurmRun), TimeSpan.FromMinutes(4));
        var local = await MellaProcess.RunAsync(["run", pipeline, "--out", single, "--tasks", "4"]);

        var status = await MellaProcess.RunAsync(["status", slurmRun]);
        Assert.True(status.ExitCode == 0, status + "\n" + string.Join("\n", Directory.GetFiles(Path.Combine(slurmRun, "logs")).Select(File.ReadAllText)));
        Assert.Equal(0, local.ExitCode);
        Assert.Equal(RunSnapshot.Dataset(single), RunSnapshot.Dataset(slurmRun));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(slurmRun, "logs"), "rank-*.log").Length);

        // The filter phase ran as its own array, one job per rank, between the clustering and the finish.
        var jobs = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(slurmRun, "slurm", "jobs.json"))).RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(["tasks", "cluster", "filter", "finish"], jobs.Select(j => j.GetProperty("kind").GetString()));
        Assert.Equal("0-3", jobs[2].GetProperty("array").GetString());
        Assert.Contains("filter: ", submitted.Stdout, StringComparison.Ordinal);
        var filterLogs = Directory.GetFiles(Path.Combine(slurmRun, "logs"), "filter-*.log").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["filter-00000.log", "filter-00001.log", "filter-00002.log", "filter-00003.log"], filterLogs.Select(Path.GetFileName));
        Assert.All(filterLogs.Select((log, rank) => (File.ReadAllText(log), rank)), l =>
            Assert.Contains($"filter of rank {l.rank} of 4 on ", l.Item1, StringComparison.Ordinal));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(slurmRun, "completions"), "reduce-*").Length);
        Assert.True(File.Exists(Path.Combine(slurmRun, "logs", "cluster.log")));
        Assert.True(File.Exists(Path.Combine(slurmRun, "logs", "finish.log")));
    }

    [Fact]
    public async Task A_killed_array_task_is_listed_by_status_and_resubmitting_only_it_finishes_the_run()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 80, distinctImages: 24);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 1, shardMaxRows: 15);
        string slurmRun = dir.File("slurm-run"), single = dir.File("single");
        var crashRankOne = new Dictionary<string, string>(cluster.SlurmEnvironment) { ["MELLA_CRASH_AT_RANK"] = "1=shard.renamed" };

        var first = await MellaProcess.RunAsync(["slurm", "submit", pipeline, "--tasks", "4", "--out", slurmRun], crashRankOne);
        Assert.True(first.ExitCode == 0, first.ToString());
        cluster.WaitForJobs(JobIds(slurmRun), TimeSpan.FromMinutes(4)); // the reduce job is cancelled: its dependency failed

        var broken = await MellaProcess.RunAsync(["status", slurmRun, "--json"]);
        Assert.Equal(1, broken.ExitCode);
        var status = JsonDocument.Parse(broken.Stdout).RootElement;
        Assert.Equal("1", status.GetProperty("resubmit").GetString());
        Assert.False(status.GetProperty("reduced").GetBoolean());
        Assert.Contains(status.GetProperty("logs").EnumerateArray(), l => l.GetString()!.EndsWith("rank-00001.log", StringComparison.Ordinal));

        var resumed = await MellaProcess.RunAsync(["slurm", "submit", pipeline, "--tasks", "4", "--out", slurmRun, "--resume"], cluster.SlurmEnvironment);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("--array=1", resumed.Stdout, StringComparison.Ordinal);
        cluster.WaitForJobs(JobIds(slurmRun), TimeSpan.FromMinutes(4));
        var local = await MellaProcess.RunAsync(["run", pipeline, "--out", single, "--tasks", "4"]);

        var done = await MellaProcess.RunAsync(["status", slurmRun]);
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Equal(0, local.ExitCode);
        Assert.Equal(RunSnapshot.Dataset(single), RunSnapshot.Dataset(slurmRun)); // nothing lost, nothing twice
    }
}
