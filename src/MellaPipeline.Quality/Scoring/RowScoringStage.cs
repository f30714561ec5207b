using System.Runtime.CompilerServices;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Quality.Scoring;

/// <summary>
/// The plumbing of a stage that scores rows with an <see cref="IRowScorer"/>: it collects
/// <c>batch_size</c> rows (and the tail), scores those that have a stored image in one call, and
/// passes every row on in input order. A row the scorer could not score is a failed reject with
/// the scorer's reason (transient when the code is, like an endpoint's 503); a row without image
/// bytes (<c>load_images.enabled: false</c>, or images stored by reference) is passed on unscored.
/// What a score means — the column, the threshold — is the stage's <see cref="ScoreRule"/>.
/// <para>
/// The scorer is opened when the task's stream starts and disposed when it ends, fails or is
/// cancelled, so a task holds one model or one endpoint client and cache file, never more.
/// </para>
/// </summary>
public sealed class RowScoringStage(ScoreRule rule, Func<IRowScorer> openScorer, int batchSize) : IStreamStage<PairRecord, PairRecord>
{
    public string Name => rule.Stage;

    public async IAsyncEnumerable<StageOutcome<PairRecord>> ProcessAsync(
        IAsyncEnumerable<PairRecord> input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var scorer = openScorer();
        var batch = new List<PairRecord>(batchSize);
        await foreach (var row in input.WithCancellation(cancellationToken))
        {
            batch.Add(row);
            if (batch.Count == batchSize)
            {
                foreach (var outcome in await ScoreBatchAsync(rule, scorer, batch, cancellationToken))
                {
                    yield return outcome;
                }

                batch.Clear();
            }
        }

        foreach (var outcome in await ScoreBatchAsync(rule, scorer, batch, cancellationToken))
        {
            yield return outcome;
        }
    }

    /// <summary>
    /// One batch: the outcome of each row, in order — scored by <paramref name="rule"/>, failed with
    /// the scorer's reason, or passed on unscored without image bytes. Caption layers score their
    /// rows through the same method.
    /// </summary>
    public static async Task<StageOutcome<PairRecord>[]> ScoreBatchAsync(ScoreRule rule, IRowScorer scorer, IReadOnlyList<PairRecord> batch, CancellationToken cancellationToken)
    {
        var scorable = batch.Where(r => r.ImageBytes is not null).ToList();
        var scores = scorable.Count == 0 ? [] : await scorer.ScoreAsync(scorable, cancellationToken);
        if (scores.Count != scorable.Count)
        {
            throw new InvalidOperationException($"{scorer.ModelId} gave {scores.Count} scores for {scorable.Count} rows");
        }

        var outcomes = new StageOutcome<PairRecord>[batch.Count];
        int next = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            var row = batch[i];
            if (row.ImageBytes is null)
            {
                outcomes[i] = StageOutcome<PairRecord>.Ok(row);
                continue;
            }

            var result = scores[next++];
            outcomes[i] = result switch
            {
                { Reason: { } reason } => StageOutcome<PairRecord>.Failed(reason, result.Detail, row),
                // A NaN passes no threshold test either way: a model that gives one fails the row rather than letting it through.
                { Score: { } score } when !float.IsFinite(score) => StageOutcome<PairRecord>.Failed(
                    ReasonCodes.ScoreNotFinite, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{scorer.ModelId} gave {score}"), row),
                { Score: { } score } => rule.Decide(row, score, scorer.ModelId),
                _ => throw new InvalidOperationException($"{scorer.ModelId} gave row {row.Key} neither a score nor a reason"),
            };
        }

        return outcomes;
    }
}
