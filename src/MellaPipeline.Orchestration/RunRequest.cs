using MellaPipeline.Config;

namespace MellaPipeline.Orchestration;

/// <summary>What <c>mella run</c> was asked to do.</summary>
/// <param name="Pipeline">The validated pipeline file.</param>
/// <param name="OutDir">The run directory.</param>
/// <param name="RequireExistingRun">True for <c>--resume</c>: continuing is required, starting afresh is an error.</param>
/// <param name="Rank">Run only this task (one process of a multi-process or Slurm run), no reduce; null = every task, then the reduce.
/// With <paramref name="Phase"/> <see cref="ReducePhase.Filter"/>: filter only this task's rows.</param>
/// <param name="ReduceOnly">Run only the reduce steps, and only when every task is complete.</param>
/// <param name="Phase">With <paramref name="ReduceOnly"/>: which phase of the reduce runs (<see cref="ReducePhase.All"/>: every one not done yet).</param>
/// <param name="RetryTransient">On a complete run: download again the samples with transient rejects, merge them in, reduce again (<see cref="Retry.TransientRetry"/>).</param>
public sealed record RunRequest(LoadedPipeline Pipeline, string OutDir, bool RequireExistingRun, int? Rank = null, bool ReduceOnly = false, bool RetryTransient = false,
    ReducePhase Phase = ReducePhase.All)
{
    /// <summary>
    /// Why <c>--rank</c>, <c>--reduce</c> and <c>--phase</c> do not go together for a run of <paramref name="tasks"/> tasks
    /// (one line, naming the options), or null; checked before anything is written.
    /// </summary>
    public static string? OptionsProblem(int? rank, int tasks, bool reduceOnly, ReducePhase? phase) =>
        rank is { } r && (r < 0 || r >= tasks) ? $"--rank {r}: the run has {tasks} tasks (ranks 0 to {tasks - 1})"
        : phase is not null && !reduceOnly ? "--phase names a phase of the reduce; give it with --reduce"
        : rank is not null && reduceOnly && phase != ReducePhase.Filter
            ? "--rank runs one task and --reduce the reduce (with --phase filter, --rank R filters task R only); give one of them"
        : null;
}

/// <summary>
/// The phases of the reduce, in order, each one skipped when its markers say it is done: <see cref="Cluster"/> (one
/// step over every task's rows), <see cref="Filter"/> (one step per task, which may run side by side in separate
/// processes: a Slurm array), <see cref="Finish"/> (caption layers, manifest, summary). <see cref="All"/> runs them in turn.
/// </summary>
public enum ReducePhase
{
    All,
    Cluster,
    Filter,
    Finish,
}

/// <summary>The exit code the hosted run decided on, read after the host stops.</summary>
public sealed class RunOutcome
{
    public int ExitCode { get; set; } = ExitCodes.Interrupted;
}
