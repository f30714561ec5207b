namespace MellaPipeline.Records;

/// <summary>
/// An image-text pair as read from the input, before its image is loaded. Text stages refine
/// <see cref="Text"/>, <see cref="Lang"/> and <see cref="Script"/>; the key never changes.
/// </summary>
/// <param name="Key">Stable id (<see cref="PairKey"/>), computed from the raw input fields.</param>
/// <param name="Origin">Input file and byte offset of the line.</param>
/// <param name="Source"><c>native</c> or <c>mllm</c>.</param>
/// <param name="Text">The caption; normalised once the text stage has run.</param>
/// <param name="Lang">ISO 639-1 code, declared by the input or identified.</param>
/// <param name="Script">ISO 15924 code, detected from the text.</param>
/// <param name="Url">Image URL as published (absolute).</param>
/// <param name="PageUrl">The page the image appeared on.</param>
/// <param name="ImagePath">Local path of the image file, when the input ships it.</param>
/// <param name="CaptionModel">For <c>mllm</c> pairs: the model that wrote the caption.</param>
/// <param name="CaptionSourceLang">For <c>mllm</c> pairs: the caption's language before translation.</param>
public sealed record PairCandidate(
    string Key,
    string Origin,
    string Source,
    string Text,
    string? Lang,
    string? Script,
    string? Url,
    string? PageUrl,
    string? ImagePath,
    string? CaptionModel,
    string? CaptionSourceLang) : IKeyedRecord
{
    /// <summary>
    /// <see cref="Text"/> is already normalised (<c>TextNormalizer</c>): set by an input that had to
    /// normalise it to apply its own rules (crawled alt text) and by <c>normalize_text</c>, so that
    /// text is normalised once per record.
    /// </summary>
    public bool TextNormalized { get; init; }

    /// <summary>The columns a URL list keeps (<c>keep_columns</c>) as one JSON object, carried to <see cref="PairRecord.SourceMeta"/>.</summary>
    public string? SourceMeta { get; init; }
}
