using System.Diagnostics;
using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Runtime;

namespace MellaPipeline.Runs;

// How to add a phase (a reduce step such as a caption layer or a split writer) or any other unit
// of work that must survive a crash:
//   1. Subclass RunStep<TFigures> in the feature's own folder: name the step, say where its marker,
//      rejects and figures go (paths in RunDirectory), what an interrupted attempt leaves behind
//      (DiscardOutputs), and write ExecuteAsync: read, write outputs through temp-then-rename
//      writers (ParquetShardWriter, AtomicFile), report dropped records to context.Rejects, count
//      in context.Counters, and return the figures.
//   2. Run it with StepRunner.RunAsync(step, ct) where the run's phases are listed (Orchestration).
// The runner does the rest: skipping a finished step, cleaning up after an interrupted one, timing,
// committing rejects, writing figures atomically, the marker last, and the crash points between.

/// <summary>
/// One unit of work of a run that either completed (its marker exists and its outputs are whole)
/// or is redone from scratch: a map task, the near-duplicate clustering, one rank's filter, a
/// caption layer, a split. A step owns its outputs and says where its files go; the
/// <see cref="StepRunner"/> owns everything around the body (SPEC §4).
/// </summary>
/// <typeparam name="TFigures">What the step reports: written as JSON to <see cref="FiguresPath"/>, read back when the step is skipped.</typeparam>
public abstract class RunStep<TFigures>
    where TFigures : class
{
    /// <summary>The step's name: its counters' stage name and the <c>stage</c> of its rejects.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The completion marker, written last. It may be <see cref="FiguresPath"/> itself: then the
    /// figures file is the marker and no separate empty file is written.
    /// </summary>
    public abstract string MarkerPath { get; }

    /// <summary>Where the step's rejects (JSONL) are committed; null for a step that rejects nothing (its context's sink then refuses writes).</summary>
    public abstract string? RejectsPath { get; }

    /// <summary>Where the step's figures are written atomically, after its rejects and before its marker.</summary>
    public abstract string FiguresPath { get; }

    /// <summary>The crash points reached between the runner's acts; none by default.</summary>
    public virtual StepCrashPoints Points => StepCrashPoints.None;

    /// <summary>
    /// Removes whatever an interrupted attempt left (outputs, temporary files, rejects, figures) so
    /// that the body starts clean and writes each row once. Called only when the marker is absent,
    /// before the body. The runner itself removes nothing.
    /// </summary>
    public abstract void DiscardOutputs();

    /// <summary>
    /// The body: does the work, commits its outputs (shards renamed into place) and returns the
    /// figures. It must not write the marker, the figures file or commit rejects: the runner does,
    /// in that order, after the body returns. An exception leaves no marker, deletes the uncommitted
    /// rejects and propagates; the next attempt starts with <see cref="DiscardOutputs"/>.
    /// </summary>
    public abstract Task<TFigures> ExecuteAsync(StepContext context, CancellationToken cancellationToken);

    /// <summary>Reads the figures a finished step recorded (the runner returns them when it skips the step).</summary>
    public TFigures ReadFigures() => AtomicFile.ReadJson<TFigures>(FiguresPath, MellaJson.Indented);

    /// <summary>
    /// Runs after the step is complete, whether it ran now or an earlier attempt finished it: for
    /// clean-up that must follow the marker (deleting the inputs the step consumed). Must be idempotent.
    /// </summary>
    public virtual void AfterCompleted()
    {
    }
}

/// <summary>
/// What a step's body gets: the run directory, the sink for its rejects, its counters (the
/// runner's caller may pass counters that a progress display reads) and the time since the runner
/// started the body.
/// </summary>
public sealed class StepContext(RunDirectory run, IRejectSink rejects, PipelineCounters counters, long startTimestamp)
{
    public RunDirectory Run { get; } = run;

    /// <summary>Thread-safe; rejects are committed by the runner after the body returns.</summary>
    public IRejectSink Rejects { get; } = rejects;

    public PipelineCounters Counters { get; } = counters;

    /// <summary>When the body started, as a <see cref="Stopwatch"/> timestamp (for <see cref="StageCounters.AddBusy"/>).</summary>
    public long StartTimestamp { get; } = startTimestamp;

    /// <summary>Time since the body started.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(StartTimestamp);
}

/// <summary>
/// The <see cref="Runs.CrashPoints"/> names a step reaches; null skips that place. In order:
/// after the clean-up, before the body (<paramref name="Started"/>); after the rejects are
/// committed (<paramref name="RejectsWritten"/>); after the figures (<paramref name="FiguresWritten"/>);
/// after the marker (<paramref name="Completed"/>).
/// </summary>
public sealed record StepCrashPoints(string? Started = null, string? RejectsWritten = null, string? FiguresWritten = null, string? Completed = null)
{
    public static readonly StepCrashPoints None = new();
}

/// <summary>How a step ended, and its figures.</summary>
public sealed class StepResult<TFigures>
    where TFigures : class
{
    private readonly Lazy<TFigures> _figures;

    internal StepResult(Func<TFigures> figures, bool alreadyComplete)
    {
        _figures = new Lazy<TFigures>(figures);
        AlreadyComplete = alreadyComplete;
    }

    /// <summary>True when an earlier attempt had completed the step and it was skipped.</summary>
    public bool AlreadyComplete { get; }

    /// <summary>The figures: this attempt's, or, when skipped, the recorded ones (read on first use, so a caller that needs only <see cref="AlreadyComplete"/> reads nothing).</summary>
    public TFigures Figures => _figures.Value;
}
