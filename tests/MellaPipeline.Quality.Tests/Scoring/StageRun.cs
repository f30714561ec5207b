using MellaPipeline.Quality.Scoring;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Quality.Tests.Scoring;

/// <summary>Runs a scoring stage over rows as a task's stream does (one at a time, asynchronously) and collects its outcomes in order.</summary>
internal static class StageRun
{
    public static async Task<List<StageOutcome<PairRecord>>> RunAsync(RowScoringStage stage, IEnumerable<PairRecord> rows)
    {
        async IAsyncEnumerable<PairRecord> Input()
        {
            foreach (var row in rows)
            {
                await Task.Yield();
                yield return row;
            }
        }

        var outcomes = new List<StageOutcome<PairRecord>>();
        await foreach (var outcome in stage.ProcessAsync(Input(), CancellationToken.None))
        {
            outcomes.Add(outcome);
        }

        return outcomes;
    }
}
