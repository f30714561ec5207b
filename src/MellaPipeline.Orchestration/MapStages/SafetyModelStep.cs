using MellaPipeline.Records;
using MellaPipeline.Runtime;

namespace MellaPipeline.Orchestration.MapStages;

/// <summary><c>safety</c>'s classifier: when <c>stages.safety.model</c> names a pack (the blocklist is a stage of its own).</summary>
public sealed class SafetyModelStep : IRowStage
{
    public PipelineFlow<PairRecord> AppendTo(PipelineFlow<PairRecord> flow, MapTaskResources resources) =>
        resources.Options.Stages.Safety is { Model.Length: > 0 } safety
            ? RowScorers.Score(flow, resources, Quality.Scoring.ScoreRule.Safety(safety), safety.BatchSize, RowScorers.SafetyScorer)
            : flow;
}
