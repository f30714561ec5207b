using MellaPipeline.Records;
using MellaPipeline.Runtime;

namespace MellaPipeline.Orchestration.MapStages;

/// <summary><c>align</c>: when <c>stages.align</c> names a model pack or a judge.</summary>
public sealed class AlignStep : IRowStage
{
    public PipelineFlow<PairRecord> AppendTo(PipelineFlow<PairRecord> flow, MapTaskResources resources) =>
        resources.Options.Stages.Align is { } align && align.IsOn()
            ? RowScorers.Score(flow, resources, Quality.Scoring.ScoreRule.Align(align), align.BatchSize, RowScorers.AlignScorer)
            : flow;
}
