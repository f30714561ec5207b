using MellaPipeline.Config;

namespace MellaPipeline.Parquet;

/// <summary>
/// What every writer of one dataset's shards shares — the map tasks, the near-duplicate filter, the
/// caption layers: the pipeline's name (recorded in each file), the shard bounds and codec, and the
/// perceptual-hash algorithm id. Phases take this instead of the whole pipeline file.
/// </summary>
public sealed record ShardedDataset(string Pipeline, OutputOptions Output, string PhashAlgorithm)
{
    /// <summary>Where and how one writer of this dataset writes: <paramref name="filePrefix"/> names a caption layer's shards.</summary>
    public ShardWriterOptions WriterOptions(string shardsDir, int rank, string? filePrefix = null) =>
        new(shardsDir, rank, Output, Pipeline, PhashAlgorithm, filePrefix);
}
