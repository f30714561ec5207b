using System.Text.Json.Nodes;
using Parquet.Schema;

namespace MellaPipeline.Parquet;

/// <summary>
/// The Parquet schema of a dataset shard (SPEC §3, documented column by column in
/// <c>schemas/shard.md</c>) and the key-value metadata every shard carries.
/// </summary>
public static class ShardSchema
{
    /// <summary>Bumped whenever a column is added, removed or changes meaning.</summary>
    public const string Version = "2";

    public const string HuggingFaceMetadataKey = "huggingface";
    public const string SchemaVersionMetadataKey = "mella.schema_version";
    public const string PhashAlgorithmMetadataKey = "mella.phash_algorithm";
    public const string PipelineMetadataKey = "mella.pipeline";

    /// <summary>Perceptual-hash algorithm id written while no hashing stage has filled <c>phash</c>.</summary>
    public const string NoPhashAlgorithm = "none";

    public static readonly DataField<string> Key = new("key", nullable: false);
    public static readonly DataField<string> Lang = new("lang", nullable: false);
    public static readonly DataField<string> Script = new("script", nullable: false);
    public static readonly DataField<string> Source = new("source", nullable: false);
    public static readonly DataField<string> Text = new("text", nullable: false);
    public static readonly DataField<byte[]> ImageBytes = new("bytes", nullable: true);
    public static readonly DataField<string> ImagePath = new("path", nullable: true);
    public static readonly StructField Image = new("image", ImageBytes, ImagePath);
    public static readonly DataField<string> Url = new("url", nullable: true);
    public static readonly DataField<string> PageUrl = new("page_url", nullable: true);
    public static readonly DataField<int> Width = new("width", nullable: false);
    public static readonly DataField<int> Height = new("height", nullable: false);
    public static readonly DataField<string> Sha256 = new("sha256", nullable: false);
    public static readonly DataField<string> Phash = new("phash", nullable: true);
    public static readonly DataField<string> DupCluster = new("dup_cluster", nullable: false);
    public static readonly DataField<string> CaptionModel = new("caption_model", nullable: true);
    public static readonly DataField<string> CaptionSourceLang = new("caption_source_lang", nullable: true);
    public static readonly DataField<string> Origin = new("origin", nullable: false);
    public static readonly DataField<int> OrigWidth = new("orig_width", nullable: false);
    public static readonly DataField<int> OrigHeight = new("orig_height", nullable: false);
    public static readonly DataField<string> ImageOps = new("image_ops", nullable: true);
    public static readonly DataField<string> CaptionPromptId = new("caption_prompt_id", nullable: true);
    public static readonly DataField<string> CaptionTranslator = new("caption_translator", nullable: true);

    public static readonly ParquetSchema Schema = new(
        Key, Lang, Script, Source, Text, Image, Url, PageUrl, Width, Height, Sha256, Phash, DupCluster, CaptionModel, CaptionSourceLang,
        Origin, OrigWidth, OrigHeight, ImageOps, CaptionPromptId, CaptionTranslator);

    /// <summary>Column names in file order, as readers see them.</summary>
    public static readonly IReadOnlyList<string> ColumnNames =
        ["key", "lang", "script", "source", "text", "image", "url", "page_url", "width", "height", "sha256", "phash", "dup_cluster", "caption_model", "caption_source_lang",
         "origin", "orig_width", "orig_height", "image_ops", "caption_prompt_id", "caption_translator"];

    /// <summary>
    /// The <c>huggingface</c> metadata entry: the <c>datasets</c> features of every column, so that
    /// <c>load_dataset("parquet", ...)</c> decodes <c>image</c> as an <c>Image</c> feature.
    /// </summary>
    public static string HuggingFaceFeaturesJson()
    {
        static JsonObject Value(string dtype) => new() { ["dtype"] = dtype, ["_type"] = "Value" };
        var features = new JsonObject();
        foreach (string column in ColumnNames)
        {
            features[column] = column switch
            {
                "image" => new JsonObject { ["_type"] = "Image" },
                "width" or "height" or "orig_width" or "orig_height" => Value("int32"),
                _ => Value("string"),
            };
        }

        return new JsonObject { ["info"] = new JsonObject { ["features"] = features } }.ToJsonString();
    }

    public static Dictionary<string, string> Metadata(string pipeline, string phashAlgorithm) => new(StringComparer.Ordinal)
    {
        [HuggingFaceMetadataKey] = HuggingFaceFeaturesJson(),
        [SchemaVersionMetadataKey] = Version,
        [PhashAlgorithmMetadataKey] = phashAlgorithm,
        [PipelineMetadataKey] = pipeline,
    };
}
