using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Orchestration.Tests;

/// <summary>
/// The jobs <c>mella slurm submit</c> hands to sbatch and how they wait for one another, with a recording
/// stand-in for sbatch (the jobs running on a real cluster: Cli.Tests' SlurmTests).
/// </summary>
public class SlurmJobGraphTests
{
    /// <summary>Gives jobs ids 101, 102, … and keeps every argument list.</summary>
    private sealed class RecordingSlurm(int maxArraySize) : ISlurmClient
    {
        public List<IReadOnlyList<string>> Submitted { get; } = [];

        public string Sbatch(IReadOnlyList<string> arguments)
        {
            Submitted.Add(arguments);
            return (101 + Submitted.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public int MaxArraySize() => maxArraySize;
    }

    private static (SlurmSubmission Submission, RecordingSlurm Slurm, RunDirectory Run) Submit(TempDir dir, SlurmPlan plan, int tasks, int maxArraySize = 1001)
    {
        var run = new RunDirectory(dir.File("run"));
        var slurm = new RecordingSlurm(maxArraySize);
        var submitter = new SlurmSubmitter("demo", "/p/demo.yaml", run, tasks, reduceWorkers: 3, new SlurmResources("batch", null, 4, null), slurm);
        return (submitter.Submit(plan), slurm, run);
    }

    private static string? Value(IReadOnlyList<string> arguments, string option) =>
        arguments.SingleOrDefault(a => a.StartsWith(option + "=", StringComparison.Ordinal))?[(option.Length + 1)..];

    [Fact]
    public void A_fresh_run_is_tasks_then_one_cluster_job_then_a_filter_array_of_every_rank_then_the_finish_each_after_the_one_before()
    {
        using var dir = new TempDir();
        var (submission, slurm, run) = Submit(dir, new SlurmPlan([0, 1, 2, 3], Cluster: true, Filters: [0, 1, 2, 3]), tasks: 4);

        Assert.Equal(["tasks", "cluster", "filter", "finish"], submission.Jobs.Select(j => j.Kind));
        Assert.Equal(["101", "102", "103", "104"], submission.Jobs.Select(j => j.JobId));
        var (tasks, cluster, filter, finish) = (slurm.Submitted[0], slurm.Submitted[1], slurm.Submitted[2], slurm.Submitted[3]);
        Assert.Equal(
            ["--partition=batch", "--cpus-per-task=4", "--parsable", "--array=0-3", "--requeue", "--output=/dev/null", "--job-name=mella-demo",
                "--export=ALL,MELLA_RANK_OFFSET=0", Path.Combine(run.Root, "slurm", "task.sh")],
            tasks);
        Assert.Null(Value(tasks, "--dependency"));
        Assert.Equal("afterok:101", Value(cluster, "--dependency"));
        Assert.Equal(Path.Combine(run.Root, "slurm", "cluster.sh"), cluster[^1]);
        Assert.Null(Value(cluster, "--array"));
        Assert.Equal(
            ["--partition=batch", "--cpus-per-task=4", "--parsable", "--array=0-3", "--requeue", "--output=/dev/null", "--job-name=mella-demo-filter",
                "--dependency=afterok:102", "--kill-on-invalid-dep=yes", "--export=ALL,MELLA_RANK_OFFSET=0", Path.Combine(run.Root, "slurm", "filter.sh")],
            filter);
        Assert.Equal("afterok:103", Value(finish, "--dependency"));
        Assert.Contains("--kill-on-invalid-dep=yes", finish);
        Assert.Equal(Path.Combine(run.Root, "logs", "finish.log"), Value(finish, "--output"));

        string filterScript = File.ReadAllText(Path.Combine(run.Root, "slurm", "filter.sh"));
        Assert.Contains("--reduce --phase filter --rank \"$rank\" --workers 1", filterScript, StringComparison.Ordinal);
        Assert.Contains("/filter-$(printf %05d \"$rank\").log", filterScript, StringComparison.Ordinal);
        Assert.Contains("--reduce --phase cluster --workers 3", File.ReadAllText(Path.Combine(run.Root, "slurm", "cluster.sh")), StringComparison.Ordinal);
        Assert.Contains("--reduce --phase finish --workers 3", File.ReadAllText(Path.Combine(run.Root, "slurm", "finish.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public void Past_MaxArraySize_both_arrays_are_blocks_with_offsets_and_the_next_phase_waits_for_every_block()
    {
        using var dir = new TempDir();
        int[] ranks = [.. Enumerable.Range(0, 7)];
        var (submission, slurm, _) = Submit(dir, new SlurmPlan(ranks, Cluster: true, Filters: ranks), tasks: 7, maxArraySize: 4);

        Assert.Equal(["tasks", "tasks", "tasks", "cluster", "filter", "filter", "filter", "finish"], submission.Jobs.Select(j => j.Kind));
        Assert.Equal(["0-2", "0-2", "0"], submission.Jobs.Where(j => j.Kind == "filter").Select(j => j.Array));
        Assert.Equal([0, 3, 6], submission.Jobs.Where(j => j.Kind == "filter").Select(j => j.Offset));
        Assert.Equal("afterok:101:102:103", Value(slurm.Submitted[3], "--dependency"));
        Assert.All(slurm.Submitted.Skip(4).Take(3), filter => Assert.Equal("afterok:104", Value(filter, "--dependency")));
        Assert.Equal("ALL,MELLA_RANK_OFFSET=6", Value(slurm.Submitted[6], "--export"));
        Assert.Equal("afterok:105:106:107", Value(slurm.Submitted[7], "--dependency"));
    }

    [Fact]
    public void A_resubmission_submits_only_what_the_markers_say_is_missing()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.File("run"));
        Directory.CreateDirectory(run.CompletionsDir);
        Directory.CreateDirectory(run.ReduceDir);
        for (int rank = 0; rank < 4; rank++)
        {
            run.MarkComplete(rank);
        }

        var clusterFirst = SlurmPlan.Missing(run, 4);
        Assert.Equal((0, true), (clusterFirst.Tasks.Count, clusterFirst.Cluster));
        Assert.Equal([0, 1, 2, 3], clusterFirst.Filters);
        File.WriteAllText(run.ClustersSummaryPath, "{}");
        File.WriteAllBytes(run.ReduceCompletionPath(0), []);
        File.WriteAllBytes(run.ReduceCompletionPath(2), []);
        Assert.False(SlurmPlan.Missing(run, 4).Cluster);
        Assert.Equal([1, 3], SlurmPlan.Missing(run, 4).Filters);

        // Filters 1 and 3 wait for nothing: the clustering they need is done.
        var (submission, slurm, _) = Submit(dir, SlurmPlan.Missing(run, 4), tasks: 4);
        Assert.Equal(["filter", "finish"], submission.Jobs.Select(j => j.Kind));
        Assert.Equal("1,3", submission.Jobs[0].Array);
        Assert.Null(Value(slurm.Submitted[0], "--dependency"));
        Assert.Equal("afterok:101", Value(slurm.Submitted[1], "--dependency"));

        File.WriteAllBytes(run.ReduceCompletionPath(1), []);
        File.WriteAllBytes(run.ReduceCompletionPath(3), []);
        var (finishOnly, onlySlurm, _) = Submit(dir, SlurmPlan.Missing(run, 4), tasks: 4);
        Assert.Equal(["finish"], finishOnly.Jobs.Select(j => j.Kind));
        Assert.Null(Value(onlySlurm.Submitted[0], "--dependency"));
    }
}
