using MellaPipeline.Records;
using MellaPipeline.Runtime;

namespace MellaPipeline.Orchestration.MapStages;

/// <summary>
/// One stage of a map task over pair candidates, between the input and image loading
/// (<c>normalize_text</c>, <c>dedup_exact</c>). A new stage is one class here and one line in
/// <see cref="PairPipelineSteps.CandidateStages"/>, in pipeline order. Counters, rejects and
/// ordering come from the flow it is appended to.
/// </summary>
public interface ICandidateStage
{
    /// <summary>The stage appended to <paramref name="flow"/>, or <paramref name="flow"/> itself when the pipeline turns the stage off.</summary>
    PipelineFlow<PairCandidate> AppendTo(PipelineFlow<PairCandidate> flow, MapTaskResources resources);
}
