using System.ComponentModel.DataAnnotations;

using MellaPipeline.Languages;

namespace MellaPipeline.Config;

/// <summary>
/// A pipeline file (<c>pipelines/*.yaml</c>), bound by <see cref="PipelineConfigLoader"/>. Keys are
/// the snake_case forms of these property names; <c>schemas/pipeline.schema.json</c> describes the
/// same contract for editors. Every default here is documented in the README's pipeline reference.
/// </summary>
public sealed class PipelineOptions : IValidatableObject
{
    /// <summary>Pipeline file format version; only 1 exists.</summary>
    [Range(1, 1)]
    public int Version { get; set; } = 1;

    /// <summary>Name of the pipeline; the default run directory is <c>runs/NAME</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9_.-]*$", ErrorMessage = "must be lowercase letters, digits, '.', '_' or '-'")]
    public string Name { get; set; } = string.Empty;

    [Required]
    public InputOptions Input { get; set; } = new();

    /// <summary>Languages to keep (ISO 639-1); pairs in any other language are dropped as <c>lang_not_targeted</c>.</summary>
    [MinLength(1)]
    public List<string> Languages { get; set; } = [.. TargetLanguages.Codes];

    /// <summary>Number of tasks (world size) the input is split into; each writes its own shards.</summary>
    [Range(1, 1_000_000)]
    public int Tasks { get; set; } = 4;

    /// <summary>Tasks run at once on this machine; 0 means one per processor core.</summary>
    [Range(0, 1024)]
    public int Workers { get; set; }

    /// <summary>Records buffered between two stages before the upstream stage waits.</summary>
    [Range(1, 1_000_000)]
    public int ChannelCapacity { get; set; } = 256;

    /// <summary>Largest fraction of input records that may fail (not counting policy drops) before the run exits 1.</summary>
    [Range(0.0, 1.0)]
    public double FailureBudget { get; set; } = 0.25;

    public StagesOptions Stages { get; set; } = new();

    public OutputOptions Output { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (int i = 0; i < Languages.Count; i++)
        {
            if (!TargetLanguages.IsTarget(Languages[i]))
            {
                yield return new ValidationResult(
                    $"'{Languages[i]}' is not a target language (expected one of {string.Join(", ", TargetLanguages.Codes)})",
                    [$"languages[{i}]"]);
            }
        }
    }
}

/// <summary>Where the pipeline reads from.</summary>
public sealed class InputOptions
{
    /// <summary>Input format; <c>pairs</c> is JSONL of image-text pairs (README, "Input formats").</summary>
    public InputKind Kind { get; set; } = InputKind.Pairs;

    /// <summary>Files or folders (every <c>*.jsonl</c> inside, sorted), relative to the pipeline file.</summary>
    [Required]
    [MinLength(1)]
    public List<string> Paths { get; set; } = [];
}

public enum InputKind
{
    Pairs,
}

public sealed class StagesOptions
{
    public NormalizeTextOptions NormalizeText { get; set; } = new();

    public LoadImagesOptions LoadImages { get; set; } = new();

    public DedupExactOptions DedupExact { get; set; } = new();
}

/// <summary>Caption clean-up and script checks.</summary>
public sealed class NormalizeTextOptions : IValidatableObject
{
    /// <summary>Shortest caption kept, in user-perceived characters (grapheme clusters).</summary>
    [Range(1, 100_000)]
    public int MinChars { get; set; } = 3;

    /// <summary>Longest caption kept, in user-perceived characters.</summary>
    [Range(1, 100_000)]
    public int MaxChars { get; set; } = 2000;

    /// <summary>Drop a pair whose caption's script cannot be its language's (e.g. Latin text labelled Russian).</summary>
    public bool RequireScriptMatch { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinChars > MaxChars)
        {
            yield return new ValidationResult($"must not exceed max_chars ({MaxChars})", ["min_chars"]);
        }
    }
}

/// <summary>Reading and checking image files.</summary>
public sealed class LoadImagesOptions : IValidatableObject
{
    /// <summary>Images read at once within one task.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Largest image file accepted (e.g. <c>20MB</c>).</summary>
    [ByteSize]
    [Range(1L, 1L << 30)]
    public long MaxBytes { get; set; } = 20L << 20;

    /// <summary>Smallest width and height accepted, in pixels.</summary>
    [Range(1, 65_535)]
    public int MinDimension { get; set; } = 16;

    /// <summary>Largest width or height accepted, in pixels; larger images are rejected before any decode.</summary>
    [Range(1, 65_535)]
    public int MaxDimension { get; set; } = 16_384;

    /// <summary><c>bytes</c> puts the image in the shard; <c>reference</c> stores only its path.</summary>
    public ImageStorage Store { get; set; } = ImageStorage.Bytes;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinDimension > MaxDimension)
        {
            yield return new ValidationResult($"must not exceed max_dimension ({MaxDimension})", ["min_dimension"]);
        }
    }
}

public enum ImageStorage
{
    Bytes,
    Reference,
}

/// <summary>Dropping repeated pairs (same key) within a task.</summary>
public sealed class DedupExactOptions
{
    public bool Enabled { get; set; } = true;
}

/// <summary>Parquet shard layout.</summary>
public sealed class OutputOptions : IValidatableObject
{
    /// <summary>A shard is closed after this many rows.</summary>
    [Range(1, 100_000_000)]
    public int ShardMaxRows { get; set; } = 10_000;

    /// <summary>A shard is closed once its encoded size reaches this (e.g. <c>512MB</c>).</summary>
    [ByteSize]
    [Range(1L << 10, 1L << 40)]
    public long ShardMaxBytes { get; set; } = 512L << 20;

    /// <summary>Rows are buffered in memory up to this size before a row group is written; bounds memory per task.</summary>
    [ByteSize]
    [Range(1L << 10, 4L << 30)]
    public long RowGroupMaxBytes { get; set; } = 64L << 20;

    /// <summary>Most rows in one row group.</summary>
    [Range(1, 10_000_000)]
    public int RowGroupMaxRows { get; set; } = 10_000;

    public ShardCompression Compression { get; set; } = ShardCompression.Zstd;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RowGroupMaxBytes > ShardMaxBytes)
        {
            yield return new ValidationResult($"must not exceed shard_max_bytes ({ShardMaxBytes})", ["row_group_max_bytes"]);
        }
    }
}

/// <summary>Shard compression codecs that DuckDB, Arrow and Hugging Face all read.</summary>
public enum ShardCompression
{
    Zstd,
    Snappy,
}

/// <summary>Marks a <see cref="long"/> option that accepts sizes such as <c>512MB</c>, <c>64 MiB</c> or <c>1000</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ByteSizeAttribute : Attribute;
