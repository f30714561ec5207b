using MellaPipeline.Config;
using MellaPipeline.Quality.Judge;
using MellaPipeline.Quality.Packs;
using MellaPipeline.Quality.Scoring;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.MapStages;

/// <summary>
/// The scorers of the row stages, made from the pipeline's options: one per task, opened by its
/// stage when the task's stream starts and disposed when it ends.
/// </summary>
public static class RowScorers
{
    /// <summary>The scorer of <c>stages.align</c>: its model pack or its judge; null when the stage is off.</summary>
    /// <param name="rank">The task's rank: the judge's cache file.</param>
    public static IRowScorer? AlignScorer(PipelineOptions options, RunDirectory run, int rank)
    {
        var align = options.Stages.Align;
        if (align.Judge is { } judge)
        {
            return new JudgeScorer(judge, Path.GetFullPath(Path.Combine(run.Root, judge.CacheDir)), rank);
        }

        if (align.Model.Length > 0)
        {
            return new PackAlignmentScorer(ModelPack.Load(align.Model), align.Threads, PairPipeline.ProcessorFor(options));
        }

        return null;
    }

    /// <summary>The image classifier of <c>stages.safety.model</c>; null when there is none.</summary>
    public static IRowScorer? SafetyScorer(PipelineOptions options, RunDirectory run, int rank)
    {
        var safety = options.Stages.Safety;
        if (safety.Model.Length > 0)
        {
            return new PackImageClassifier(ModelPack.Load(safety.Model), safety.Threads, PairPipeline.ProcessorFor(options));
        }

        return null;
    }

    /// <summary>
    /// <paramref name="flow"/> with a scoring stage of <paramref name="rule"/> appended: the task's
    /// scorer is made by <paramref name="scorer"/> when its stream starts and disposed when it ends.
    /// </summary>
    public static PipelineFlow<PairRecord> Score(
        PipelineFlow<PairRecord> flow, MapTaskResources resources, ScoreRule rule, int batchSize, Func<PipelineOptions, RunDirectory, int, IRowScorer?> scorer) =>
        flow.Then(new RowScoringStage(
            rule,
            () => scorer(resources.Options, resources.Task.Run, resources.Task.Slice.Rank) ?? throw new InvalidOperationException($"'{rule.Stage}' is on but has no scorer"),
            batchSize));
}
