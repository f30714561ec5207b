using MellaPipeline.Config;
using MellaPipeline.Runs;

namespace MellaPipeline.Parquet;

/// <summary>Where and how a task writes its shards.</summary>
/// <param name="ShardsDir">The dataset's <c>shards/</c> folder.</param>
/// <param name="Rank">Task rank: the <c>RRRRR</c> of <c>part-RRRRR-NNNNN.parquet</c>.</param>
/// <param name="Output">Shard and row-group bounds and the codec.</param>
/// <param name="Pipeline">Pipeline name, recorded in each file's metadata.</param>
/// <param name="PhashAlgorithm">Perceptual-hash algorithm id recorded in each file's metadata.</param>
/// <param name="FilePrefix">Shard names are this prefix and the sequence (<c>captions-NAME-NNNNN.parquet</c>) instead of <c>part-RRRRR-NNNNN.parquet</c>.</param>
public sealed record ShardWriterOptions(
    string ShardsDir,
    int Rank,
    OutputOptions Output,
    string Pipeline,
    string PhashAlgorithm = ShardSchema.NoPhashAlgorithm,
    string? FilePrefix = null)
{
    public string FileName(int sequence) => FilePrefix is null
        ? RunDirectory.ShardFileName(Rank, sequence)
        : $"{FilePrefix}{sequence.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)}.parquet";
}
