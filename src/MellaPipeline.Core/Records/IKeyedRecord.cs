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
}

/// <summary>A placeholder subject for input that could not even be parsed into a record.</summary>
public sealed record UnparsedInput(string Key, string Origin) : IKeyedRecord;
