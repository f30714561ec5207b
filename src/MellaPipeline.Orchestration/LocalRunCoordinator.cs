using System.Globalization;
using System.Text.Json;
using MellaPipeline.Captions;
using MellaPipeline.Orchestration;
using MellaPipeline.Dedup;
using MellaPipeline.Runs;
using MellaPipeline.Json;
using MellaPipeline.Parquet;
using MellaPipeline.Runtime;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Orchestration;

/// <summary>
/// Runs the tasks of a run on this machine, <c>workers</c> at a time — every task, or with
/// <see cref="RunRequest.Rank"/> just one (each process of a multi-process or Slurm run runs its
/// own rank, then stops) — then, once every task is complete, the reduce steps:
/// near-duplicate clustering over all tasks' rows (when on), the filter of each task's rows into its final shards, the caption layers,
/// the dataset manifest and the run summary. Tasks and steps already marked complete are skipped, so running
/// the same command again continues an interrupted run and changes nothing in a finished one. With <see cref="RunRequest.Phase"/>
/// only one phase of the reduce runs (the filter of one rank, with <see cref="RunRequest.Rank"/>): the phases as separate jobs.
/// </summary>
public sealed partial class LocalRunCoordinator(RunRequest request, IRunProgressDisplay display, ILogger<LocalRunCoordinator> logger)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var options = request.Pipeline.Options;
        var run = new RunDirectory(request.OutDir);
        bool retrying = Retry.TransientRetry.InProgress(run) || request.RetryTransient;
        if (retrying && (request.Rank is not null || request.ReduceOnly || (request.RetryTransient && !run.HasRun)))
        {
            throw new RunDirectoryException(request.RetryTransient && !run.HasRun
                ? $"{run.Root}: no run here to retry; run the pipeline first"
                : $"{run.Root}: a transient retry is done by one process for the whole run; run 'mella run PIPELINE --retry-transient' without --rank or --reduce");
        }

        // Before anything is written: a second process on the same run, rank or reduce is refused here (exit 2).
        int? filterRank = request.ReduceOnly && request.Phase == ReducePhase.Filter ? request.Rank : null;
        using var held = filterRank is { } filtering ? RunLock.Filter(run, filtering)
            : request.Rank is { } onlyRank ? RunLock.Rank(run, onlyRank)
            : request.ReduceOnly ? RunLock.Reduce(run) : RunLock.WholeRun(run);
        bool continuing = RunConfigGuard.Prepare(run, request.Pipeline.ResolvedJson(), request.RequireExistingRun, held.FoundEarlierLocks);
        int world = options.Tasks;
        var ranks = Enumerable.Range(0, world).ToArray();
        int alreadyDone = ranks.Count(run.IsComplete);
        if (request.ReduceOnly && alreadyDone < world)
        {
            var missing = ranks.Where(r => !run.IsComplete(r)).ToArray();
            LogReduceRefused(logger, run.Root, missing.Length, world, RankRanges.Format(missing));
            return ExitCodes.CheckFailed;
        }

        var dataset = new ShardedDataset(options.Name, options.Output, PairPipeline.PhashAlgorithmFor(options));
        var captionLayers = options.Captions
            .Select(layer => new CaptionLayer(layer, dataset, options.Languages, run, () => PairPipeline.Identifier.Value, logger, CaptionScoring(options, run), Blocklisted(options))).ToList();
        var staleLayers = StaleCaptionLayers(run, options);
        if (request.RetryTransient && !Retry.TransientRetry.InProgress(run) && (alreadyDone < world || !File.Exists(run.SummaryPath)))
        {
            throw new RunDirectoryException($"{run.Root}: the run is not complete; finish it first (mella run without --retry-transient), then retry");
        }

        if (!retrying && alreadyDone == world && File.Exists(run.SummaryPath) && staleLayers.Count == 0 && captionLayers.All(layer => layer.Current() is not null))
        {
            var finished = ReadSummary(run);
            LogAlreadyComplete(logger, run.Root);
            PrintReport(run, finished);
            return finished.WithinFailureBudget ? ExitCodes.Success : ExitCodes.CheckFailed;
        }

        int workers = Math.Min(world, options.Workers == 0 ? Environment.ProcessorCount : options.Workers);
        if (continuing)
        {
            LogContinuing(logger, run.Root, alreadyDone, world);
        }
        else
        {
            LogStarting(logger, options.Name, run.Root, world, workers);
        }

        var progress = new RunProgress(world, alreadyDone);
        var executor = new TaskExecutor(run);
        var toRun = ranks.Where(r => !request.ReduceOnly && (request.Rank is null || request.Rank == r) && !run.IsComplete(r)).ToArray();
        await using var shown = new ProgressShown(progress, display.Start(progress, logger));
        if (toRun.Length > 0)
        {
            var map = await BeginCountedPhaseAsync(progress, ProgressText.MapPhase, "records", () => progress.Snapshot().RecordsRead,
                RunTotals.MapTextBytes(options.InputList()), token => RunTotals.MapRecordsAsync(options.InputList(), toRun, world, token), cancellationToken);
            await Parallel.ForEachAsync(
                toRun,
                new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken },
                async (rank, token) =>
                {
                    var counters = new PipelineCounters();
                    progress.Started(rank, counters);
                    var result = await executor.RunAsync(
                        new TaskSlice(rank, world), counters, (task, t) => PairPipeline.RunTaskAsync(options, task, t), token);
                    progress.Finished(rank, result == TaskResult.Completed);
                });
            progress.EndPhase(map);
        }

        if (!request.ReduceOnly && request.Rank is { } only)
        {
            int done = ranks.Count(run.IsComplete);
            LogRankDone(logger, only, world, run.IsComplete(only) ? "complete" : "not complete", done);
            return run.IsComplete(only) ? ExitCodes.Success : ExitCodes.CheckFailed;
        }

        var retry = retrying ? new Retry.TransientRetry(options, dataset, run, logger) : null;
        if (retry is not null && !await retry.PrepareAsync(workers, cancellationToken))
        {
            PrintReport(run, ReadSummary(run));
            return ExitCodes.Success;
        }

        // The near-duplicate reduce runs also with dedup_near off: it keeps keys unique across tasks.
        var reduce = new NearDuplicateReduce(options.Stages.DedupNear, dataset, run, logger, options.Stages.Decontaminate) { Captions = options.Stages.DedupCaptions, ClusterThreads = options.Workers == 0 ? -1 : options.Workers };
        if (request.Phase is ReducePhase.Filter or ReducePhase.Finish && !reduce.IsClustered)
        {
            // A filter that clustered by itself would race the other ranks' filters: clustering is its own job.
            LogPhaseRefused(logger, run.Root, request.Phase.ToString().ToLowerInvariant(), "the rows are not clustered yet", "--reduce --phase cluster");
            return ExitCodes.CheckFailed;
        }

        // Clustering is one step over every row: its bar fills when it is done. Done already (a phase run on its own), it is no phase here.
        var cluster = reduce.IsClustered ? null : progress.BeginPhase("cluster", "rows", RunTotals.ClusterRows(run, world));
        await reduce.ClusterAsync(world, cancellationToken);
        if (cluster is not null)
        {
            cluster.Add(cluster.Total ?? 0);
            progress.EndPhase(cluster);
        }
        if (request.Phase == ReducePhase.Cluster)
        {
            LogPhaseDone(logger, "cluster", run.Root, "--reduce --phase filter [--rank R]");
            return ExitCodes.Success;
        }

        var unfiltered = ranks.Where(r => !run.IsReduced(r)).ToArray();
        if (request.Phase == ReducePhase.Finish && unfiltered.Length > 0)
        {
            LogPhaseRefused(logger, run.Root, "finish", $"the rows of {unfiltered.Length} of {world} tasks are not filtered yet (ranks {RankRanges.Format(unfiltered)})",
                "--reduce --phase filter --rank R");
            return ExitCodes.CheckFailed;
        }

        var stats = new TaskStats[world];
        int[] filterRanks = filterRank is { } one ? [one] : ranks;
        var filter = progress.BeginPhase("filter", "tasks", filterRanks.Length);
        await Parallel.ForEachAsync(
            filterRanks,
            new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken },
            async (rank, token) =>
            {
                stats[rank] = await reduce.FilterTaskAsync(rank, token);
                filter.Add(1);
            });
        progress.EndPhase(filter);
        if (request.Phase == ReducePhase.Filter)
        {
            LogPhaseDone(logger, filterRank is { } r ? $"filter of task {r}" : "filter", run.Root, "--reduce --phase finish, once every task is filtered");
            return ExitCodes.Success;
        }

        reduce.RemoveStaging();

        foreach (string stale in staleLayers)
        {
            run.DiscardCaptionLayer(stale);
        }

        var layers = new List<CaptionLayerSummary>();
        var datasetShards = stats.SelectMany(s => s.Shards).ToList();
        foreach (var (layer, settings) in captionLayers.Zip(options.Captions))
        {
            // A layer built already and unchanged is read back, not run: it is no phase of this run.
            var counters = new PipelineCounters();
            var phase = layer.Current() is not null ? null : await BeginCountedPhaseAsync(progress, "captions " + settings.Name, "lines", () => RunProgress.RecordsRead(counters),
                RunTotals.CaptionTextBytes(settings), async token => await RunTotals.CaptionLinesAsync(settings, token) is { } lines ? new ProgressTotal(lines) : null, cancellationToken);

            layers.Add(await layer.RunAsync(datasetShards, world, cancellationToken, counters));
            if (phase is not null)
            {
                progress.EndPhase(phase);
            }
        }

        var finish = progress.BeginPhase("finish", "files", 2);
        DatasetManifest.FromShards(options.Name, dataset.PhashAlgorithm, datasetShards.Concat(layers.SelectMany(l => l.Stats.Shards))).Write(run.ManifestPath);
        CrashPoints.Reach(CrashPoints.ManifestWritten);
        finish.Add(1);
        var summary = RunSummary.Aggregate(options.Name, [.. stats, .. layers.Select(l => l.Stats)], options.FailureBudget) with { Tasks = world };
        AtomicFile.WriteJson(run.SummaryPath, summary, MellaJson.Indented);
        finish.Add(1);
        retry?.Finish();
        progress.Complete(summary);

        // The display's last line is drawn before the report goes to stdout, so the two never interleave on a terminal.
        await shown.DisposeAsync();
        PrintReport(run, summary);
        if (!summary.WithinFailureBudget)
        {
            LogOverBudget(logger, summary.FailedFraction, summary.FailureBudget);
            return ExitCodes.CheckFailed;
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Begins a phase whose total is counted from its input files: small ones (<see cref="RunTotals.QuickCountBytes"/>)
    /// before it starts, larger ones beside it (the tasks need not wait) until the phase ends, none when <paramref name="textBytes"/> is null (a crawl).
    /// </summary>
    private static async Task<ProgressPhase> BeginCountedPhaseAsync(
        RunProgress progress, string name, string unit, Func<long> count, long? textBytes, Func<CancellationToken, Task<ProgressTotal?>> total, CancellationToken cancellationToken)
    {
        bool quick = textBytes <= RunTotals.QuickCountBytes;
        var phase = progress.BeginCountedPhase(name, unit, quick ? await TryCountAsync(total, cancellationToken) : null, count);
        if (textBytes is not null && !quick)
        {
            _ = Task.Run(async () =>
            {
                // A total learned after the phase ended says nothing: the count stops with the phase, or with the run.
                using var counting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, phase.Ending);
                if (await TryCountAsync(total, counting.Token) is { } counted)
                {
                    progress.LearnTotal(phase, counted);
                }
            }, CancellationToken.None);
        }

        return phase;
    }

    private static async Task<ProgressTotal?> TryCountAsync(Func<CancellationToken, Task<ProgressTotal?>> total, CancellationToken cancellationToken)
    {
        try
        {
            return await total(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Counting is only for the display: the tasks read the same files and report what is wrong with them.
            return null;
        }
    }

    /// <summary>
    /// A display that can be ended before the run's last words (the report) as well as on the way out; a phase still
    /// open on the way out is one the run stopped in (cancelled or failed), and its last line says so.
    /// </summary>
    private sealed class ProgressShown(RunProgress progress, IAsyncDisposable display) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return ValueTask.CompletedTask;
            }

            if (progress.Current is { } stopped)
            {
                progress.EndPhase(stopped, completed: false);
            }

            return display.DisposeAsync();
        }
    }

    /// <summary>Whether a SHA-256 (hex) is on <c>stages.safety.blocklist</c>: caption lines naming such an image are withheld too.</summary>
    private static Func<string, bool>? Blocklisted(Config.PipelineOptions options) =>
        MapStages.BlocklistStep.For(options.Stages.Safety) is { HasSha256: true } list
            ? sha256 => sha256.Length == 64 && sha256.All(char.IsAsciiHexDigit) && list.BlocksSha256(Convert.FromHexString(sha256))
            : null;

    /// <summary>The SHA-256 of a pack's pack.json, which lists every file's hash: a pack changed in place rebuilds the layers it scored.</summary>
    private static string PackManifestHash(string folder) =>
        folder.Length == 0 ? string.Empty : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "pack.json"))));

    /// <summary><c>stages.align</c> for the caption layers' rows, or null when it is off; its settings are part of each layer's fingerprint.</summary>
    private static CaptionRowScoring? CaptionScoring(Config.PipelineOptions options, RunDirectory run)
    {
        var align = options.Stages.Align;
        if (!align.IsOn())
        {
            return null;
        }

        var rule = Quality.Scoring.ScoreRule.Align(align);
        return new CaptionRowScoring(
            () => MapStages.RowScorers.AlignScorer(options, run, rank: 0)!,
            (scorer, rows, cancellationToken) => Quality.Scoring.RowScoringStage.ScoreBatchAsync(rule, scorer, rows, cancellationToken), align.BatchSize,
            // What the scores depend on: the scorer and the threshold, not how many requests run at once.
            string.Join('\n', align.Model, PackManifestHash(align.Model), align.Judge?.Endpoint, align.Judge?.Model, align.Judge?.PromptId, align.Judge?.Prompt, JsonSerializer.Serialize(align.MinScore, MellaJson.Compact)));
    }

    /// <summary>Caption layers built in this run directory that the pipeline no longer lists: they are removed.</summary>
    private static List<string> StaleCaptionLayers(RunDirectory run, Config.PipelineOptions options) =>
        [.. RunStatus.BuiltCaptionLayers(run).Where(name => options.Captions.All(c => c.Name != name))];

    private static RunSummary ReadSummary(RunDirectory run) => JsonSerializer.Deserialize<RunSummary>(File.ReadAllBytes(run.SummaryPath), MellaJson.Indented)!;

    private static void PrintReport(RunDirectory run, RunSummary summary)
    {
        var inv = CultureInfo.InvariantCulture;
        var output = Console.Out;
        output.WriteLine(string.Create(inv,
            $"run complete: {summary.Rows:N0} rows in {summary.Shards} shards ({summary.ShardBytes:N0} bytes); " +
            $"{summary.InputRecords:N0} records read, {summary.Dropped:N0} dropped, {summary.Failed:N0} failed"));
        foreach (var (lang, bySource) in summary.Counts)
        {
            output.WriteLine($"  {lang}: {string.Join(", ", bySource.Select(s => string.Create(inv, $"{s.Key} {s.Value:N0}")))}");
        }

        output.WriteLine($"shards:   {run.ShardsDir}");
        output.WriteLine($"manifest: {run.ManifestPath}");
        output.WriteLine($"stats:    {run.StatsDir}");
        output.WriteLine($"rejects:  {run.RejectsDir}");
        output.WriteLine($"summary:  {run.SummaryPath}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "starting pipeline '{Pipeline}' in {RunDir}: {Tasks} tasks, {Workers} at a time")]
    private static partial void LogStarting(ILogger logger, string pipeline, string runDir, int tasks, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "continuing the run in {RunDir}: {Done} of {Tasks} tasks already complete")]
    private static partial void LogContinuing(ILogger logger, string runDir, int done, int tasks);

    [LoggerMessage(Level = LogLevel.Error, Message = "not reducing {RunDir}: {Missing} of {Tasks} tasks are not complete (ranks {Ranks}); run them first (mella status shows how)")]
    private static partial void LogReduceRefused(ILogger logger, string runDir, int missing, int tasks, string ranks);

    [LoggerMessage(Level = LogLevel.Information, Message = "task {Rank} of {Tasks} {State}; {Done} of {Tasks} tasks complete (the reduce runs with --reduce once all are)")]
    private static partial void LogRankDone(ILogger logger, int rank, int tasks, string state, int done);

    [LoggerMessage(Level = LogLevel.Error, Message = "not running the reduce's {Phase} phase in {RunDir}: {Why}; run mella run PIPELINE --out {RunDir} {Next} first")]
    private static partial void LogPhaseRefused(ILogger logger, string runDir, string phase, string why, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "reduce {Phase} done in {RunDir}; next: mella run PIPELINE --out {RunDir} {Next}")]
    private static partial void LogPhaseDone(ILogger logger, string phase, string runDir, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "{RunDir} is already complete; nothing to do")]
    private static partial void LogAlreadyComplete(ILogger logger, string runDir);

    [LoggerMessage(Level = LogLevel.Error, Message = "failure budget exceeded: {Failed:P2} of input records failed (budget {Budget:P2}); see rejects/")]
    private static partial void LogOverBudget(ILogger logger, double failed, double budget);
}
