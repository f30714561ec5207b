using MellaPipeline.Config;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;
using MellaPipeline.Stages;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Orchestration.Retry;

/// <summary>
/// <c>mella run PIPELINE --retry-transient</c> on a complete run: downloads again exactly the
/// samples whose <c>load_images</c> reject is transient (<see cref="ReasonCodes.IsTransient"/>)
/// and turns the run back into one whose tasks are complete and whose reduce has yet to run, as if
/// those samples had succeeded (or failed as they do now) the first time. The caller then runs the
/// reduce as usual (near-duplicate clustering, filter, caption layers, manifest, summary) and
/// <see cref="Finish"/> last.
/// <para>
/// The round lives in <c>RUN/retry/</c> and is crash-safe in four acts, each resumable: (1) per task
/// with transient rejects, <see cref="RetryFetchStep"/> (marker <c>retry/completions/RRRRR</c>);
/// (2) per task, <see cref="RestageStep"/> (marker <c>retry/restaged/RRRRR.json</c>); until here the
/// run itself is untouched. (3) <c>retry/committed</c>, then the restaged files are moved into the
/// run (every move idempotent) and the reduce's markers removed; (4) <c>retry/swapped</c>. Any
/// later <c>mella run</c> of the run, with the flag or without, continues the round where it stopped.
/// </para>
/// </summary>
public sealed partial class TransientRetry(PipelineOptions options, ShardedDataset dataset, RunDirectory run, ILogger logger)
{
    private readonly RunDirectory _round = new(run.RetryDir);

    private string CommittedPath => Path.Combine(run.RetryDir, "committed");

    private string SwappedPath => Path.Combine(run.RetryDir, "swapped");

    private string FinishedDir => run.RetryDir + ".done";

    /// <summary>True when a retry round was started in <paramref name="run"/> and its reduce has not finished.</summary>
    public static bool InProgress(RunDirectory run) => Directory.Exists(run.RetryDir);

    /// <summary>
    /// Acts 1 to 4 (those not done yet). False, with nothing changed, when no round is in progress
    /// and no task has a transient <c>load_images</c> reject.
    /// </summary>
    public async Task<bool> PrepareAsync(int workers, CancellationToken cancellationToken)
    {
        DeleteFinished();
        var ranks = Enumerable.Range(0, options.Tasks).ToArray();
        if (!File.Exists(CommittedPath))
        {
            var wanted = ranks.Select(TransientKeys).ToArray();
            long total = wanted.Sum(w => w.Count);
            if (total == 0 && !InProgress(run))
            {
                LogNothingToRetry(logger, run.Root);
                return false;
            }

            Directory.CreateDirectory(run.RetryDir);
            LogRetrying(logger, total, wanted.Count(w => w.Count > 0), run.Root);
            var runner = new StepRunner(_round);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(ranks.Where(r => wanted[r].Count > 0), parallel, async (rank, token) =>
                await runner.RunAsync(new RetryFetchStep(options, run, _round, new TaskSlice(rank, options.Tasks), wanted[rank]), token));
            long missing = Fetched(ranks).Sum(f => f.Wanted - f.Positions.Count);
            if (missing > 0)
            {
                LogNotFoundAgain(logger, missing);
            }

            await Parallel.ForEachAsync(ranks, parallel, async (rank, token) =>
                await new StepRunner(run).RunAsync(new RestageStep(dataset, run, _round, rank), token));
            AtomicFile.WriteAllBytes(CommittedPath, []);
        }

        long recovered = Fetched(ranks).Sum(f => f.Stats.Rows);
        if (!File.Exists(SwappedPath))
        {
            Swap(ranks, datasetChanged: recovered > 0);
            AtomicFile.WriteAllBytes(SwappedPath, []);
        }

        LogRecovered(logger, recovered);
        return true;
    }

    /// <summary>The last act, after the summary: the round's folder goes (renamed first, so a crash while deleting leaves no half round).</summary>
    public void Finish()
    {
        if (InProgress(run))
        {
            Directory.Move(run.RetryDir, FinishedDir);
        }

        DeleteFinished();
    }

    /// <summary>The figures of every task whose samples were downloaded again.</summary>
    private IEnumerable<RetryFigures> Fetched(int[] ranks) =>
        ranks.Where(r => File.Exists(_round.CompletionPath(r))).Select(r => AtomicFile.ReadJson<RetryFigures>(_round.StatsPath(r), Json.MellaJson.Indented));

    /// <summary>Keys of the task's samples whose <c>load_images</c> reject is transient.</summary>
    private HashSet<string> TransientKeys(int rank) =>
        JsonlRejectWriter.ReadAll(run.RejectsPath(rank))
            .Where(r => r.Stage == LoadImageStage.StageName && r.Transient)
            .Select(r => r.Key)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Act 3: the restaged files replace the run's. The summary goes first (the run reads as not
    /// reduced), then each task's reduce marker, then its files; every step may be repeated after a crash.
    /// </summary>
    private void Swap(int[] ranks, bool datasetChanged)
    {
        File.Delete(run.SummaryPath);
        File.Delete(run.ClustersSummaryPath);
        Directory.CreateDirectory(run.StagingDir);
        foreach (int rank in ranks)
        {
            File.Delete(run.ReduceCompletionPath(rank));
            var restaged = ShardsOf(run.RestagedDir, rank);

            // A task with recovered rows stages its merged shards; the others stage their dataset shards as they are.
            if (restaged.Length > 0)
            {
                RunDirectory.DeleteShards(run.ShardsDir, rank);
            }

            foreach (string shard in restaged.Length > 0 ? restaged : ShardsOf(run.ShardsDir, rank))
            {
                File.Move(shard, Path.Combine(run.StagingDir, Path.GetFileName(shard)), overwrite: true);
            }

            MoveIfPresent(run.RestagedRejectsPath(rank), run.RejectsPath(rank));
            MoveIfPresent(run.RestagedStatsPath(rank), run.StatsPath(rank));
            CrashPoints.Reach(CrashPoints.RetrySwapping);
        }

        if (datasetChanged)
        {
            foreach (var layer in options.Captions)
            {
                run.DiscardCaptionLayer(layer.Name);
            }
        }
    }

    private static string[] ShardsOf(string folder, int rank) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, $"part-{RunDirectory.RankName(rank)}-*.parquet").Order(StringComparer.Ordinal).ToArray() : [];

    private static void MoveIfPresent(string from, string to)
    {
        if (File.Exists(from))
        {
            File.Move(from, to, overwrite: true);
        }
    }

    private void DeleteFinished()
    {
        if (Directory.Exists(FinishedDir))
        {
            Directory.Delete(FinishedDir, recursive: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{RunDir} has no transient load_images rejects; nothing to retry")]
    private static partial void LogNothingToRetry(ILogger logger, string runDir);

    [LoggerMessage(Level = LogLevel.Information, Message = "retrying {Samples} samples with transient rejects in {Tasks} tasks of {RunDir}")]
    private static partial void LogRetrying(ILogger logger, long samples, int tasks, string runDir);

    [LoggerMessage(Level = LogLevel.Warning, Message = "transient retry: {Missing} samples were not read from the input again (a page that could not be fetched this time?); they keep their rejects")]
    private static partial void LogNotFoundAgain(ILogger logger, long missing);

    [LoggerMessage(Level = LogLevel.Information, Message = "transient retry: {Recovered} samples recovered; the reduce runs again")]
    private static partial void LogRecovered(ILogger logger, long recovered);
}
