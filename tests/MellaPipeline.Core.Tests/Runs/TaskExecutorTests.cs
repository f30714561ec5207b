using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Runs;

public class TaskExecutorTests
{
    private static readonly LanguageSourceCounts OneRussianRow = CountsOf(("ru", "native", 1));

    private static LanguageSourceCounts CountsOf(params (string Lang, string Source, long N)[] counts)
    {
        var result = new LanguageSourceCounts();
        foreach (var (lang, source, n) in counts)
        {
            result.Add(lang, source, n);
        }

        return result;
    }

    private static Task<TaskOutput> WriteOneShard(TaskContext task)
    {
        string name = RunDirectory.ShardFileName(task.Slice.Rank, 0);
        File.WriteAllText(Path.Combine(task.Run.ShardsDir, name), "shard");
        task.Counters.For("read").CountForTest(3);
        task.Rejects.Write(new RejectRecord("k", "in@0", "read", "failed", "input_malformed", "bad line"));
        return Task.FromResult(new TaskOutput([new ShardInfo(name, 1, 5, "00", OneRussianRow)]));
    }

    [Fact]
    public async Task A_completed_task_writes_rejects_stats_and_its_marker()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        run.Create();

        var result = await new TaskExecutor(run).RunAsync(new TaskSlice(1, 3), new PipelineCounters(), (t, _) => WriteOneShard(t), CancellationToken.None);

        Assert.Equal(TaskResult.Completed, result);
        Assert.True(run.IsComplete(1));
        Assert.False(run.IsComplete(0));
        var reject = JsonSerializer.Deserialize<RejectRecord>(File.ReadAllLines(run.RejectsPath(1)).Single(), MellaJson.Compact)!;
        Assert.Equal("input_malformed", reject.Reason);
        var stats = run.ReadStats(1);
        Assert.Equal((1, 3, 1L), (stats.Rank, stats.WorldSize, stats.Rows));
        Assert.Equal(1, stats.Counts["ru"]["native"]);
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_completed_task_is_skipped_without_running_its_body()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        run.Create();
        run.MarkComplete(0);
        bool ran = false;

        var result = await new TaskExecutor(run).RunAsync(new TaskSlice(0, 1), new PipelineCounters(), (t, _) =>
        {
            ran = true;
            return WriteOneShard(t);
        }, CancellationToken.None);

        Assert.Equal(TaskResult.AlreadyComplete, result);
        Assert.False(ran);
    }

    [Fact]
    public async Task A_failed_attempt_leaves_no_marker_no_stats_and_no_rejects_and_the_retry_starts_clean()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        run.Create();
        var executor = new TaskExecutor(run);

        await Assert.ThrowsAsync<IOException>(() => executor.RunAsync(new TaskSlice(0, 2), new PipelineCounters(), async (t, _) =>
        {
            await WriteOneShard(t);
            File.WriteAllText(Path.Combine(t.Run.ShardsDir, RunDirectory.ShardFileName(0, 1) + ".tmp"), "partial");
            throw new IOException("disk full");
        }, CancellationToken.None));

        Assert.False(run.IsComplete(0));
        Assert.False(File.Exists(run.StatsPath(0)));
        Assert.False(File.Exists(run.RejectsPath(0)));
        Assert.False(File.Exists(run.RejectsPath(0) + ".tmp"));

        // An unrelated task's shard must survive the retry's clean-up.
        File.WriteAllText(Path.Combine(run.ShardsDir, RunDirectory.ShardFileName(1, 0)), "other task");
        await executor.RunAsync(new TaskSlice(0, 2), new PipelineCounters(), (t, _) => WriteOneShard(t), CancellationToken.None);

        Assert.Equal(
            new[] { RunDirectory.ShardFileName(0, 0), RunDirectory.ShardFileName(1, 0) },
            Directory.EnumerateFiles(run.ShardsDir).Select(f => Path.GetFileName(f)!).Order().ToArray());
        Assert.Single(File.ReadAllLines(run.RejectsPath(0)));
    }

    [Fact]
    public void Summary_adds_up_the_tasks()
    {
        TaskStats Task(int rank, long input, long rows, long dropped, long failed, LanguageSourceCounts counts) => new()
        {
            Rank = rank,
            WorldSize = 2,
            Seconds = 1,
            InputRecords = input,
            Rows = rows,
            Dropped = dropped,
            Failed = failed,
            Reasons = new SortedDictionary<string, long> { ["text_empty"] = dropped, ["image_missing"] = failed },
            Counts = counts,
            Stages = [new StageStats("read", input, input - failed, 0, failed, 0.5, new SortedDictionary<string, long> { ["image_missing"] = failed })],
            Shards = [new ShardInfo($"part-{rank}.parquet", rows, 100, "ab", counts)],
        };

        var summary = RunSummary.Aggregate("p", [
            Task(0, 10, 7, 2, 1, CountsOf(("ru", "native", 5), ("ru", "mllm", 2))),
            Task(1, 20, 12, 4, 4, CountsOf(("th", "native", 12))),
        ], failureBudget: 0.1);

        Assert.Equal((30L, 19L, 6L, 5L, 2L, 200L), (summary.InputRecords, summary.Rows, summary.Dropped, summary.Failed, summary.Shards, summary.ShardBytes));
        Assert.Equal(6, summary.Reasons["text_empty"]);
        Assert.Equal(7, summary.Counts["ru"].Values.Sum());
        Assert.Equal(30, summary.Stages.Single().In);
        Assert.Equal(5.0 / 30, summary.FailedFraction, 5);
        Assert.False(summary.WithinFailureBudget);
    }
}

internal static class CounterTestExtensions
{
    public static void CountForTest(this StageCounters counters, int n)
    {
        for (int i = 0; i < n; i++)
        {
            counters.CountIn();
            counters.CountOk();
        }
    }
}
