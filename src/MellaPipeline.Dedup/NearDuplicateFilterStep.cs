using System.Globalization;
using MellaPipeline.Config;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Dedup;

/// <summary>
/// The filter phase of the reduce for one task: copies the task's staged rows into its final
/// shards with their cluster id; rows not kept become <c>image_near_duplicate</c> rejects that
/// name the row kept in their place, repeated keys <c>duplicate_pair</c> rejects that name the
/// task whose row was kept. Its figures are the task's stats with the filter as one more stage
/// (<c>reduce/RRRRR.json</c>), its marker <c>completions/reduce-RRRRR</c>; only once that marker
/// is written are the task's staged shards removed.
/// </summary>
internal sealed class NearDuplicateFilterStep(ShardedDataset dataset, RunDirectory run, int rank) : RunStep<TaskStats>
{
    private static readonly StepCrashPoints FilterPoints = new(Completed: CrashPoints.RankFiltered);

    public override string Name => NearDuplicateReduce.StageName;

    public override string MarkerPath => run.ReduceCompletionPath(rank);

    public override string RejectsPath => run.ReducedRejectsPath(rank);

    public override string FiguresPath => run.ReducedStatsPath(rank);

    public override StepCrashPoints Points => FilterPoints;

    public override void DiscardOutputs() => run.DiscardReducedOutputs(rank);

    /// <summary>Also when an earlier attempt died between its marker and this clean-up.</summary>
    public override void AfterCompleted() => RunDirectory.DeleteShards(run.StagingDir, rank);

    public override async Task<TaskStats> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var task = run.ReadStats(rank);
        var decisions = await File.ReadAllBytesAsync(run.ClustersPath(rank), cancellationToken);
        var counters = context.Counters.For(Name);
        var benchmark = new Lazy<BenchmarkNames>(() => BenchmarkNames.Read(run));
        CarryEarlierRejects(context);
        int row = 0;
        await using var shards = new ParquetShardWriter(dataset.WriterOptions(run.ShardsDir, rank));
        foreach (var shard in task.Shards)
        {
            await foreach (var record in ShardReader.ReadAsync(Path.Combine(run.StagingDir, shard.Path), cancellationToken))
            {
                if ((row + 1L) * DecisionFile.SlotBytes > decisions.Length)
                {
                    throw new InvalidDataException($"{run.ClustersPath(rank)}: fewer decisions than staged rows; delete {run.ReduceDir} and run again");
                }

                var entry = DecisionFile.Read(decisions, row++);
                string cluster = entry.Cluster.ToString("x16", CultureInfo.InvariantCulture);
                counters.CountIn();
                switch (entry.Decision)
                {
                    case RowDecision.Kept:
                        counters.CountOk();
                        await shards.WriteAsync(record with { DupCluster = cluster }, cancellationToken);
                        break;
                    case RowDecision.RepeatedKey:
                        int first = checked((int)entry.Cluster);
                        Reject(context, counters, record, ReasonCodes.DuplicatePair,
                            first == rank ? "same key earlier in this task" : $"same key in task {RunDirectory.RankName(first)}, kept there");
                        break;
                    case RowDecision.BenchmarkNearDuplicate:
                        Reject(context, counters, record, ReasonCodes.BenchmarkNearDuplicate, benchmark.Value.NearDuplicate(entry));
                        break;
                    case RowDecision.BenchmarkTextOverlap:
                        Reject(context, counters, record, ReasonCodes.BenchmarkTextOverlap, benchmark.Value.TextOverlap(entry));
                        break;
                    case RowDecision.CaptionNearDuplicate:
                        Reject(context, counters, record, ReasonCodes.CaptionNearDuplicate, CaptionNearDuplicatePhase.Detail(entry, record));
                        break;
                    default:
                        string kept = entry.KeptKey.ToString("x32", CultureInfo.InvariantCulture);
                        Reject(context, counters, record, ReasonCodes.ImageNearDuplicate,
                            $"near duplicate in cluster {cluster} ({record.Lang}, {record.Source}); kept {kept}");
                        break;
                }
            }
        }

        if ((long)row * DecisionFile.SlotBytes != decisions.Length)
        {
            throw new InvalidDataException($"{run.ClustersPath(rank)}: more decisions than staged rows; delete {run.ReduceDir} and run again");
        }

        await shards.CompleteAsync(cancellationToken);
        counters.AddBusy(context.StartTimestamp);
        return task.AfterStage(StageStats.From(counters), shards.Shards);
    }

    /// <summary>
    /// After a transient retry the rows an earlier filter dropped are no longer staged: their rejects,
    /// set aside by the retry, are written again here (their counts are already in the task's stats).
    /// </summary>
    private void CarryEarlierRejects(StepContext context)
    {
        string carried = run.CarriedReducedRejectsPath(rank);
        if (File.Exists(carried))
        {
            foreach (var reject in JsonlRejectWriter.ReadAll(carried))
            {
                context.Rejects.Write(reject);
            }
        }
    }

    private void Reject(StepContext context, StageCounters counters, Records.PairRecord record, string reason, string detail)
    {
        counters.CountReject(OutcomeKind.Dropped, reason);
        context.Rejects.Write(RejectRecord.Of(record, Name, OutcomeKind.Dropped, reason, detail));
    }
}
