using MellaPipeline.Dedup;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.Retry;

/// <summary>
/// Phase two of a transient retry, for one task (every task, since the reduce sees them all):
/// prepares, in <c>retry/restaged/</c> and from the run's untouched files, what the task's staged
/// output would be had the retried samples succeeded the first time. Its rows are the task's
/// dataset rows (with their cluster ids) and the recovered ones merged in input order; its
/// rejects are the task's map rejects without the transient <c>load_images</c> rejects of the
/// samples retried, plus what the retry rejected again; its stats are the task's final stats with
/// the <c>load_images</c> and later counts corrected and the earlier near-duplicate filter's drops
/// kept as a <c>dedup_near</c> stage (so they add up), whose rejects are set aside for the filter
/// that runs again. A task without recovered rows writes no shards: its dataset shards are
/// staged again as they are.
/// </summary>
internal sealed class RestageStep(ShardedDataset dataset, RunDirectory run, RunDirectory round, int rank) : RunStep<TaskStats>
{
    private static readonly StepCrashPoints RestagePoints = new(Completed: CrashPoints.RetryRestaged);

    public override string Name => "retry_transient";

    public override StepCrashPoints Points => RestagePoints;

    public override string MarkerPath => FiguresPath;

    public override string RejectsPath => run.RestagedRejectsPath(rank);

    public override string FiguresPath => run.RestagedStatsPath(rank);

    public override void DiscardOutputs()
    {
        Directory.CreateDirectory(run.RestagedDir);
        RunDirectory.DeleteShards(run.RestagedDir, rank);
        foreach (string path in new[] { RejectsPath, run.CarriedReducedRejectsPath(rank) })
        {
            File.Delete(path);
            File.Delete(AtomicFile.TempPathFor(path));
        }
    }

    public override async Task<TaskStats> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var earlier = run.ReadReducedStats(rank);
        var fetched = File.Exists(round.CompletionPath(rank)) ? AtomicFile.ReadJson<RetryFigures>(round.StatsPath(rank), Json.MellaJson.Indented) : null;
        var again = fetched is null ? [] : JsonlRejectWriter.ReadAll(round.RejectsPath(rank)).ToList();

        // The stages from load_images on saw the retried samples; the ones before it only let them through again.
        var fromImages = earlier.Stages.SkipWhile(s => s.Name != LoadImageStage.StageName)
            .Select(s => s.Name).Where(n => n != NearDuplicateReduce.StageName).ToHashSet(StringComparer.Ordinal);
        var retried = again.Where(r => fromImages.Contains(r.Stage)).ToList();
        var retriedKeys = retried.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var shards = fetched is { Stats.Rows: > 0 } ? await MergeAsync(fetched, retriedKeys, cancellationToken) : earlier.Shards;

        var replaced = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var reject in JsonlRejectWriter.ReadAll(run.RejectsPath(rank)))
        {
            if (reject.Stage == LoadImageStage.StageName && reject.Transient && retriedKeys.Contains(reject.Key))
            {
                replaced[reject.Reason] = replaced.GetValueOrDefault(reject.Reason) + 1;
                continue;
            }

            context.Rejects.Write(reject);
        }

        foreach (var reject in retried)
        {
            context.Rejects.Write(reject);
        }

        if (File.Exists(run.ReducedRejectsPath(rank)))
        {
            string carried = run.CarriedReducedRejectsPath(rank);
            File.Copy(run.ReducedRejectsPath(rank), AtomicFile.TempPathFor(carried), overwrite: true);
            AtomicFile.Commit(AtomicFile.TempPathFor(carried), carried);
        }

        var stages = earlier.Stages.Select(stage => Corrected(stage, fromImages, replaced, fetched?.Stats)).ToList();
        return earlier with
        {
            Seconds = Math.Round(earlier.Seconds + (fetched?.Stats.Seconds ?? 0), 3),
            Rows = shards.Sum(s => s.Rows),
            Dropped = stages.Sum(s => s.Dropped),
            Failed = stages.Sum(s => s.Failed),
            Reasons = StageStats.SumReasons(stages.Select(s => s.Reasons)),
            Counts = LanguageSourceCounts.SumOf(shards.Select(s => s.Counts)),
            Stages = stages,
            Shards = shards,
        };
    }

    /// <summary>
    /// A stage's counts after the retry: the earlier filter keeps only its drops (its kept rows are
    /// staged again and counted by the filter that runs again); load_images forgets the failures
    /// retried; it and the stages after it add what the retry counted.
    /// </summary>
    private static StageStats Corrected(StageStats stage, HashSet<string> fromImages, Dictionary<string, long> replaced, TaskStats? retry)
    {
        if (stage.Name == NearDuplicateReduce.StageName)
        {
            return stage with { In = stage.In - stage.Ok, Ok = 0 };
        }

        if (!fromImages.Contains(stage.Name) || retry is null)
        {
            return stage;
        }

        if (stage.Name == LoadImageStage.StageName)
        {
            long count = replaced.Values.Sum();
            var reasons = new SortedDictionary<string, long>(stage.Reasons, StringComparer.Ordinal);
            foreach (var (reason, n) in replaced)
            {
                reasons[reason] -= n;
                if (reasons[reason] == 0)
                {
                    reasons.Remove(reason);
                }
            }

            stage = stage with { In = stage.In - count, Failed = stage.Failed - count, Reasons = reasons };
        }

        return retry.Stages.FirstOrDefault(s => s.Name == stage.Name) is { } again ? stage.Plus(again) : stage;
    }

    /// <summary>The task's dataset rows and the recovered rows, each placed after as many dataset rows as preceded it in the input.</summary>
    private async Task<IReadOnlyList<ShardInfo>> MergeAsync(RetryFigures fetched, HashSet<string> retriedKeys, CancellationToken cancellationToken)
    {
        var after = fetched.Positions.ToDictionary(p => p.Key, p => p.After, StringComparer.Ordinal);
        await using var recovered = ReadRows(round.StagingDir, fetched.Stats.Shards, cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool pending = await recovered.MoveNextAsync();
        await using var shards = new ParquetShardWriter(dataset.WriterOptions(run.RestagedDir, rank));
        long written = 0;
        await foreach (var row in ReadRows(run.ShardsDir, run.ReadReducedStats(rank).Shards, cancellationToken))
        {
            while (pending && after[recovered.Current.Key] <= written)
            {
                retriedKeys.Add(recovered.Current.Key);
                await shards.WriteAsync(recovered.Current, cancellationToken);
                pending = await recovered.MoveNextAsync();
            }

            await shards.WriteAsync(row, cancellationToken);
            written++;
        }

        for (; pending; pending = await recovered.MoveNextAsync())
        {
            retriedKeys.Add(recovered.Current.Key);
            await shards.WriteAsync(recovered.Current, cancellationToken);
        }

        await shards.CompleteAsync(cancellationToken);
        return shards.Shards;
    }

    private static async IAsyncEnumerable<PairRecord> ReadRows(
        string folder, IReadOnlyList<ShardInfo> shards, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var shard in shards)
        {
            await foreach (var row in ShardReader.ReadAsync(Path.Combine(folder, shard.Path), cancellationToken))
            {
                yield return row;
            }
        }
    }
}
