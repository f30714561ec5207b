using System.CommandLine;
using MellaPipeline.Cli.Hosting;
using MellaPipeline.Orchestration;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella run PIPELINE.yaml [--out DIR] [--resume] [--workers N] [--tasks N] [--rank R | --reduce [--phase cluster|filter|finish [--rank R]]] [--retry-transient]</c>.</summary>
public static class RunCommand
{
    /// <summary>What <c>--out</c> of <c>mella run</c> and <c>mella slurm submit</c> names, in messages.</summary>
    internal const string RunDirectoryWord = "run directory";

    /// <summary>The values of <c>--phase</c>: <see cref="ReducePhase"/> but <see cref="ReducePhase.All"/>, which is <c>--reduce</c> without it.</summary>
    private static readonly string[] PhaseNames = ["cluster", "filter", "finish"];

    public static Command Build()
    {
        var pipeline = new Argument<FileInfo>("PIPELINE")
        {
            Description = "Pipeline file (YAML), e.g. pipelines/demo.yaml. See the README's pipeline reference.",
        };
        var output = new Option<DirectoryInfo?>("--out", "-o")
        {
            Description = "Run directory: shards, stats, rejects and summary go here. Default: runs/NAME (NAME from the pipeline file).",
        }.OutputFolder(RunDirectoryWord);
        var resume = new Option<bool>("--resume")
        {
            Description = "Require an earlier run in --out and continue it. Without the flag a matching earlier run is continued too; " +
                "with it, a missing run is an error instead of a fresh start.",
        };
        var workers = new Option<int?>("--workers", "-j")
        {
            Description = "Tasks to run at once on this machine (overrides 'workers' in the pipeline file; 0 = one per core).",
        }.WholeNumber(0, RunLimits.MaxWorkers);

        var tasks = new Option<int?>("--tasks")
        {
            Description = "World size: how many tasks the inputs are split into (overrides 'tasks' in the pipeline file; a run keeps the number it started with).",
        }.WholeNumber(1, RunLimits.MaxTasks);
        var rank = new Option<int?>("--rank")
        {
            Description = "Run only task R of --tasks and stop, without the reduce: one process of a run spread over processes or machines (a Slurm array task).",
        }.WholeNumber(0, RunLimits.MaxTasks - 1);
        var reduceOnly = new Option<bool>("--reduce")
        {
            Description = "Run only the reduce steps (near-duplicate clustering over all tasks, each task's filter into its final shards, caption layers, manifest, summary); refused until every task is complete.",
        };
        var phase = new Option<string?>("--phase")
        {
            Description = "With --reduce: run only one phase of it. cluster: the clustering over all tasks; filter: each task's rows into its final shards (with --rank R only task R's: " +
                "one job of an array, side by side with other ranks' filters); finish: caption layers, manifest, summary. Each is refused until the phase before it is done. Without --phase, --reduce runs every phase not done yet.",
            HelpName = "cluster|filter|finish",
        }.OneOf(PhaseNames);
        var retryTransient = new Option<bool>("--retry-transient")
        {
            Description = "On a complete run: download again only the samples whose reject is transient (timeouts, 429, 5xx, resets, DNS), " +
                "merge those that succeed into the dataset and run the reduce again. Refused on an incomplete run and with --rank/--reduce; " +
                "with no transient rejects it changes nothing. An interrupted retry is finished by the next run of the same directory.",
        };
        var command = new Command("run", "Run the pipeline a YAML file describes: read inputs, run every stage, write Parquet shards, " +
            "stats, rejects and a summary. Completed tasks are skipped when the same command runs again.")
        { pipeline, output, resume, workers, tasks, rank, reduceOnly, phase, retryTransient };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var (loaded, problem) = PipelineFile.Load(parse.GetValue(pipeline)!.ToString(), parse.GetValue(tasks));
            if (loaded is null)
            {
                await Console.Error.WriteLineAsync($"mella run: {problem}");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(workers) is { } overrideWorkers)
            {
                loaded.Options.Workers = overrideWorkers;
            }

            int? only = parse.GetValue(rank);
            var onlyPhase = parse.GetValue(phase) is { } phaseName ? Enum.Parse<ReducePhase>(phaseName, ignoreCase: true) : (ReducePhase?)null;
            if (RunRequest.OptionsProblem(only, loaded.Options.Tasks, parse.GetValue(reduceOnly), onlyPhase) is { } misuse)
            {
                await Console.Error.WriteLineAsync($"mella run: {misuse}");
                return ExitCodes.BadInput;
            }

            string outDir = parse.GetValue(output)?.FullName ?? Path.Combine("runs", loaded.Options.Name);
            if (OutputPaths.FolderProblem(outDir, RunDirectoryWord, parentMustExist: false) is { } refusal)
            {
                await Console.Error.WriteLineAsync($"mella run: {refusal}");
                return ExitCodes.BadInput;
            }

            var request = new RunRequest(loaded, outDir, RequireExistingRun: parse.GetValue(resume), only, parse.GetValue(reduceOnly), parse.GetValue(retryTransient),
                onlyPhase ?? ReducePhase.All);
            return await PipelineHost.RunAsync(request, cancellationToken);
        });
        return command;
    }
}
