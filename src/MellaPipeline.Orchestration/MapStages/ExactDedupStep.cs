using MellaPipeline.Records;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.MapStages;

/// <summary><c>dedup_exact</c>: within a task, when on.</summary>
public sealed class ExactDedupStep : ICandidateStage
{
    public PipelineFlow<PairCandidate> AppendTo(PipelineFlow<PairCandidate> flow, MapTaskResources resources) =>
        resources.Options.Stages.DedupExact.Enabled ? flow.Then(new ExactDedupStage<PairCandidate>()) : flow;
}
