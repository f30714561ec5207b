using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

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
