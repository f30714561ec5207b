using System.Text.Json;
using MellaPipeline.Runs;

namespace MellaPipeline.Orchestration;

/// <summary>What <c>mella status</c> reports of a run directory.</summary>
/// <param name="Tasks">The run's world size.</param>
/// <param name="Complete">Ranks whose completion marker exists.</param>
/// <param name="Missing">Ranks still to run.</param>
/// <param name="Resubmit">The <c>--array=</c> expression of the missing ranks (empty when none).</param>
/// <param name="Failed">Failed input records of the complete tasks (rank → count), where any failed.</param>
/// <param name="Logs">Log files of the missing ranks found under <c>logs/</c>.</param>
/// <param name="Reduced">Whether the reduce wrote the summary.</param>
/// <param name="Phases">How far the reduce's phases got, from their markers (null when not looked at).</param>
public sealed record RunStatus(string Pipeline, int Tasks, IReadOnlyList<int> Complete, IReadOnlyList<int> Missing, string Resubmit,
    IReadOnlyDictionary<string, long> Failed, IReadOnlyList<string> Logs, bool Reduced, ReducePhases? Phases = null)
{
    public bool Finished => Missing.Count == 0 && Reduced;

    /// <summary>The status of <paramref name="run"/>, or null with why its <c>config.json</c> cannot be read (in our words).</summary>
    public static RunStatus? Read(RunDirectory run, out string? problem)
    {
        problem = null;
        try
        {
            return Of(run);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or InvalidDataException or IOException)
        {
            // Our words: the runtime's name types and JSON reader positions ("LineNumber: 0 | BytePositionInLine").
            problem = e switch
            {
                JsonException { LineNumber: { } line } => $"not valid JSON (line {line + 1})",
                JsonException => "not valid JSON",
                InvalidDataException => e.Message,
                IOException => "cannot be read",
                _ => "not a run's config (expected a whole number \"tasks\" and a text \"name\")",
            };
            return null;
        }
    }

    public static RunStatus Of(RunDirectory run)
    {
        using var config = JsonDocument.Parse(File.ReadAllBytes(run.ConfigPath));
        int tasks = config.RootElement.GetProperty("tasks").GetInt32();
        if (tasks is < 1 or > RunLimits.MaxTasks)
        {
            // Every rank is looked at: a hand-edited count must not make a negative range or billions of them.
            throw new InvalidDataException($"\"tasks\" is {tasks}, not 1 to {RunLimits.MaxTasks}");
        }

        string pipeline = config.RootElement.GetProperty("name").GetString() ?? "";
        var ranks = Enumerable.Range(0, tasks).ToArray();
        var complete = ranks.Where(run.IsComplete).ToArray();
        var missing = ranks.Where(r => !run.IsComplete(r)).ToArray();
        var failed = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (int rank in complete)
        {
            if (File.Exists(run.StatsPath(rank)) && run.ReadStats(rank).Failed is > 0 and var count)
            {
                failed[RunDirectory.RankName(rank)] = count;
            }
        }

        string logs = Path.Combine(run.Root, "logs");
        var logFiles = Directory.Exists(logs)
            ? Directory.EnumerateFiles(logs).Where(f => missing.Any(r => Path.GetFileName(f).Contains(RunDirectory.RankName(r), StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal).ToArray()
            : [];
        var phases = new ReducePhases(
            File.Exists(run.ClustersSummaryPath), ranks.Count(run.IsReduced),
BuiltCaptionLayers(run));
        return new RunStatus(pipeline, tasks, complete, missing, RankRanges.Format(missing), failed, logFiles, File.Exists(run.SummaryPath), phases);
    }

    /// <summary>The caption layers whose completion marker is in the run directory, by name.</summary>
    public static IReadOnlyList<string> BuiltCaptionLayers(RunDirectory run) => Directory.Exists(run.CompletionsDir)
        ? [.. Directory.EnumerateFiles(run.CompletionsDir, "captions-*").Select(f => Path.GetFileName(f)["captions-".Length..])
            .Where(name => !name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>The status as <c>mella status</c> prints it for the run in <paramref name="root"/>, with what to do next.</summary>
    public void WriteText(TextWriter output, string root)
    {
        output.WriteLine($"run '{Pipeline}' in {root}: {Tasks} tasks");
        output.WriteLine($"complete: {Complete.Count} ({RankRanges.Format(Complete)})");
        output.WriteLine($"missing:  {Missing.Count}{(Missing.Count > 0 ? $" ({Resubmit})" : "")}");
        foreach (var (rank, count) in Failed)
        {
            output.WriteLine($"task {rank}: {count} input records failed (rejects/{rank}.jsonl)");
        }

        foreach (string log in Logs)
        {
            output.WriteLine($"log of a missing task: {log}");
        }

        output.WriteLine($"reduce:   {(Reduced ? "done" : "not run")}{(!Reduced && Phases is { } p && (p.Clustered || p.FilteredTasks > 0 || p.CaptionLayers.Count > 0) ? " " + p.Describe(Tasks) : "")}");
        if (Missing.Count > 0)
        {
            output.WriteLine($"resubmit: --array={Resubmit}   (or, without Slurm: mella run PIPELINE --out {root} --rank R for each)");
        }
        else if (!Reduced)
        {
            output.WriteLine($"next:     mella run PIPELINE --out {root} --reduce");
        }
    }
}

/// <summary>The reduce's phases as their markers in <c>completions/</c> and <c>reduce/</c> show them.</summary>
/// <param name="Clustered">The near-duplicate clustering is done (<c>reduce/clusters.json</c>).</param>
/// <param name="FilteredTasks">Tasks whose rows are filtered into their final shards.</param>
/// <param name="CaptionLayers">Caption layers built (part of the finish phase, with the manifest and the summary).</param>
public sealed record ReducePhases(bool Clustered, int FilteredTasks, IReadOnlyList<string> CaptionLayers)
{
    /// <summary><c>(cluster done; filter 1 of 2 tasks; caption layers built: demo)</c>.</summary>
    public string Describe(int tasks) =>
        $"(cluster {(Clustered ? "done" : "not run")}; filter {FilteredTasks} of {tasks} tasks" +
        $"{(CaptionLayers.Count > 0 ? "; caption layers built: " + string.Join(", ", CaptionLayers) : "")}; summary not written)";
}
