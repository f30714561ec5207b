using MellaPipeline.Config;
using MellaPipeline.Input;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Cli.Pipelines;

/// <summary>
/// The image-text pair pipeline as a pipeline file configures it:
/// read_pairs → normalize_text → dedup_exact → load_images → write_shards.
/// </summary>
public static class PairPipeline
{
    /// <summary>Runs one task: its slice of the input through every stage into its shards.</summary>
    public static async Task<TaskOutput> RunTaskAsync(PipelineOptions options, TaskContext task, CancellationToken cancellationToken)
    {
        var files = LineRangeReader.ExpandInputs(options.Input.Paths);
        var text = PipelineFlow<PairCandidate>.From(new PairsJsonlSource(files), task.Slice)
            .Then(new NormalizeTextStage(options.Stages.NormalizeText, options.Languages));
        if (options.Stages.DedupExact.Enabled)
        {
            text = text.Then(new ExactDedupStage<PairCandidate>());
        }

        var rows = text.Then(new LoadImageStage(options.Stages.LoadImages), options.Stages.LoadImages.Concurrency);

        await using var shards = new ParquetShardWriter(new ShardWriterOptions(task.Run.ShardsDir, task.Slice.Rank, options.Output, options.Name));
        await rows.RunAsync(shards, new FlowSettings(task.Rejects, task.Counters, options.ChannelCapacity), cancellationToken);
        return new TaskOutput(shards.Shards);
    }
}
