using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// The same run spread over processes: each runs its own rank (<c>mella run --rank R</c>), then one
/// runs the reduce (<c>--reduce</c>); <c>mella status</c> says what is missing and how to resubmit it.
/// </summary>
public class RankProtocolTests
{
    [Fact]
    public async Task Three_rank_processes_and_a_reduce_write_the_same_dataset_as_one_process()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 90, distinctImages: 30);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 1, shardMaxRows: 20);
        string single = dir.File("single"), spread = dir.File("spread");

        var whole = await MellaProcess.RunAsync(["run", pipeline, "--out", single, "--tasks", "3"]);
        var ranks = await Task.WhenAll(Enumerable.Range(0, 3).Select(r => MellaProcess.RunAsync(["run", pipeline, "--out", spread, "--tasks", "3", "--rank", r.ToString(System.Globalization.CultureInfo.InvariantCulture)])));
        bool summaryBeforeReduce = File.Exists(Path.Combine(spread, "summary.json"));
        var reduce = await MellaProcess.RunAsync(["run", pipeline, "--out", spread, "--tasks", "3", "--reduce"]);

        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.All(ranks, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.False(summaryBeforeReduce);
        Assert.True(reduce.ExitCode == 0, reduce.ToString());
        Assert.Equal(RunSnapshot.Dataset(single), RunSnapshot.Dataset(spread));
        Assert.True(RunSnapshot.Dataset(single).Keys.Count(k => k.EndsWith(".parquet", StringComparison.Ordinal)) >= 3);

        // A finished run keeps its world size: another --tasks is refused.
        var other = await MellaProcess.RunAsync(["run", pipeline, "--out", spread, "--tasks", "4", "--rank", "0"]);
        Assert.Equal(2, other.ExitCode);
    }

    [Fact]
    public async Task Status_names_the_missing_ranks_the_reduce_waits_for_them_and_the_resubmission_finishes_the_run()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 60, distinctImages: 20);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 5, shardMaxRows: 20);
        string run = dir.File("run");
        foreach (int rank in new[] { 0, 2, 3 })
        {
            Assert.Equal(0, (await MellaProcess.RunAsync(["run", pipeline, "--out", run, "--rank", rank.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ExitCode);
        }

        var partial = await MellaProcess.RunAsync(["status", run, "--json"]);
        var early = await MellaProcess.RunAsync(["run", pipeline, "--out", run, "--reduce"]);

        Assert.Equal(1, partial.ExitCode);
        var status = JsonDocument.Parse(partial.Stdout).RootElement;
        Assert.Equal("1,4", status.GetProperty("resubmit").GetString());
        Assert.Equal([0, 2, 3], status.GetProperty("complete").EnumerateArray().Select(e => e.GetInt32()));
        Assert.False(status.GetProperty("reduced").GetBoolean());
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("ranks 1,4", early.Stdout + early.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(run, "summary.json")));

        foreach (int rank in new[] { 1, 4 })
        {
            Assert.Equal(0, (await MellaProcess.RunAsync(["run", pipeline, "--out", run, "--rank", rank.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ExitCode);
        }

        Assert.Contains("next:     mella run PIPELINE", (await MellaProcess.RunAsync(["status", run])).Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await MellaProcess.RunAsync(["run", pipeline, "--out", run, "--reduce"])).ExitCode);
        var done = await MellaProcess.RunAsync(["status", run]);
        Assert.Equal(0, done.ExitCode);
        Assert.Contains("reduce:   done", done.Stdout, StringComparison.Ordinal);
        // Every input line was read exactly once across the five processes.
        var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, "summary.json"))).RootElement;
        Assert.Equal(60, summary.GetProperty("input_records").GetInt64());
    }

    [Fact]
    public async Task The_reduce_phases_run_by_hand_each_after_the_one_before_write_the_same_dataset_as_one_process()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 90, distinctImages: 30);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 3, shardMaxRows: 20);
        string single = dir.File("single"), phased = dir.File("phased");
        string[] Run(params string[] more) => ["run", pipeline, "--out", phased, .. more];
        foreach (int rank in new[] { 0, 1, 2 })
        {
            Assert.Equal(0, (await MellaProcess.RunAsync(Run("--rank", rank.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ExitCode);
        }

        var filterFirst = await MellaProcess.RunAsync(Run("--reduce", "--phase", "filter", "--rank", "1"));
        Assert.Equal(1, filterFirst.ExitCode);
        Assert.Contains("the rows are not clustered yet; run mella run PIPELINE --out " + phased + " --reduce --phase cluster first", filterFirst.Stdout + filterFirst.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await MellaProcess.RunAsync(Run("--reduce", "--phase", "cluster"))).ExitCode);
        Assert.True(File.Exists(Path.Combine(phased, "reduce", "clusters.json")));
        Assert.False(File.Exists(Path.Combine(phased, "completions", "reduce-00000")));
        var filters = await Task.WhenAll(new[] { "2", "0" }.Select(r => MellaProcess.RunAsync(Run("--reduce", "--phase", "filter", "--rank", r))));
        Assert.All(filters, f => Assert.True(f.ExitCode == 0, f.ToString()));
        Assert.Equal(["reduce-00000", "reduce-00002"], Directory.GetFiles(Path.Combine(phased, "completions"), "reduce-*").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var finishEarly = await MellaProcess.RunAsync(Run("--reduce", "--phase", "finish"));
        Assert.Equal(1, finishEarly.ExitCode);
        Assert.Contains("not filtered yet (ranks 1)", finishEarly.Stdout + finishEarly.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(phased, "summary.json")));

        Assert.Equal(0, (await MellaProcess.RunAsync(Run("--reduce", "--phase", "filter", "--rank", "1"))).ExitCode);
        var finish = await MellaProcess.RunAsync(Run("--reduce", "--phase", "finish"));
        var whole = await MellaProcess.RunAsync(["run", pipeline, "--out", single]);

        Assert.True(finish.ExitCode == 0, finish.ToString());
        Assert.Equal(0, whole.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(phased, "staging")));
        Assert.Equal(RunSnapshot.Dataset(single), RunSnapshot.Dataset(phased));
    }

    [Theory]
    [InlineData(new[] { "--phase", "filter" }, "mella run: --phase names a phase of the reduce; give it with --reduce")]
    [InlineData(new[] { "--reduce", "--rank", "1" }, "mella run: --rank runs one task and --reduce the reduce (with --phase filter, --rank R filters task R only); give one of them")]
    [InlineData(new[] { "--reduce", "--phase", "cluster", "--rank", "1" }, "mella run: --rank runs one task and --reduce the reduce (with --phase filter, --rank R filters task R only); give one of them")]
    [InlineData(new[] { "--reduce", "--phase", "all" }, "'all' is not one of cluster, filter, finish")]
    public async Task A_bad_combination_of_reduce_options_is_refused_with_exit_2_and_one_line(string[] options, string message)
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 10);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 3, shardMaxRows: 20);

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run"), .. options]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Theory]
    [InlineData("--rank", "5", "--rank 5: the run has 5 tasks")]
    [InlineData("--tasks", "0", "--tasks: '0' is out of range (1 to 100000)")]
    public async Task A_rank_outside_the_world_is_refused_with_exit_2(string option, string value, string message)
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 10);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 5, shardMaxRows: 20);

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run"), option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 7, 0, 2, 3, 9, 10 }, "0,2-3,7,9-10")]
    [InlineData(new int[0], "")]
    public void Rank_sets_are_written_as_slurm_array_expressions_and_read_back(int[] ranks, string expression)
    {
        Assert.Equal(expression, Runs.RankRanges.Format(ranks));
        if (expression.Length > 0)
        {
            Assert.True(Runs.RankRanges.TryParse(expression, out var parsed));
            Assert.Equal(ranks.Order(), parsed);
        }
    }
}
