using System.Diagnostics;
using System.Runtime.InteropServices;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>One input and the dataset an uninterrupted run makes of it, shared by the resume tests.</summary>
public sealed class ResumeFixture : IDisposable
{
    public ResumeFixture()
    {
        string pairs = PairsInput.Write(Dir.Path, 240, distinctImages: 160); // 80 images twice: near-duplicate drops too
        File.AppendAllText(pairs, "{not json\n{\"text\": \"Hrad\", \"lang\": \"cs\", \"image_path\": \"images/missing.png\"}\n");
        Pipeline = PairsInput.WritePipeline(Dir.Path, pairs, tasks: 3, shardMaxRows: 25, extra: "failure_budget: 0.5");
        string baseline = Dir.File("baseline");
        var result = MellaProcess.RunAsync(["run", Pipeline, "--out", baseline]).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("baseline run failed: " + result);
        }

        Baseline = RunSnapshot.Dataset(baseline);
        BaselineDir = baseline;
    }

    public TempDir Dir { get; } = new();
    public string Pipeline { get; }
    public string BaselineDir { get; }
    public SortedDictionary<string, string> Baseline { get; }

    public void Dispose() => Dir.Dispose();
}

public class ResumeTests(ResumeFixture fixture) : IClassFixture<ResumeFixture>
{
    private const int SigKillExitCode = 128 + 9;

    private async Task AssertResumesToTheBaseline(string runDir)
    {
        var resumed = await MellaProcess.RunAsync(["run", fixture.Pipeline, "--out", runDir]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(fixture.Baseline, RunSnapshot.Dataset(runDir));
        Assert.Empty(Directory.EnumerateFiles(runDir, "*.tmp", SearchOption.AllDirectories));
        string shards = DuckDb.Shards(runDir);
        Assert.Equal(
            Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Shards(fixture.BaselineDir)}")),
            Convert.ToInt64(DuckDb.Scalar($"SELECT count(DISTINCT key) FROM {shards}")));
        Assert.Equal(
            Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {shards}")),
            Convert.ToInt64(DuckDb.Scalar($"SELECT count(DISTINCT key) FROM {shards}")));
    }

    [Fact]
    public void The_baseline_has_several_shards_per_task_and_rejects()
    {
        Assert.True(fixture.Baseline.Keys.Count(k => k.StartsWith("shards/part-00001-", StringComparison.Ordinal)) >= 3);
        Assert.Contains("rejects/00002.jsonl", fixture.Baseline.Keys);
        Assert.Contains(fixture.Baseline.Keys, k => k.EndsWith(".dedup_near.jsonl", StringComparison.Ordinal)); // the reduce's output is covered too
    }

    [Theory]
    [InlineData(CrashPoints.TaskStarted + ":2")]
    [InlineData(CrashPoints.ShardTempWritten + ":3")]
    [InlineData(CrashPoints.ShardRenamed + ":2")]
    [InlineData(CrashPoints.ShardRenamed + ":9")]
    [InlineData(CrashPoints.TaskRejectsWritten + ":1")]
    [InlineData(CrashPoints.TaskStatsWritten + ":2")]
    [InlineData(CrashPoints.TaskCompleted + ":1")]
    [InlineData(CrashPoints.TaskCompleted + ":3")]
    [InlineData(CrashPoints.ManifestWritten)]
    public async Task Killed_at_a_crash_point_and_resumed_gives_the_uninterrupted_dataset(string crashAt)
    {
        using var dir = new TempDir();
        string runDir = dir.File("run");

        var killed = await MellaProcess.RunAsync(["run", fixture.Pipeline, "--out", runDir], new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = crashAt });

        Assert.True(killed.ExitCode == SigKillExitCode, killed.ToString());
        Assert.False(File.Exists(Path.Combine(runDir, "summary.json")));
        await AssertResumesToTheBaseline(runDir);
    }

    [Fact]
    public async Task Killed_twice_in_different_places_and_resumed_gives_the_uninterrupted_dataset()
    {
        using var dir = new TempDir();
        string runDir = dir.File("run");
        string[] args = ["run", fixture.Pipeline, "--out", runDir];

        var first = await MellaProcess.RunAsync(args, new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = CrashPoints.ShardRenamed + ":5" });
        var second = await MellaProcess.RunAsync(args, new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = CrashPoints.ShardTempWritten + ":2" });

        Assert.Equal((SigKillExitCode, SigKillExitCode), (first.ExitCode, second.ExitCode));
        await AssertResumesToTheBaseline(runDir);
    }

    [Theory]
    [InlineData(150)]
    [InlineData(400)]
    [InlineData(700)]
    [InlineData(1000)]
    public async Task Killed_from_outside_at_any_moment_and_resumed_gives_the_uninterrupted_dataset(int afterMilliseconds)
    {
        using var dir = new TempDir();
        string runDir = dir.File("run");

        using (var process = MellaProcess.Start(["run", fixture.Pipeline, "--out", runDir, "--workers", "2"]))
        {
            await Task.Delay(afterMilliseconds);
            process.Kill();
            await MellaProcess.WaitAsync(process);
        }

        await AssertResumesToTheBaseline(runDir);
    }

    [Theory]
    [InlineData(SigInt)]
    [InlineData(SigTerm)]
    public async Task Ctrl_C_or_SIGTERM_keeps_completed_tasks_marks_no_unfinished_one_and_exits_130(int signal)
    {
        using var dir = new TempDir();
        // Enough work that the run is still going well after its first task completes, even on a busy machine.
        string pairs = PairsInput.Write(dir.Path, 6000, distinctImages: 6);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 40, shardMaxRows: 50, name: "interrupt");
        string runDir = dir.File("run");
        string completions = Path.Combine(runDir, "completions");

        MellaResult interrupted;
        using (var process = MellaProcess.Start(["run", pipeline, "--out", runDir]))
        {
            var watch = Stopwatch.StartNew();
            while (!(Directory.Exists(completions) && Directory.EnumerateFiles(completions).Any()) && !process.HasExited && watch.Elapsed < MellaProcess.HangLimit)
            {
                await Task.Delay(10);
            }

            Assert.Equal(0, SendSignal(process.Id, signal));
            interrupted = await MellaProcess.WaitAsync(process);
        }

        Assert.True(interrupted.ExitCode == 130, interrupted.ToString());
        Assert.Contains("interrupted", interrupted.Stderr);
        int done = Directory.EnumerateFiles(completions).Count();
        Assert.InRange(done, 1, 39);
        Assert.Equal(done, Directory.EnumerateFiles(Path.Combine(runDir, "stats")).Count());
        Assert.False(File.Exists(Path.Combine(runDir, "summary.json")));

        var resumed = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"{done} of 40 tasks already complete", resumed.Stderr);

        var uninterrupted = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("straight")]);
        Assert.Equal(0, uninterrupted.ExitCode);
        Assert.Equal(RunSnapshot.Dataset(dir.File("straight")), RunSnapshot.Dataset(runDir));
    }

    private const int SigInt = 2;
    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
