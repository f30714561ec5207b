using MellaPipeline.Records;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.MapStages;

/// <summary><c>normalize_text</c>: always on.</summary>
public sealed class NormalizeTextStep : ICandidateStage
{
    public PipelineFlow<PairCandidate> AppendTo(PipelineFlow<PairCandidate> flow, MapTaskResources resources) =>
        flow.Then(new NormalizeTextStage(resources.Options.Stages.NormalizeText, resources.Options.Languages));
}
