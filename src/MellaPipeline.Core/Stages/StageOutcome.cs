using MellaPipeline.Records;

namespace MellaPipeline.Stages;

/// <summary>What happened to one record in a stage.</summary>
public enum OutcomeKind
{
    /// <summary>The record goes on to the next stage.</summary>
    Ok,

    /// <summary>The record was filtered out by policy (too short, wrong language, duplicate).</summary>
    Dropped,

    /// <summary>The record could not be processed (unreadable image, malformed input line).</summary>
    Failed,
}

/// <summary>
/// The result of a stage for one record: a value, or a reject with a snake_case reason code.
/// Outcomes are returned, not thrown; exceptions are reserved for bugs and infrastructure.
/// </summary>
public readonly record struct StageOutcome<T>
{
    public OutcomeKind Kind { get; private init; }
    public T? Value { get; private init; }

    /// <summary>snake_case reason code for drops and failures (see <see cref="ReasonCodes"/>).</summary>
    public string? Reason { get; private init; }

    /// <summary>Free text for people: what exactly was wrong.</summary>
    public string? Detail { get; private init; }

    /// <summary>The record the reject is about; stream stages and sources must set it, record stages may leave it to the runner.</summary>
    public IKeyedRecord? Subject { get; private init; }

    public bool IsOk => Kind == OutcomeKind.Ok;

    public static StageOutcome<T> Ok(T value) => new() { Kind = OutcomeKind.Ok, Value = value };

    public static StageOutcome<T> Dropped(string reason, string? detail = null, IKeyedRecord? subject = null) =>
        new() { Kind = OutcomeKind.Dropped, Reason = reason, Detail = detail, Subject = subject };

    public static StageOutcome<T> Failed(string reason, string? detail = null, IKeyedRecord? subject = null) =>
        new() { Kind = OutcomeKind.Failed, Reason = reason, Detail = detail, Subject = subject };
}
