using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Records;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.MapStages;

/// <summary><c>load_images</c>: the last map stage, turning candidates into rows (fetching over the task's client when it has one).</summary>
public sealed class LoadImagesStep
{
    public PipelineFlow<PairRecord> AppendTo(PipelineFlow<PairCandidate> flow, MapTaskResources resources)
    {
        var settings = resources.Options.Stages.LoadImages;
        var fetcher = resources.Client is null ? null : new HttpImageFetcher(resources.Client);
        var stage = new LoadImageStage(settings, fetcher, resources.Processor, BlocklistStep.For(resources.Options.Stages.Safety), resources.Task.Counters);

        // With a client, downloads in flight are bounded by the client (load_images.concurrency for
        // all hosts, concurrency_per_host each), so every record of the reorder window gets its
        // call and one busy host's queue does not idle the others' downloads.
        return fetcher is null ? flow.Then(stage, settings.Concurrency) : flow.ThenSelfLimited(stage, settings.Concurrency);
    }
}
