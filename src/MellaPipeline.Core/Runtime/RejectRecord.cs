using System.Text.Json.Serialization;

namespace MellaPipeline.Runtime;

/// <summary>
/// One line of a <c>rejects/*.jsonl</c> file: a record a stage dropped or failed, and why;
/// <see cref="Transient"/> marks failures a later run may retry (<see cref="Stages.ReasonCodes.IsTransient"/>).
/// </summary>
public sealed record RejectRecord(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("transient")] bool Transient = false);

/// <summary>Receives rejects from every stage of a task. Implementations must be thread-safe.</summary>
public interface IRejectSink
{
    void Write(RejectRecord reject);
}
