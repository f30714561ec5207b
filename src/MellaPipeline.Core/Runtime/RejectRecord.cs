using System.Text.Json.Serialization;

namespace MellaPipeline.Runtime;

/// <summary>
/// One line of a <c>rejects/*.jsonl</c> file: a record a stage dropped or failed, and why;
/// <see cref="Transient"/> marks failures a later run may retry (<see cref="Stages.ReasonCodes.IsTransient"/>).
/// <see cref="Url"/> and <see cref="PageUrl"/> name the pair's image and page as the input gave them
/// (before any redirect, as in a row's <c>url</c>), so a user can find which image went and why;
/// they are null only where no pair candidate exists (a malformed line; a page that could not be
/// fetched has its page URL only). <see cref="Lang"/> is the record's language when it is known,
/// so <c>mella coverage --report</c> can draw each language's funnel from the rejects.
/// </summary>
public sealed record RejectRecord(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("transient")] bool Transient = false,
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("page_url")] string? PageUrl = null,
    [property: JsonPropertyName("lang")] string? Lang = null)
{
    /// <summary>A reject of <paramref name="subject"/>: its key, origin and URLs.</summary>
    public static RejectRecord Of(Records.IKeyedRecord subject, string stage, Stages.OutcomeKind kind, string reason, string? detail) => new(
        subject.Key,
        subject.Origin,
        stage,
        kind == Stages.OutcomeKind.Dropped ? "dropped" : "failed",
        reason,
        detail,
        kind == Stages.OutcomeKind.Failed && Stages.ReasonCodes.IsTransient(reason),
        subject.Url,
        subject.PageUrl,
        subject.Lang);
}

/// <summary>Receives rejects from every stage of a task. Implementations must be thread-safe.</summary>
public interface IRejectSink
{
    void Write(RejectRecord reject);
}
