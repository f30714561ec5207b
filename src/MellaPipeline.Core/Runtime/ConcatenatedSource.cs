using System.Runtime.CompilerServices;
using MellaPipeline.Runs;
using MellaPipeline.Stages;

namespace MellaPipeline.Runtime;

/// <summary>Several sources read one after the other, each over the same task slice.</summary>
public sealed class ConcatenatedSource<T>(IReadOnlyList<IRecordSource<T>> sources) : IRecordSource<T>
{
    public string Name => "read_inputs";

    public async IAsyncEnumerable<StageOutcome<T>> ReadAsync(TaskSlice slice, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            await foreach (var outcome in source.ReadAsync(slice, cancellationToken))
            {
                yield return outcome;
            }
        }
    }
}
