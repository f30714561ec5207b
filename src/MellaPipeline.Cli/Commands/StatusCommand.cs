using System.CommandLine;
using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Runs;

namespace MellaPipeline.Cli.Commands;

/// <summary>What <c>mella status</c> reports of a run directory.</summary>
/// <param name="Tasks">The run's world size.</param>
/// <param name="Complete">Ranks whose completion marker exists.</param>
/// <param name="Missing">Ranks still to run.</param>
/// <param name="Resubmit">The <c>--array=</c> expression of the missing ranks (empty when none).</param>
/// <param name="Failed">Failed input records of the complete tasks (rank → count), where any failed.</param>
/// <param name="Logs">Log files of the missing ranks found under <c>logs/</c>.</param>
/// <param name="Reduced">Whether the reduce wrote the summary.</param>
public sealed record RunStatus(string Pipeline, int Tasks, IReadOnlyList<int> Complete, IReadOnlyList<int> Missing, string Resubmit,
    IReadOnlyDictionary<string, long> Failed, IReadOnlyList<string> Logs, bool Reduced)
{
    public bool Finished => Missing.Count == 0 && Reduced;

    public static RunStatus Of(RunDirectory run)
    {
        using var config = JsonDocument.Parse(File.ReadAllBytes(run.ConfigPath));
        int tasks = config.RootElement.GetProperty("tasks").GetInt32();
        if (tasks is < 1 or > PipelineArguments.MaxTasks)
        {
            // Every rank is looked at: a hand-edited count must not make a negative range or billions of them.
            throw new InvalidDataException($"\"tasks\" is {tasks}, not 1 to {PipelineArguments.MaxTasks}");
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
        return new RunStatus(pipeline, tasks, complete, missing, RankRanges.Format(missing), failed, logFiles, File.Exists(run.SummaryPath));
    }
}

/// <summary><c>mella status RUN_DIR</c>: done and missing tasks, failures, and how to resubmit the missing ones.</summary>
public static class StatusCommand
{
    public static Command Build()
    {
        var runDir = new Argument<DirectoryInfo>("RUN_DIR") { Description = "A run directory (what mella run --out or mella slurm submit --out wrote)." };
        var json = new Option<bool>("--json") { Description = "Print the status as one JSON document." };
        var command = new Command("status",
            "Shows which tasks of a run are complete and which are missing, failed input records per task, the missing tasks' logs, " +
            "whether the reduce ran, and the --array= expression that resubmits only the missing tasks. Exit 0 only when the run is complete.")
        {
            runDir, json,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var run = new RunDirectory(parse.GetValue(runDir)!.FullName);
            if (!run.HasRun)
            {
                await Console.Error.WriteLineAsync($"mella status: {run.Root}: not a run directory (no config.json)");
                return ExitCodes.BadInput;
            }

            RunStatus status;
            try
            {
                status = RunStatus.Of(run);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or InvalidDataException or IOException)
            {
                // Our words: the runtime's name types and JSON reader positions ("LineNumber: 0 | BytePositionInLine").
                string problem = e switch
                {
                    JsonException { LineNumber: { } line } => $"not valid JSON (line {line + 1})",
                    JsonException => "not valid JSON",
                    InvalidDataException => e.Message,
                    IOException => "cannot be read",
                    _ => "not a run's config (expected a whole number \"tasks\" and a text \"name\")",
                };
                await Console.Error.WriteLineAsync($"mella status: {run.ConfigPath}: {problem}");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(status, MellaJson.Indented));
            }
            else
            {
                var output = Console.Out;
                await output.WriteLineAsync($"run '{status.Pipeline}' in {run.Root}: {status.Tasks} tasks");
                await output.WriteLineAsync($"complete: {status.Complete.Count} ({RankRanges.Format(status.Complete)})");
                await output.WriteLineAsync($"missing:  {status.Missing.Count}{(status.Missing.Count > 0 ? $" ({status.Resubmit})" : "")}");
                foreach (var (rank, count) in status.Failed)
                {
                    await output.WriteLineAsync($"task {rank}: {count} input records failed (rejects/{rank}.jsonl)");
                }

                foreach (string log in status.Logs)
                {
                    await output.WriteLineAsync($"log of a missing task: {log}");
                }

                await output.WriteLineAsync($"reduce:   {(status.Reduced ? "done" : "not run")}");
                if (status.Missing.Count > 0)
                {
                    await output.WriteLineAsync($"resubmit: --array={status.Resubmit}   (or, without Slurm: mella run PIPELINE --out {run.Root} --rank R for each)");
                }
                else if (!status.Reduced)
                {
                    await output.WriteLineAsync($"next:     mella run PIPELINE --out {run.Root} --reduce");
                }
            }

            return status.Finished ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }
}
