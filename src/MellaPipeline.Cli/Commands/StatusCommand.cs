using System.CommandLine;
using MellaPipeline.Orchestration;
using MellaPipeline.Runs;

namespace MellaPipeline.Cli.Commands;

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

            if (RunStatus.Read(run, out string? problem) is not { } status)
            {
                await Console.Error.WriteLineAsync($"mella status: {run.ConfigPath}: {problem}");
                return ExitCodes.BadInput;
            }

            await ResultOutput.PrintAsync(parse.GetValue(json), status, output => status.WriteText(output, run.Root));

            return status.Finished ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }
}
