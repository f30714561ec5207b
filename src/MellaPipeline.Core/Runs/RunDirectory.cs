using System.Globalization;
using System.Text.Json;
using MellaPipeline.Json;

namespace MellaPipeline.Runs;

/// <summary>
/// The on-disk layout of a run (SPEC §4):
/// <code>
/// RUN/config.json              resolved pipeline config (defaults filled in)
/// RUN/shards/part-RRRRR-NNNNN.parquet, RUN/shards/manifest.json
/// RUN/stats/RRRRR.json         per-task counters
/// RUN/rejects/RRRRR.jsonl      every dropped or failed record with its reason code
/// RUN/completions/RRRRR        written last, after the task's outputs are in place
/// RUN/summary.json             all stats added up; written last of all
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
    public string StatsDir => Path.Combine(Root, "stats");
    public string RejectsDir => Path.Combine(Root, "rejects");
    public string CompletionsDir => Path.Combine(Root, "completions");
    public string ConfigPath => Path.Combine(Root, "config.json");
    public string SummaryPath => Path.Combine(Root, "summary.json");
    public string ManifestPath => Path.Combine(ShardsDir, "manifest.json");

    public static string RankName(int rank) => rank.ToString("D5", CultureInfo.InvariantCulture);

    public static string ShardFileName(int rank, int sequence) =>
        $"part-{RankName(rank)}-{sequence.ToString("D5", CultureInfo.InvariantCulture)}.parquet";

    public string StatsPath(int rank) => Path.Combine(StatsDir, RankName(rank) + ".json");

    public string RejectsPath(int rank) => Path.Combine(RejectsDir, RankName(rank) + ".jsonl");

    public string CompletionPath(int rank) => Path.Combine(CompletionsDir, RankName(rank));

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
        string prefix = $"part-{RankName(rank)}-";
        if (Directory.Exists(ShardsDir))
        {
            foreach (var file in Directory.EnumerateFiles(ShardsDir, prefix + "*"))
            {
                File.Delete(file);
            }
        }

        foreach (var path in new[] { RejectsPath(rank), StatsPath(rank) })
        {
            File.Delete(path);
            File.Delete(AtomicFile.TempPathFor(path));
        }
    }

    /// <summary>Writes the completion marker: the last act of a task, after all its outputs are renamed into place.</summary>
    public void MarkComplete(int rank) => AtomicFile.WriteAllBytes(CompletionPath(rank), []);

    public TaskStats ReadStats(int rank)
    {
        string path = StatsPath(rank);
        return JsonSerializer.Deserialize<TaskStats>(File.ReadAllBytes(path), MellaJson.Indented)
            ?? throw new InvalidDataException($"{path}: empty stats file");
    }
}
