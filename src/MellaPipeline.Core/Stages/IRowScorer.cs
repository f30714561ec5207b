using MellaPipeline.Records;

namespace MellaPipeline.Stages;

/// <summary>
/// Scores dataset rows in batches: an image–text alignment model, an MLLM judge or an image safety
/// classifier. Batches because a model runs one tensor per call and an endpoint many requests at
/// once; a row it cannot score is an outcome, never an exception, so one bad image does not end a task.
/// </summary>
public interface IRowScorer : IDisposable
{
    /// <summary>The id written to <c>align_model</c> (or recorded beside <c>nsfw_score</c>), e.g. <c>tiny-clip@1</c> or <c>judge:MODEL/PROMPT_ID</c>.</summary>
    string ModelId { get; }

    /// <summary>One outcome per row, in order: a score, or a reason code (and detail) when the row could not be scored.</summary>
    ValueTask<IReadOnlyList<RowScore>> ScoreAsync(IReadOnlyList<PairRecord> rows, CancellationToken cancellationToken);
}

/// <summary>A row's score, or why it has none (<see cref="Reason"/> is a reason code of <see cref="ReasonCodes"/>).</summary>
public readonly record struct RowScore(float? Score, string? Reason = null, string? Detail = null);
