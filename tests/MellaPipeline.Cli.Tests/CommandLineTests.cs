using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public async Task Help_explains_the_commands_and_their_options()
    {
        var root = await MellaProcess.RunAsync(["--help"]);
        var run = await MellaProcess.RunAsync(["run", "--help"]);
        var export = await MellaProcess.RunAsync(["export", "--help"]);
        var show = await MellaProcess.RunAsync(["show", "--help"]);
        var version = await MellaProcess.RunAsync(["--version"]);

        Assert.Equal(0, root.ExitCode);
        Assert.Contains("run", root.Stdout);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--out", run.Stdout);
        Assert.Contains("--resume", run.Stdout);
        Assert.Contains("--workers", run.Stdout);
        Assert.Contains("export", root.Stdout);
        Assert.Contains("show", root.Stdout);
        Assert.Equal((0, 0), (export.ExitCode, show.ExitCode));
        Assert.Contains("--max-samples", export.Stdout);
        Assert.Contains("--where", show.Stdout);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
    }

    [Theory]
    [InlineData("run", "pipelines/demo.yaml", "--bogus")]
    [InlineData("run")]
    [InlineData("frobnicate")]
    [InlineData("run", "pipelines/demo.yaml", "--workers", "-3")]
    [InlineData("export", "runs/demo", "--format", "webdataset")]
    [InlineData("export", "runs/demo", "--out", "x", "--format", "tar")]
    [InlineData("export", "runs/demo", "--out", "x", "--format", "jsonl", "--max-samples", "0")]
    [InlineData("show", "runs/demo", "--limit", "0")]
    [InlineData("show", "runs/demo", "--source", "web")]
    public async Task Bad_arguments_exit_2_with_one_line(params string[] args)
    {
        var result = await MellaProcess.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("mella: ", result.Stderr);
    }

    [Theory]
    [InlineData("name: t\ninput:\n  paths: [pairs.jsonl]\noutput:\n  shard_max_rowz: 5\n", "pipeline.yaml:5: output.shard_max_rowz: unknown key")]
    [InlineData("name: t\ninput:\n  paths: [pairs.jsonl]\ntasks: zero\n", "pipeline.yaml:4: tasks: expected a whole number")]
    [InlineData("name: t\ninput:\n  paths: [pairs.jsonl]\nstages:\n  load_images:\n    concurrency: 0\n", "pipeline.yaml:6: stages.load_images.concurrency: must be between 1 and 256")]
    [InlineData("name: t\ninput:\n  paths: [missing.jsonl]\n", "pipeline.yaml:3: input.paths[0]: no such file or folder")]
    [InlineData("name: t\n", "pipeline.yaml:1: input: required key is missing")]
    public async Task A_bad_pipeline_file_exits_2_naming_the_key_and_writes_nothing(string yaml, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("pairs.jsonl"), "");
        File.WriteAllText(dir.File("pipeline.yaml"), yaml);

        var result = await MellaProcess.RunAsync(["run", "pipeline.yaml", "--out", dir.File("out")], workingDirectory: dir.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"mella run: {expected}", result.Stderr.Trim()[..$"mella run: {expected}".Length]);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task A_missing_pipeline_file_exits_2_naming_it()
    {
        using var dir = new TempDir();

        var result = await MellaProcess.RunAsync(["run", dir.File("nope.yaml"), "--out", dir.File("out")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nope.yaml", result.Stderr);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task A_run_directory_of_another_config_or_nothing_to_resume_exits_2()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 20);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 2, shardMaxRows: 100);
        string runDir = dir.File("run");
        Assert.Equal(0, (await MellaProcess.RunAsync(["run", pipeline, "--out", runDir])).ExitCode);
        PairsInput.WritePipeline(dir.Path, pairs, tasks: 3, shardMaxRows: 100);

        var changed = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
        var nothing = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("empty"), "--resume"]);

        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("'tasks' differs", changed.Stderr);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("nothing to resume", nothing.Stderr);
    }

    [Fact]
    public async Task Exceeding_the_failure_budget_exits_1_after_writing_the_dataset()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 10);
        File.AppendAllText(pairs, "{\"broken\n{\"text\": \"Praha\", \"lang\": \"cs\", \"image_path\": \"images/none.png\"}\n");
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 1, shardMaxRows: 100, extra: "failure_budget: 0.1");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failure budget exceeded", result.Stderr);
        Assert.Equal(10L, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Shards(dir.File("run"))}")));
        Assert.True(File.Exists(dir.File("run/summary.json")));
    }
}
