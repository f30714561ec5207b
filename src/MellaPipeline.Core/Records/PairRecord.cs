namespace MellaPipeline.Records;

/// <summary>
/// One dataset row (SPEC §3): an image-text pair with its image loaded and described. This is
/// the record that shard writers consume.
/// </summary>
public sealed record PairRecord : IKeyedRecord
{
    public required string Key { get; init; }
    /// <summary>Where the pair came from: input file and byte offset, or the crawled page's URL.</summary>
    public required string Origin { get; init; }
    public required string Lang { get; init; }
    public required string Script { get; init; }
    public required string Source { get; init; }
    public required string Text { get; init; }

    /// <summary>Encoded image bytes, or null when images are stored by reference.</summary>
    public byte[]? ImageBytes { get; init; }

    /// <summary>The image's file name or path, as Hugging Face's <c>Image</c> feature expects.</summary>
    public string? ImagePath { get; init; }

    public string? Url { get; init; }
    public string? PageUrl { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }

    /// <summary>Lowercase hex SHA-256 of the stored image bytes; null when <c>load_images</c> is off (no image was read).</summary>
    public required string? Sha256 { get; init; }

    /// <summary>16 hex digits of a 64-bit perceptual hash, or null before the hashing stage exists.</summary>
    public string? Phash { get; init; }

    /// <summary>80 hex digits: the pHashes of the image's five windows (<see cref="Images.WindowHashes"/>), or null with <see cref="Phash"/> and in rows read from older shards.</summary>
    public string? PhashWindows { get; init; }

    /// <summary>Near-duplicate cluster id, identical for every pair of near-identical images.</summary>
    public required string DupCluster { get; init; }

    public string? CaptionModel { get; init; }
    public string? CaptionSourceLang { get; init; }

    /// <summary>For <c>mllm</c> rows: the id of the prompt the model was given (e.g. <c>describe-v1</c>).</summary>
    public string? CaptionPromptId { get; init; }

    /// <summary>For translated <c>mllm</c> rows: the engine that translated the caption into <see cref="Lang"/>.</summary>
    public string? CaptionTranslator { get; init; }

    /// <summary>For <c>fused</c> rows: the key of the native row whose alt text the caption was written from.</summary>
    public string? GroundedFrom { get; init; }

    /// <summary>Size of the image as downloaded or read (after EXIF orientation), before any resize for storage.</summary>
    public required int OrigWidth { get; init; }

    public required int OrigHeight { get; init; }

    /// <summary>What was done to the pixels before hashing and storing (e.g. <c>orient=6;icc=srgb;frame=0/12;resize=keep_ratio:512</c>), or null when nothing was.</summary>
    public string? ImageOps { get; init; }

    /// <summary>The URL list's <c>keep_columns</c> of this row, as one JSON object (e.g. LAION's <c>{"similarity": 0.31, "punsafe": 0.01}</c>), or null.</summary>
    public string? SourceMeta { get; init; }

    /// <summary>Image–text alignment score from <c>stages.align</c>, or null when not scored.</summary>
    public float? AlignScore { get; init; }

    /// <summary>The model pack (<c>NAME@VERSION</c>) or judge (<c>judge:MODEL/PROMPT_ID</c>) that gave <see cref="AlignScore"/>.</summary>
    public string? AlignModel { get; init; }

    /// <summary>Image safety classifier score from <c>stages.safety.model</c>, or null.</summary>
    public float? NsfwScore { get; init; }
}
