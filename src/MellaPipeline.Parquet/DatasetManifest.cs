using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Runs;

namespace MellaPipeline.Parquet;

/// <summary>
/// <c>shards/manifest.json</c>: every shard of a dataset with its row count, byte size and SHA-256,
/// and the rows per language and source. Built from the tasks' stats, so writing it never rereads
/// the shards; shards are listed in rank, then sequence order, so the file is the same on every run.
/// </summary>
public sealed record DatasetManifest
{
    public const string FileName = "manifest.json";

    public required string SchemaVersion { get; init; }
    public required string Pipeline { get; init; }
    public required string PhashAlgorithm { get; init; }
    public required long Rows { get; init; }
    public required long Bytes { get; init; }
    public required LanguageSourceCounts Counts { get; init; }
    public required IReadOnlyList<ShardInfo> Shards { get; init; }

    public static DatasetManifest FromShards(string pipeline, string phashAlgorithm, IEnumerable<ShardInfo> shards)
    {
        var list = shards.ToArray();
        return new DatasetManifest
        {
            SchemaVersion = ShardSchema.Version,
            Pipeline = pipeline,
            PhashAlgorithm = phashAlgorithm,
            Rows = list.Sum(s => s.Rows),
            Bytes = list.Sum(s => s.Bytes),
            Counts = LanguageSourceCounts.SumOf(list.Select(s => s.Counts)),
            Shards = list,
        };
    }

    public void Write(string path) => AtomicFile.WriteJson(path, this, MellaJson.Indented);

    public static DatasetManifest Read(string path) =>
        JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllBytes(path), MellaJson.Indented)
        ?? throw new InvalidDataException($"{path}: empty manifest");
}
