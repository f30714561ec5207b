using System.Runtime.CompilerServices;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.Retry;

/// <summary>
/// A source that passes on only the records whose key <paramref name="keep"/> accepts, asked once
/// per record in input order. What the source could not read is not passed on: an earlier run has
/// already recorded it.
/// </summary>
internal sealed class KeyFilteredSource<T>(IRecordSource<T> source, Func<string, bool> keep) : IRecordSource<T>
    where T : IKeyedRecord
{
    public string Name => source.Name;

    public async IAsyncEnumerable<StageOutcome<T>> ReadAsync(TaskSlice slice, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var outcome in source.ReadAsync(slice, cancellationToken))
        {
            if (outcome.IsOk && keep(outcome.Value!.Key))
            {
                yield return outcome;
            }
        }
    }
}
