using MellaPipeline.Config;
using MellaPipeline.Orchestration.Inputs;
using MellaPipeline.Orchestration.MapStages;

namespace MellaPipeline.Orchestration;

/// <summary>
/// The one place where the pair pipeline's parts are registered: the input kinds a pipeline file
/// may list and the map stages in pipeline order. Adding an input kind or a stage is one class in
/// <c>Inputs/</c> or <c>MapStages/</c> and one line here.
/// </summary>
public static class PairPipelineSteps
{
    public static readonly IReadOnlyList<IInputKind> InputKinds =
    [
        new PairsInputKind(),
        new NativeAltInputKind(InputKind.Crawl),
        new NativeAltInputKind(InputKind.Warc),
        new UrlListInputKind(),
    ];

    /// <summary>Between the input and <see cref="ImageStage"/>, in this order.</summary>
    public static readonly IReadOnlyList<ICandidateStage> CandidateStages =
    [
        new NormalizeTextStep(),
        new ExactDedupStep(),
    ];

    public static readonly LoadImagesStep ImageStage = new();

    /// <summary>After <see cref="ImageStage"/>, before the shards, in this order.</summary>
    public static readonly IReadOnlyList<IRowStage> RowStages =
    [
    ];

    public static IInputKind KindOf(InputOptions input) =>
        InputKinds.FirstOrDefault(k => k.Kind == input.Kind)
        ?? throw new InvalidOperationException($"no input kind is registered for '{input.Kind}'");
}
