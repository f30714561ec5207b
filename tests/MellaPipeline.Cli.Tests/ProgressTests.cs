using MellaPipeline.Cli.Progress;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MellaPipeline.Cli.Tests;

public class ProgressTests
{
    private static void Count(StageCounters counters, int ok, int rejected)
    {
        for (int i = 0; i < ok + rejected; i++)
        {
            counters.CountIn();
        }

        for (int i = 0; i < ok; i++)
        {
            counters.CountOk();
        }

        for (int i = 0; i < rejected; i++)
        {
            counters.CountReject(MellaPipeline.Stages.OutcomeKind.Dropped, "text_empty");
        }
    }

    [Fact]
    public void Snapshot_adds_finished_and_running_tasks()
    {
        var progress = new RunProgress(tasksTotal: 4, tasksAlreadyDone: 1);
        var first = new PipelineCounters();
        var second = new PipelineCounters();
        progress.Started(1, first);
        progress.Started(2, second);
        Count(first.For("read"), ok: 10, rejected: 2);
        Count(first.For("write"), ok: 10, rejected: 0);
        Count(second.For("read"), ok: 5, rejected: 0);
        Count(second.For("write"), ok: 3, rejected: 1);
        progress.Finished(1, ranNow: true);

        var snapshot = progress.Snapshot();

        Assert.Equal(new ProgressSnapshot(TasksDone: 2, TasksTotal: 4, RecordsRead: 17, RowsWritten: 13, Rejected: 3), snapshot);
    }

    [Fact]
    public async Task Redirected_output_gets_a_progress_line_every_interval()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        var progress = new RunProgress(tasksTotal: 3, tasksAlreadyDone: 0);
        var counters = new PipelineCounters();
        progress.Started(0, counters);
        Count(counters.For("read"), ok: 1200, rejected: 34);
        Count(counters.For("write"), ok: 1200, rejected: 0);

        await using (new RunProgressDisplay.LogLines(time, TimeSpan.FromSeconds(5)).Start(progress, logger))
        {
            time.Advance(TimeSpan.FromSeconds(4));
            await Task.Delay(50);
            Assert.Equal(0, logger.Collector.Count);

            time.Advance(TimeSpan.FromSeconds(1));
            for (int i = 0; i < 200 && logger.Collector.Count == 0; i++)
            {
                await Task.Delay(10); // the display's loop runs on the thread pool
            }
        }

        var line = Assert.Single(logger.Collector.GetSnapshot()).Message;
        Assert.Equal("progress: 0/3 tasks · 1,234 read · 1,200 rows · 34 rejects · 247/s", line);
    }
}
