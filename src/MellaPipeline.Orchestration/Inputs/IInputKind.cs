using MellaPipeline.Config;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.Inputs;

/// <summary>
/// One kind of input a pipeline file can list (<c>inputs[].kind</c>): how a task reads its records.
/// A new kind is one class here and one line in <see cref="PairPipelineSteps.InputKinds"/>.
/// </summary>
public interface IInputKind
{
    InputKind Kind { get; }

    /// <summary>True when the kind fetches over HTTP: the task then opens one polite client for it (and for the images).</summary>
    bool FetchesPages { get; }

    /// <summary>The records of <paramref name="input"/>, in input order (the task's slice is taken from them afterwards).</summary>
    IRecordSource<PairCandidate> Open(InputOptions input, MapTaskResources resources);
}
