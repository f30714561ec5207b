using MellaPipeline.Config;
using MellaPipeline.Input;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.Inputs;

/// <summary><c>kind: pairs</c>: JSONL files of image-text pairs, read line by line.</summary>
public sealed class PairsInputKind : IInputKind
{
    public InputKind Kind => InputKind.Pairs;

    public bool FetchesPages => false;

    public IRecordSource<PairCandidate> Open(InputOptions input, MapTaskResources resources) =>
        new PairsJsonlSource(LineRangeReader.ExpandInputs(input.Paths));
}
