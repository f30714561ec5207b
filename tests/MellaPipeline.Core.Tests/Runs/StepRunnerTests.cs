using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Runs;

public class StepRunnerTests
{
    private sealed record Figures(int Rows);

    /// <summary>A step whose figures file is its marker, as the clustering's is, writing one output file.</summary>
    private sealed class CountingStep(RunDirectory run, bool separateMarker, Func<StepContext, Task>? body = null) : RunStep<Figures>
    {
        public int Runs { get; private set; }
        public int Discards { get; private set; }
        public int AfterCompletions { get; private set; }
        public string OutputPath => Path.Combine(run.Root, "out", "step.txt");

        public override string Name => "counting";
        public override string MarkerPath => separateMarker ? Path.Combine(run.CompletionsDir, "counting") : FiguresPath;
        public override string? RejectsPath => separateMarker ? Path.Combine(run.RejectsDir, "counting.jsonl") : null;
        public override string FiguresPath => Path.Combine(run.Root, "figures", "counting.json");

        public override void DiscardOutputs()
        {
            Discards++;
            if (File.Exists(OutputPath))
            {
                File.Delete(OutputPath);
            }
        }

        public override async Task<Figures> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
        {
            Runs++;
            Directory.CreateDirectory(Path.GetDirectoryName(OutputPath)!);
            await File.AppendAllTextAsync(OutputPath, "row\n", cancellationToken);
            context.Counters.For(Name).CountIn();
            if (body is not null)
            {
                await body(context);
            }

            return new Figures(File.ReadAllLines(OutputPath).Length);
        }

        public override void AfterCompleted() => AfterCompletions++;
    }

    [Fact]
    public async Task A_step_whose_figures_are_its_marker_runs_once_and_is_then_skipped_with_its_recorded_figures()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        var step = new CountingStep(run, separateMarker: false);
        var runner = new StepRunner(run);

        var first = await runner.RunAsync(step, CancellationToken.None);
        var second = await runner.RunAsync(step, CancellationToken.None);

        Assert.Equal((new Figures(1), false), (first.Figures, first.AlreadyComplete));
        Assert.Equal((new Figures(1), true), (second.Figures, second.AlreadyComplete));
        Assert.Equal((1, 1, 2), (step.Runs, step.Discards, step.AfterCompletions));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_failed_body_leaves_no_marker_figures_or_rejects_and_the_retry_discards_its_output_first()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        bool fail = true;
        var step = new CountingStep(run, separateMarker: true, context =>
        {
            context.Rejects.Write(new RejectRecord("k", "in@0", "counting", "dropped", "text_empty", null));
            return fail ? throw new IOException("disk full") : Task.CompletedTask;
        });
        var runner = new StepRunner(run);

        await Assert.ThrowsAsync<IOException>(() => runner.RunAsync(step, CancellationToken.None));
        Assert.False(File.Exists(step.MarkerPath));
        Assert.False(File.Exists(step.FiguresPath));
        Assert.False(File.Exists(step.RejectsPath));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));

        fail = false;
        var counters = new PipelineCounters();
        var result = await runner.RunAsync(step, counters, CancellationToken.None);

        // The first attempt's output line was discarded, so the retry counts one row, not two.
        Assert.Equal(new Figures(1), result.Figures);
        Assert.True(File.Exists(step.MarkerPath));
        Assert.Single(File.ReadAllLines(step.RejectsPath!));
        Assert.Equal(1, counters.For("counting").In);
    }

    [Fact]
    public async Task A_step_without_a_rejects_file_refuses_a_reject()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        var step = new CountingStep(run, separateMarker: false, context =>
        {
            context.Rejects.Write(new RejectRecord("k", "in@0", "counting", "dropped", "text_empty", null));
            return Task.CompletedTask;
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => new StepRunner(run).RunAsync(step, CancellationToken.None));
        Assert.False(File.Exists(step.MarkerPath));
    }
}
