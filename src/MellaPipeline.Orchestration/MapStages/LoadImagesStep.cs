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
        return flow.Then(new LoadImageStage(settings, fetcher, resources.Processor), settings.Concurrency);
    }
}
