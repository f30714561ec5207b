using MellaPipeline.Cli.Progress;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using Spectre.Console;
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
        var progress = new RunProgress(tasksTotal: 3, tasksAlreadyDone: 0, time);
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

    private static RunSummary Summary(long read, long rows, long dropped, long failed) => new()
    {
        Pipeline = "test", Tasks = 2, InputRecords = read, Rows = rows, Dropped = dropped, Failed = failed, Shards = 1, ShardBytes = 1000,
        Reasons = [], Counts = [], Stages = [], FailedFraction = (double)failed / read, FailureBudget = 0.5,
    };

    [Fact]
    public void A_phase_with_a_total_shows_count_percent_rate_and_time_left()
    {
        var time = new FakeTimeProvider();
        var progress = new RunProgress(tasksTotal: 2, tasksAlreadyDone: 0, time);
        var cluster = progress.BeginPhase("cluster", "rows", 120_000);
        cluster.Add(30_000);
        time.Advance(TimeSpan.FromSeconds(10));

        // 3,000 rows/s, 90,000 to go: 30 s.
        Assert.Equal("cluster: 30,000/120,000 rows (25%) · 3,000 rows/s · ETA 0:30", ProgressText.Phase(cluster, progress.Snapshot()));
        Assert.Equal(TimeSpan.FromSeconds(30), ProgressText.Eta(30_000, 120_000, ProgressText.Rate(30_000, TimeSpan.FromSeconds(10))));
        Assert.Null(ProgressText.Eta(0, 120_000, 0));
        Assert.Equal("1:02:05", ProgressText.Clock(TimeSpan.FromSeconds(3725)));
    }

    [Fact]
    public void The_map_phase_counts_the_tasks_records_and_without_a_total_shows_no_eta()
    {
        var time = new FakeTimeProvider();
        var progress = new RunProgress(tasksTotal: 2, tasksAlreadyDone: 0, time);
        var counters = new PipelineCounters();
        progress.Started(0, counters);
        var map = progress.BeginPhase(ProgressText.MapPhase, "records", null, () => progress.Snapshot().RecordsRead);
        Count(counters.For("read"), ok: 90, rejected: 10);
        Count(counters.For("write"), ok: 80, rejected: 10);
        time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal("map: 100 records · 25 records/s · 80 rows · 20 rejects · 0/2 tasks", ProgressText.Phase(map, progress.Snapshot()));
        progress.LearnTotal(map, 400);
        Assert.Equal("map: 100/400 records (25%) · 25 records/s · ETA 0:12 · 80 rows · 20 rejects · 0/2 tasks", ProgressText.Now(progress));
    }

    [Fact]
    public void The_map_phase_shows_the_bytes_downloaded_and_their_rate_only_when_images_were_downloaded()
    {
        var time = new FakeTimeProvider();
        var progress = new RunProgress(tasksTotal: 1, tasksAlreadyDone: 0, time);
        var counters = new PipelineCounters();
        progress.Started(0, counters);
        var map = progress.BeginPhase(ProgressText.MapPhase, "records", 200, () => progress.Snapshot().RecordsRead);
        Count(counters.For("read"), ok: 50, rejected: 0);
        Count(counters.For("write"), ok: 50, rejected: 0);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("map: 50/200 records (25%) · 10 records/s · ETA 0:15 · 50 rows · 0 rejects · 0/1 tasks", ProgressText.Phase(map, progress.Snapshot()));

        counters.CountDownloaded(12_400_000);
        Assert.Equal(12_400_000, progress.Snapshot().BytesDownloaded);
        Assert.Equal("map: 50/200 records (25%) · 10 records/s · ETA 0:15 · 12.4 MB downloaded (2.5 MB/s) · 50 rows · 0 rejects · 0/1 tasks",
            ProgressText.Phase(map, progress.Snapshot()));

        // A finished task's bytes stay in the totals.
        progress.Finished(0, ranNow: true);
        Assert.Equal(12_400_000, progress.Snapshot().BytesDownloaded);
        Assert.Equal(["999 B", "1.0 kB", "12.4 MB", "3.0 GB"], new long[] { 999, 1000, 12_400_000, 3_000_000_000 }.Select(ProgressText.Size).ToArray());
    }

    [Fact]
    public void Phases_follow_one_another_and_the_last_line_is_the_summary_s()
    {
        var time = new FakeTimeProvider();
        var progress = new RunProgress(tasksTotal: 1, tasksAlreadyDone: 0, time);
        var heard = new List<string>();
        progress.PhaseStarted += p => heard.Add(ProgressText.Started(p));
        progress.TotalKnown += p => heard.Add(ProgressText.TotalKnown(p));
        progress.PhaseEnded += p => heard.Add(ProgressText.Ended(p));
        progress.Completed += s => heard.Add(ProgressText.Final(s));

        var map = progress.BeginPhase(ProgressText.MapPhase, "records", null);
        progress.LearnTotal(map, 12);
        map.Add(11);
        time.Advance(TimeSpan.FromSeconds(2));
        var filter = progress.BeginPhase("filter", "tasks", 1);
        Assert.True(map.HasEnded);
        Assert.Same(filter, progress.Current);

        // An ended phase is frozen: its count is its total, a late total changes nothing.
        map.Add(5);
        progress.LearnTotal(map, 99);
        Assert.Equal((11L, 11L), (map.Done, map.Total!.Value));
        filter.Add(1);
        progress.Complete(Summary(read: 88, rows: 51, dropped: 30, failed: 7));

        Assert.Null(progress.Current);
        Assert.Equal(
            [
                "map started: records in all not known", "map: 12 records in all", "map done: 11 records in 0:02 (6 records/s)",
                "filter started: 1 tasks", "filter done: 1 tasks in 0:00", "done: 88 records read · 51 rows · 30 dropped · 7 failed",
            ],
            heard);
        Assert.Equal("done: 88 records read · 51 rows · 30 dropped · 7 failed", ProgressText.Now(progress));
    }

    [Fact]
    public async Task Plain_lines_show_each_phase_starting_and_ending_and_end_on_the_summary()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        var progress = new RunProgress(tasksTotal: 1, tasksAlreadyDone: 0, time);
        await using (new RunProgressDisplay.LogLines(time, TimeSpan.FromSeconds(5)).Start(progress, logger))
        {
            var cluster = progress.BeginPhase("cluster", "rows", 40);
            cluster.Add(40);
            progress.EndPhase(cluster);
            progress.Complete(Summary(read: 50, rows: 40, dropped: 10, failed: 0));
        }

        Assert.Equal(
            ["progress: cluster started: 40 rows", "progress: cluster done: 40 rows in 0:00", "progress: done: 50 records read · 40 rows · 10 dropped · 0 failed"],
            logger.Collector.GetSnapshot().Select(r => r.Message).ToArray());
    }

    [Fact]
    public async Task The_terminal_bar_draws_a_bar_per_phase_and_the_summary_s_figures_last()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Yes, Interactive = InteractionSupport.Yes, ColorSystem = ColorSystemSupport.NoColors,
        });
        var time = new FakeTimeProvider();
        var progress = new RunProgress(tasksTotal: 2, tasksAlreadyDone: 0, time);
        await using (new RunProgressDisplay.Bar(console, TimeSpan.FromMilliseconds(10)).Start(progress, new FakeLogger()))
        {
            var map = progress.BeginPhase(ProgressText.MapPhase, "records", 300);
            map.Add(300);
            var cluster = progress.BeginPhase("cluster", "rows", 250);
            cluster.Add(250);
            var captions = progress.BeginPhase("captions v1", "lines", null);
            captions.Add(16);
            progress.Complete(Summary(read: 316, rows: 260, dropped: 50, failed: 6));
        }

        // The last frame drawn: every phase's bar, full, and the summary's figures under them.
        string drawn = output.ToString();
        string last = drawn[drawn.LastIndexOf("map: ", StringComparison.Ordinal)..];
        string[] rows = ["map: 300/300 records (100%)", "cluster: 250/250 rows (100%)", "captions v1: 16/16 lines (100%)", "done: 316 records read · 260 rows · 50 dropped · 6 failed"];
        var at = rows.Select(row => last.IndexOf(row, StringComparison.Ordinal)).ToArray();
        Assert.True(at.All(i => i >= 0) && at.SequenceEqual(at.Order()), drawn);
        Assert.DoesNotContain("tasks · 0 read", last, StringComparison.Ordinal);
    }

    [Fact]
    public void A_map_with_only_some_inputs_counted_shows_the_lower_bound_and_claims_no_percentage_or_eta()
    {
        var time = new FakeTimeProvider();
        var progress = new RunProgress(tasksTotal: 1, tasksAlreadyDone: 0, time);
        var map = progress.BeginCountedPhase(ProgressText.MapPhase, "records", new ProgressTotal(52, "2 of 3 inputs; a crawl's are not known"));

        Assert.Equal("map started: 52 records in 2 of 3 inputs; a crawl's are not known", ProgressText.Started(map));
        map.Add(40);
        time.Advance(TimeSpan.FromSeconds(4));
        string line = ProgressText.Phase(map, progress.Snapshot());
        Assert.StartsWith("map: 40 records of at least 52 · 10 records/s · ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("%", line, StringComparison.Ordinal);
        Assert.DoesNotContain("ETA", line, StringComparison.Ordinal);
        Assert.Null(ProgressText.Rows(progress)[0].Max);

        // The crawl brings more than the counted part: the bound no longer says anything.
        map.Add(32);
        Assert.StartsWith("map: 72 records · ", ProgressText.Phase(map, progress.Snapshot()), StringComparison.Ordinal);
        progress.EndPhase(map);
        Assert.Equal(72, map.Total);
        Assert.Equal("map done: 72 records in 0:04 (18 records/s)", ProgressText.Ended(map));
    }

    [Fact]
    public void A_phase_the_run_stopped_in_keeps_its_total_says_stopped_and_ends_what_counted_beside_it()
    {
        var progress = new RunProgress(tasksTotal: 1, tasksAlreadyDone: 0, new FakeTimeProvider());
        var map = progress.BeginPhase(ProgressText.MapPhase, "records", 100);
        map.Add(40);
        Assert.False(map.Ending.IsCancellationRequested);

        progress.EndPhase(map, completed: false);

        Assert.True(map.Ending.IsCancellationRequested);
        Assert.Equal((40L, 100L, false), (map.Done, map.Total!.Value, map.Completed));
        Assert.Equal("map stopped: 40 records in 0:00", ProgressText.Ended(map));
        var row = ProgressText.Rows(progress)[0];
        Assert.Equal((40d, 100d, true), (row.BarValue, row.BarMax, row.Ended));
        Assert.Contains("40/100 records (40%)", row.Text, StringComparison.Ordinal);
    }
}
