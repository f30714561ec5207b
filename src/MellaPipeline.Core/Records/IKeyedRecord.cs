namespace MellaPipeline.Records;

/// <summary>
/// A record that can be named in a reject file: its stable <see cref="Key"/> and where in the
/// input it came from (<see cref="Origin"/>, e.g. <c>pairs.jsonl@1234</c>, a file and byte offset).
/// </summary>
public interface IKeyedRecord
{
    /// <summary>Stable id: the same input gives the same key in every run.</summary>
    string Key { get; }

    /// <summary>Where the record was read from, for people tracing a reject back to its input.</summary>
    string Origin { get; }

    /// <summary>The image URL as the page or the list gave it (before any redirect); null where no image is known.</summary>
    string? Url => null;

    /// <summary>The page the image appeared on; null where the input names none.</summary>
    string? PageUrl => null;

    /// <summary>The caption's language (ISO 639-1) as far as it is known when the record is rejected; null before any is (a malformed line, an empty alt text).</summary>
    string? Lang => null;
}

/// <summary>
/// A placeholder subject for input that could not be made into a pair: a malformed line (no URLs),
/// a page that could not be fetched (its <paramref name="PageUrl"/> only), an image whose alt text
/// was dropped (both URLs).
/// </summary>
public sealed record UnparsedInput(string Key, string Origin, string? Url = null, string? PageUrl = null, string? Lang = null) : IKeyedRecord;
