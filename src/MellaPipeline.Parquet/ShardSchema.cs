using System.Text.Json.Nodes;
using Parquet.Schema;

namespace MellaPipeline.Parquet;

/// <summary>
/// The Parquet schema of a dataset shard (SPEC §3), made from <see cref="ShardColumns"/>, and the
/// key-value metadata every shard carries.
/// </summary>
public static class ShardSchema
{
    /// <summary>Bumped whenever a column is added, removed or changes meaning.</summary>
    public const string Version = "6";

    public const string HuggingFaceMetadataKey = "huggingface";
    public const string SchemaVersionMetadataKey = "mella.schema_version";
    public const string PhashAlgorithmMetadataKey = "mella.phash_algorithm";
    public const string PipelineMetadataKey = "mella.pipeline";
    public const string WindowsAlgorithmMetadataKey = "mella.phash_windows_algorithm";

    /// <summary>Perceptual-hash algorithm id written while no hashing stage has filled <c>phash</c>.</summary>
    public const string NoPhashAlgorithm = "none";

    /// <summary>The Parquet schema: <see cref="ShardColumns.All"/> in order.</summary>
    public static readonly ParquetSchema Schema = ShardColumns.Schema;

    /// <summary>Column names in file order, as readers see them.</summary>
    public static readonly IReadOnlyList<string> ColumnNames = ShardColumns.All.Select(c => c.Name).ToArray();

    /// <summary>
    /// The <c>huggingface</c> metadata entry: the <c>datasets</c> features of every column, so that
    /// <c>load_dataset("parquet", ...)</c> decodes <c>image</c> as an <c>Image</c> feature.
    /// </summary>
    public static string HuggingFaceFeaturesJson()
    {
        var features = new JsonObject();
        foreach (var column in ShardColumns.All)
        {
            features[column.Name] = column.HuggingFaceFeature();
        }

        return new JsonObject { ["info"] = new JsonObject { ["features"] = features } }.ToJsonString();
    }

    public static Dictionary<string, string> Metadata(string pipeline, string phashAlgorithm) => new(StringComparer.Ordinal)
    {
        [HuggingFaceMetadataKey] = HuggingFaceFeaturesJson(),
        [SchemaVersionMetadataKey] = Version,
        [PhashAlgorithmMetadataKey] = phashAlgorithm,
        [PipelineMetadataKey] = pipeline,
        [WindowsAlgorithmMetadataKey] = WindowsAlgorithmFor(phashAlgorithm),
    };

    /// <summary>The id of <c>phash_windows</c>' algorithm: computed with the pHash, from the same decoded pixels, so by the decoder the pHash id names.</summary>
    public static string WindowsAlgorithmFor(string phashAlgorithm)
    {
        const string decoder = ",decoder=";
        int at = phashAlgorithm.LastIndexOf(decoder, StringComparison.Ordinal);
        return phashAlgorithm == NoPhashAlgorithm ? NoPhashAlgorithm : Images.WindowHashes.Definition + (at < 0 ? "" : phashAlgorithm[at..]);
    }
}
