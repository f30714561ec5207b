using MellaPipeline.Runs;

namespace MellaPipeline.Captions;

/// <summary>
/// A caption layer as a step of the run: its marker <c>completions/captions-NAME</c>, its rejects
/// <c>rejects/captions-NAME.jsonl</c>, its figures <c>reduce/captions-NAME.json</c>; an interrupted
/// layer's shards, rejects and figures are discarded before it is built again.
/// </summary>
internal sealed class CaptionLayerStep(CaptionLayer layer, RunDirectory run, string name, IReadOnlyList<ShardInfo> datasetShards, int worldSize)
    : RunStep<CaptionLayerSummary>
{
    public override string Name => layer.StageName;

    public override string MarkerPath => run.CaptionCompletionPath(name);

    public override string RejectsPath => run.CaptionRejectsPath(name);

    public override string FiguresPath => run.CaptionStatsPath(name);

    public override void DiscardOutputs() => run.DiscardCaptionLayer(name);

    public override Task<CaptionLayerSummary> ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        layer.BuildAsync(context, datasetShards, worldSize, cancellationToken);
}
