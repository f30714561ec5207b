using MellaPipeline.Records;
using MellaPipeline.Runtime;

namespace MellaPipeline.Orchestration.MapStages;

/// <summary>
/// One stage of a map task over dataset rows, after <c>load_images</c> and before the shards
/// (the hash blocklist, the safety classifier, the alignment score). A new stage is one class here
/// and one line in <see cref="PairPipelineSteps.RowStages"/>, in pipeline order.
/// </summary>
public interface IRowStage
{
    /// <summary>The stage appended to <paramref name="flow"/>, or <paramref name="flow"/> itself when the pipeline turns the stage off.</summary>
    PipelineFlow<PairRecord> AppendTo(PipelineFlow<PairRecord> flow, MapTaskResources resources);
}
