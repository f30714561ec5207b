using System.Diagnostics;
using MellaPipeline.Json;
using MellaPipeline.Runtime;

namespace MellaPipeline.Runs;

/// <summary>
/// Runs <see cref="RunStep{TFigures}"/>s with the guarantees of SPEC §4: a step whose marker
/// exists is skipped and its recorded figures returned; any other step first discards what an
/// interrupted attempt left, then runs its body, then its rejects are committed, then its figures
/// written atomically, and its marker last. A crash at any point therefore leaves either a
/// complete step or one that the next attempt redoes from scratch.
/// </summary>
public sealed class StepRunner(RunDirectory run)
{
    public RunDirectory Run { get; } = run;

    /// <summary>Runs <paramref name="step"/> unless it is complete, with counters of its own.</summary>
    public Task<StepResult<TFigures>> RunAsync<TFigures>(RunStep<TFigures> step, CancellationToken cancellationToken)
        where TFigures : class =>
        RunAsync(step, new PipelineCounters(), cancellationToken);

    /// <summary>Runs <paramref name="step"/> unless it is complete; the body counts into <paramref name="counters"/>.</summary>
    public async Task<StepResult<TFigures>> RunAsync<TFigures>(RunStep<TFigures> step, PipelineCounters counters, CancellationToken cancellationToken)
        where TFigures : class
    {
        if (File.Exists(step.MarkerPath))
        {
            step.AfterCompleted();
            return new StepResult<TFigures>(step.ReadFigures, alreadyComplete: true);
        }

        step.DiscardOutputs();
        var points = step.Points;
        Reach(points.Started);
        CreateParentOf(step.FiguresPath);
        CreateParentOf(step.MarkerPath);
        TFigures figures;
        if (step.RejectsPath is { } rejectsPath)
        {
            CreateParentOf(rejectsPath);
            await using var rejects = new JsonlRejectWriter(rejectsPath);
            figures = await step.ExecuteAsync(new StepContext(Run, rejects, counters, Stopwatch.GetTimestamp()), cancellationToken);
            await rejects.CommitAsync();
        }
        else
        {
            figures = await step.ExecuteAsync(new StepContext(Run, NoRejects.Instance, counters, Stopwatch.GetTimestamp()), cancellationToken);
        }

        Reach(points.RejectsWritten);
        AtomicFile.WriteJson(step.FiguresPath, figures, MellaJson.Indented);
        Reach(points.FiguresWritten);
        if (step.MarkerPath != step.FiguresPath)
        {
            AtomicFile.WriteAllBytes(step.MarkerPath, []);
        }

        Reach(points.Completed);
        step.AfterCompleted();
        return new StepResult<TFigures>(() => figures, alreadyComplete: false);
    }

    private static void Reach(string? point)
    {
        if (point is not null)
        {
            CrashPoints.Reach(point);
        }
    }

    private static void CreateParentOf(string path) => Directory.CreateDirectory(Path.GetDirectoryName(path)!);

    /// <summary>The sink of a step that declares no rejects file: a reject there is a bug in the step.</summary>
    private sealed class NoRejects : IRejectSink
    {
        public static readonly NoRejects Instance = new();

        public void Write(RejectRecord reject) =>
            throw new InvalidOperationException($"a step without a rejects file rejected {reject.Key} ({reject.Reason})");
    }
}
