using MellaPipeline.Records;

namespace MellaPipeline.Stages;

/// <summary>
/// Drops every repeat of a pair already seen in this task (same key: same source, image URL, page
/// and caption). Memory grows with the task's distinct pairs, a few dozen bytes each.
/// </summary>
public sealed class ExactDedupStage<T> : IStreamStage<T, T>
    where T : IKeyedRecord
{
    public string Name => "dedup_exact";

    public async IAsyncEnumerable<StageOutcome<T>> ProcessAsync(
        IAsyncEnumerable<T> input, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var record in input.WithCancellation(cancellationToken))
        {
            yield return seen.Add(record.Key)
                ? StageOutcome<T>.Ok(record)
                : StageOutcome<T>.Dropped(ReasonCodes.DuplicatePair, "same key earlier in this task", record);
        }
    }
}
