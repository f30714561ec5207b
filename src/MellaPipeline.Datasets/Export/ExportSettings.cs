namespace MellaPipeline.Datasets.Export;

/// <summary>The layouts <c>mella export</c> writes.</summary>
public enum ExportFormat
{
    /// <summary>WebDataset tars with an index (<see cref="WebDatasetWriter"/>).</summary>
    WebDataset,

    /// <summary>A Hugging Face <c>imagefolder</c>: <c>metadata.jsonl</c> and image files (<see cref="ImageFolderWriter"/>).</summary>
    Jsonl,
}

/// <summary>What <c>mella export</c> is asked to write.</summary>
/// <param name="MaxSamples">Most samples in one tar (webdataset).</param>
/// <param name="MaxBytes">Most bytes in one tar (webdataset); a sample larger than that alone gets a tar of its own.</param>
public sealed record ExportSettings(ExportFormat Format, RowFilter Filter, long MaxSamples = ExportSettings.DefaultMaxSamples, long MaxBytes = ExportSettings.DefaultMaxBytes)
{
    /// <summary>10,000 samples a tar: the usual WebDataset shard, a few hundred MB of web images, read whole by one loader worker.</summary>
    public const long DefaultMaxSamples = 10_000;

    /// <summary>1 GB (2³⁰ bytes) a tar, whichever of the two bounds comes first.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>The names <c>--format</c> takes.</summary>
    public static readonly IReadOnlyList<string> FormatNames = ["webdataset", "jsonl"];

    /// <summary>Largest <c>--max-bytes</c> (1 TB): no tar a loader streams is larger.</summary>
    public const long MaxTarBytes = 1L << 40;

    /// <summary>The settings the options give (<c>--format</c> already one of <see cref="FormatNames"/>), or one line saying which option is wrong.</summary>
    public static (ExportSettings? Settings, string? Problem) Parse(string format, IEnumerable<string> where, long maxSamples, string maxBytes)
    {
        var (filter, problem) = RowFilter.Parse(where);
        if (filter is null)
        {
            return (null, problem);
        }

        if (!Config.ByteSize.TryParse(maxBytes, out long bytes) || bytes < 1 || bytes > MaxTarBytes)
        {
            return (null, $"--max-bytes: '{Input.UserFile.Excerpt(maxBytes, 40)}' is not a size from 1 byte to 1TB");
        }

        return (new ExportSettings(format == "jsonl" ? ExportFormat.Jsonl : ExportFormat.WebDataset, filter, maxSamples, bytes), null);
    }
}
