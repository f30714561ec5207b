using System.Globalization;
using System.Text.Json;
using MellaPipeline.Json;

namespace MellaPipeline.Runs;

/// <summary>
/// The on-disk layout of a run (SPEC §4):
/// <code>
/// RUN/config.json              resolved pipeline config (defaults filled in)
/// RUN/shards/part-RRRRR-NNNNN.parquet, RUN/shards/manifest.json
/// RUN/staging/part-RRRRR-NNNNN.parquet   task output before near-duplicate clustering (removed once the run is complete)
/// RUN/reduce/clusters.json     the clustering's figures, written after every RRRRR.clusters file
/// RUN/reduce/RRRRR.clusters    each staged row's cluster and whether it is kept, in row order
/// RUN/reduce/RRRRR.json        a task's stats after the near-duplicate filter
/// RUN/stats/RRRRR.json         per-task counters
/// RUN/rejects/RRRRR.jsonl      every dropped or failed record with its reason code
/// RUN/completions/RRRRR        written last, after the task's outputs are in place
/// RUN/completions/reduce-RRRRR written after the task's filtered shards, rejects and stats
/// RUN/shards/captions-NAME-NNNNN.parquet, RUN/rejects/captions-NAME.jsonl, RUN/reduce/captions-NAME.json,
/// RUN/completions/captions-NAME   a caption layer's rows, rejects, figures and marker
/// RUN/summary.json             all stats added up; written last of all
/// RUN/locks/run, rank-RRRRR, reduce (+ .holder)   flock(2) files of the processes working here (<see cref="RunLock"/>)
/// RUN/retry/                   a round of <c>mella run --retry-transient</c>, laid out like a run; removed after summary.json:
/// RUN/retry/staging/part-RRRRR-NNNNN.parquet, retry/rejects/RRRRR.jsonl, retry/stats/RRRRR.json, retry/completions/RRRRR
///                              the samples of a task downloaded again: their rows, rejects, figures, marker
/// RUN/retry/restaged/part-RRRRR-NNNNN.parquet, RRRRR.jsonl, RRRRR.dedup_near.jsonl, RRRRR.json (marker)
///                              the task's dataset rows with the recovered ones merged in input order, its rejects and stats after the retry
/// RUN/retry/committed          written once every task is restaged: from here the restaged files replace the run's
/// RUN/retry/swapped            written once they have: staging/, stats/, rejects/ hold the merged task, the reduce runs again
/// </code>
/// </summary>
public sealed class RunDirectory
{
    public RunDirectory(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }
    public string ShardsDir => Path.Combine(Root, "shards");
    public string StagingDir => Path.Combine(Root, "staging");
    public string ReduceDir => Path.Combine(Root, "reduce");
    public string ClustersSummaryPath => Path.Combine(ReduceDir, "clusters.json");
    public string StatsDir => Path.Combine(Root, "stats");
    public string RejectsDir => Path.Combine(Root, "rejects");
    public string CompletionsDir => Path.Combine(Root, "completions");
    public string ConfigPath => Path.Combine(Root, "config.json");
    public string SummaryPath => Path.Combine(Root, "summary.json");
    public string ManifestPath => Path.Combine(ShardsDir, "manifest.json");
    public string LocksDir => Path.Combine(Root, "locks");
    public string RetryDir => Path.Combine(Root, "retry");
    public string RestagedDir => Path.Combine(RetryDir, "restaged");

    /// <summary>A task's map rejects and stats as a transient retry leaves them, before they replace <see cref="RejectsPath"/> and <see cref="StatsPath"/>.</summary>
    public string RestagedRejectsPath(int rank) => Path.Combine(RestagedDir, RankName(rank) + ".jsonl");

    public string RestagedStatsPath(int rank) => Path.Combine(RestagedDir, RankName(rank) + ".json");

    /// <summary>The near-duplicate rejects of an earlier reduce, set aside by a transient retry for the filter that runs again.</summary>
    public string CarriedReducedRejectsPath(int rank) => Path.Combine(RestagedDir, RankName(rank) + ".dedup_near.jsonl");

    public static string RankName(int rank) => rank.ToString("D5", CultureInfo.InvariantCulture);

    public static string ShardFileName(int rank, int sequence) =>
        $"part-{RankName(rank)}-{sequence.ToString("D5", CultureInfo.InvariantCulture)}.parquet";

    public string StatsPath(int rank) => Path.Combine(StatsDir, RankName(rank) + ".json");

    public string RejectsPath(int rank) => Path.Combine(RejectsDir, RankName(rank) + ".jsonl");

    public string CompletionPath(int rank) => Path.Combine(CompletionsDir, RankName(rank));

    public string ClustersPath(int rank) => Path.Combine(ReduceDir, RankName(rank) + ".clusters");

    public string ReducedStatsPath(int rank) => Path.Combine(ReduceDir, RankName(rank) + ".json");

    public string ReducedRejectsPath(int rank) => Path.Combine(RejectsDir, RankName(rank) + ".dedup_near.jsonl");

    public string ReduceCompletionPath(int rank) => Path.Combine(CompletionsDir, "reduce-" + RankName(rank));

    public bool IsReduced(int rank) => File.Exists(ReduceCompletionPath(rank));

    /// <summary>Name prefix of a caption layer's shards.</summary>
    public static string CaptionShardPrefix(string layer) => $"captions-{layer}-";

    public string CaptionRejectsPath(string layer) => Path.Combine(RejectsDir, $"captions-{layer}.jsonl");

    public string CaptionStatsPath(string layer) => Path.Combine(ReduceDir, $"captions-{layer}.json");

    public string CaptionCompletionPath(string layer) => Path.Combine(CompletionsDir, $"captions-{layer}");

    /// <summary>Removes a caption layer's shards, rejects, stats and marker, so that it can be built again.</summary>
    public void DiscardCaptionLayer(string layer)
    {
        File.Delete(CaptionCompletionPath(layer));
        if (Directory.Exists(ShardsDir))
        {
            foreach (var file in Directory.EnumerateFiles(ShardsDir, CaptionShardPrefix(layer) + "*"))
            {
                File.Delete(file);
            }
        }

        DeleteWithTemp(CaptionRejectsPath(layer), CaptionStatsPath(layer));
    }

    /// <summary>True when a run has been started here (its resolved config was saved).</summary>
    public bool HasRun => File.Exists(ConfigPath);

    public void Create()
    {
        Directory.CreateDirectory(ShardsDir);
        Directory.CreateDirectory(StatsDir);
        Directory.CreateDirectory(RejectsDir);
        Directory.CreateDirectory(CompletionsDir);
    }

    public bool IsComplete(int rank) => File.Exists(CompletionPath(rank));

    /// <summary>
    /// Removes whatever an interrupted attempt at <paramref name="rank"/> left behind (shards,
    /// temporary files, rejects, stats), so the next attempt starts clean and writes each row once.
    /// </summary>
    public void DiscardTaskOutputs(int rank)
    {
        DeleteShards(ShardsDir, rank);
        DeleteShards(StagingDir, rank);
        DeleteWithTemp(RejectsPath(rank), StatsPath(rank));
    }

    /// <summary>Removes what an interrupted near-duplicate filter of <paramref name="rank"/> left behind (its final shards, rejects and stats).</summary>
    public void DiscardReducedOutputs(int rank)
    {
        DeleteShards(ShardsDir, rank);
        DeleteWithTemp(ReducedRejectsPath(rank), ReducedStatsPath(rank));
    }

    /// <summary>The task's shards in <paramref name="folder"/>, temporary ones included.</summary>
    public static void DeleteShards(string folder, int rank)
    {
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, $"part-{RankName(rank)}-*"))
            {
                File.Delete(file);
            }
        }
    }

    private static void DeleteWithTemp(params string[] paths)
    {
        foreach (var path in paths)
        {
            File.Delete(path);
            File.Delete(AtomicFile.TempPathFor(path));
        }
    }

    /// <summary>Writes the completion marker: the last act of a task, after all its outputs are renamed into place.</summary>
    public void MarkComplete(int rank) => AtomicFile.WriteAllBytes(CompletionPath(rank), []);

    public TaskStats ReadStats(int rank) => AtomicFile.ReadJson<TaskStats>(StatsPath(rank), MellaJson.Indented);

    /// <summary>A task's stats after the near-duplicate filter: its final shards and every stage's counts.</summary>
    public TaskStats ReadReducedStats(int rank) => AtomicFile.ReadJson<TaskStats>(ReducedStatsPath(rank), MellaJson.Indented);
}
