using MellaPipeline.Datasets.Splits;
using MellaPipeline.Parquet;

namespace MellaPipeline.Datasets.Export;

/// <summary>One part of a dataset as <c>mella export</c> and <c>mella show</c> read it: its shards, and the sub-folder its export goes to.</summary>
/// <param name="Name">Empty for a plain dataset; <c>train</c> or <c>eval</c> for a side of a <c>mella split</c> output.</param>
public sealed record DatasetPart(string Name, IReadOnlyList<string> Shards);

/// <summary>
/// The DATASET argument of <c>mella export</c> and <c>mella show</c>: what <c>mella coverage</c> and <c>mella split</c>
/// take (a run directory, its <c>shards/</c>, one shard; <see cref="ShardReader.FindShards"/>), or a <c>mella split</c>
/// output, whose <c>train/</c> and <c>eval/</c> are two parts kept apart. A run's <c>shards/</c> holds the caption
/// layers' <c>captions-*.parquet</c> beside the native shards, so those rows are part of the dataset like any other.
/// </summary>
public static class DatasetParts
{
    /// <exception cref="IOException">The dataset is missing or unreadable.</exception>
    /// <exception cref="InvalidDataException">It holds no shards, or is a FIFO or device.</exception>
    public static IReadOnlyList<DatasetPart> Find(string dataset)
    {
        string train = Path.Combine(dataset, DatasetSplitter.TrainFolder), eval = Path.Combine(dataset, DatasetSplitter.EvalFolder);
        bool isSplit = !Directory.Exists(Path.Combine(dataset, "shards")) && Directory.Exists(train) && Directory.Exists(eval)
            && !Directory.EnumerateFiles(dataset, "*.parquet").Any();
        IReadOnlyList<DatasetPart> parts = isSplit
            ? [new DatasetPart(DatasetSplitter.TrainFolder, ShardReader.FindShards(train)), new DatasetPart(DatasetSplitter.EvalFolder, ShardReader.FindShards(eval))]
            : [new DatasetPart("", ShardReader.FindShards(dataset))];
        if (parts.All(p => p.Shards.Count == 0))
        {
            throw new InvalidDataException("no .parquet shards found");
        }

        return parts;
    }
}
