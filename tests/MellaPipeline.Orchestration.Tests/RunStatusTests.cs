using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Orchestration.Tests;

/// <summary>What <c>mella status</c> reads of a run directory, in-process, on run folders made by hand.</summary>
public class RunStatusTests
{
    [Fact]
    public void Complete_and_missing_ranks_their_logs_and_the_resubmit_expression_are_found()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        Directory.CreateDirectory(run.CompletionsDir);
        Directory.CreateDirectory(Path.Combine(dir.Path, "logs"));
        File.WriteAllText(run.ConfigPath, "{\"name\": \"demo\", \"tasks\": 5}");
        run.MarkComplete(0);
        run.MarkComplete(3);
        File.WriteAllText(Path.Combine(dir.Path, "logs", "rank-00001.log"), "");
        File.WriteAllText(Path.Combine(dir.Path, "logs", "rank-00003.log"), "");

        var status = RunStatus.Read(run, out string? problem);

        Assert.Null(problem);
        Assert.Equal(("demo", 5, false), (status!.Pipeline, status.Tasks, status.Reduced));
        Assert.Equal(new[] { 0, 3 }, status.Complete);
        Assert.Equal(new[] { 1, 2, 4 }, status.Missing);
        Assert.Equal("1-2,4", status.Resubmit);
        Assert.Equal(new[] { Path.Combine(dir.Path, "logs", "rank-00001.log") }, status.Logs);
        Assert.False(status.Finished);
        var text = new StringWriter();
        status.WriteText(text, run.Root);
        Assert.Contains("missing:  3 (1-2,4)", text.ToString());
        Assert.Contains($"resubmit: --array=1-2,4   (or, without Slurm: mella run PIPELINE --out {run.Root} --rank R for each)", text.ToString());
    }

    [Fact]
    public void A_run_whose_tasks_are_done_but_not_reduced_says_to_reduce_next()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        Directory.CreateDirectory(run.CompletionsDir);
        File.WriteAllText(run.ConfigPath, "{\"name\": \"demo\", \"tasks\": 1}");
        run.MarkComplete(0);

        var status = RunStatus.Read(run, out _)!;
        var text = new StringWriter();
        status.WriteText(text, run.Root);

        Assert.Empty(status.Missing);
        Assert.Equal("", status.Resubmit);
        Assert.EndsWith($"next:     mella run PIPELINE --out {run.Root} --reduce{Environment.NewLine}", text.ToString());
        File.WriteAllText(run.SummaryPath, "{}");
        Assert.True(RunStatus.Read(run, out _)!.Finished);
    }

    [Fact]
    public void A_reduce_stopped_between_phases_says_which_phases_are_done()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        Directory.CreateDirectory(run.CompletionsDir);
        Directory.CreateDirectory(run.ReduceDir);
        File.WriteAllText(run.ConfigPath, "{\"name\": \"demo\", \"tasks\": 3}");
        var text = new StringWriter();
        foreach (int rank in new[] { 0, 1, 2 })
        {
            run.MarkComplete(rank);
        }

        RunStatus.Read(run, out _)!.WriteText(text, run.Root);
        Assert.Contains($"reduce:   not run{Environment.NewLine}", text.ToString());

        File.WriteAllText(run.ClustersSummaryPath, "{}");
        File.WriteAllBytes(run.ReduceCompletionPath(0), []);
        File.WriteAllBytes(run.ReduceCompletionPath(2), []);
        File.WriteAllBytes(run.CaptionCompletionPath("vlm"), []);
        File.WriteAllBytes(run.CaptionCompletionPath("ocr") + ".tmp", []);
        var status = RunStatus.Read(run, out _)!;
        text = new StringWriter();
        status.WriteText(text, run.Root);

        Assert.Equal((true, 2), (status.Phases!.Clustered, status.Phases.FilteredTasks));
        Assert.Equal(["vlm"], status.Phases!.CaptionLayers);
        Assert.Contains("reduce:   not run (cluster done; filter 2 of 3 tasks; caption layers built: vlm; summary not written)", text.ToString());
        Assert.False(status.Finished);
    }

    [Theory]
    [InlineData("{\"name\": \"demo\", \"tasks\": 0}", "\"tasks\" is 0, not 1 to 100000")]
    [InlineData("{\"name\": \"demo\", \"tasks\": 100001}", "\"tasks\" is 100001, not 1 to 100000")]
    [InlineData("{\"name\": \"demo\"}", "not a run's config (expected a whole number \"tasks\" and a text \"name\")")]
    [InlineData("{\"name\": 3, \"tasks\": 1}", "not a run's config (expected a whole number \"tasks\" and a text \"name\")")]
    [InlineData("{\n\"name\": ", "not valid JSON (line 2)")]
    public void A_config_that_is_not_a_runs_is_described_in_our_words(string config, string expected)
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        File.WriteAllText(run.ConfigPath, config);

        Assert.Null(RunStatus.Read(run, out string? problem));
        Assert.Equal(expected, problem);
    }
}
