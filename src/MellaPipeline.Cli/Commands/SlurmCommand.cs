using System.CommandLine;
using MellaPipeline.Orchestration;
using MellaPipeline.Runs;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella slurm submit PIPELINE.yaml --tasks N [--out DIR] [--resume] ...</c>: the pipeline as a Slurm job array plus its reduce jobs.</summary>
public static class SlurmCommand
{
    /// <summary>Longest value passed on to sbatch (a partition name, a time limit, a memory size are a few characters).</summary>
    private const int SbatchValueLength = 100;

    public static Command Build()
    {
        var pipeline = new Argument<FileInfo>("PIPELINE") { Description = "Pipeline file (YAML)." };
        var tasks = new Option<int>("--tasks") { Description = "World size: array tasks, one rank each.", Required = true }.WholeNumber(1, RunLimits.MaxTasks);
        var output = new Option<DirectoryInfo?>("--out", "-o") { Description = "Run directory, on a file system every node sees. Default: runs/NAME." }
            .OutputFolder(RunCommand.RunDirectoryWord);
        var resume = new Option<bool>("--resume") { Description = "Submit only what is missing for the run in --out: the tasks mella status lists, and the reduce phases not done yet." };
        var workers = new Option<int>("--workers") { Description = "Threads of the reduce's cluster and finish jobs (each filter array task runs one).", DefaultValueFactory = _ => 2 }
            .WholeNumber(1, RunLimits.MaxWorkers);
        var partition = new Option<string?>("--partition") { Description = "Slurm partition (sbatch --partition)." }.Text(SbatchValueLength);
        var time = new Option<string?>("--time") { Description = "Time limit per task (sbatch --time, e.g. 2:00:00)." }.Text(SbatchValueLength);
        var cpus = new Option<int?>("--cpus-per-task") { Description = "CPUs per task (sbatch --cpus-per-task)." }.WholeNumber(1, RunLimits.MaxWorkers);
        var memory = new Option<string?>("--mem") { Description = "Memory per task (sbatch --mem, e.g. 8G)." }.Text(SbatchValueLength);
        var submit = new Command("submit",
            "Writes the launch scripts into RUN/slurm/ and submits an sbatch --array job (several past MaxArraySize), each task running one rank (mella run --rank); " +
            "after all of them the reduce's clustering job (mella run --reduce --phase cluster); after it a second array, one filter task per rank (--reduce --phase filter --rank R); " +
            "after those the finish job (--reduce --phase finish). Each job waits for the ones before (afterok). Logs: RUN/logs/. Watch with mella status RUN.")
        {
            pipeline, tasks, output, resume, workers, partition, time, cpus, memory,
        };

        submit.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(pipeline)!;
            int world = parse.GetValue(tasks);
            var (loaded, problem) = PipelineFile.Load(file.ToString(), world);
            if (loaded is null)
            {
                await Console.Error.WriteLineAsync($"mella slurm submit: {problem}");
                return ExitCodes.BadInput;
            }

            loaded.Options.Workers = 1;
            var run = new RunDirectory(parse.GetValue(output)?.FullName ?? Path.GetFullPath(Path.Combine("runs", loaded.Options.Name)));
            if (OutputPaths.FolderProblem(run.Root, RunCommand.RunDirectoryWord, parentMustExist: false) is { } refusal)
            {
                await Console.Error.WriteLineAsync($"mella slurm submit: {refusal}");
                return ExitCodes.BadInput;
            }

            var launch = SlurmLaunch.Submit(loaded, file.FullName, run, world, parse.GetValue(resume), parse.GetValue(workers),
                new SlurmResources(parse.GetValue(partition), parse.GetValue(time), parse.GetValue(cpus), parse.GetValue(memory)));
            if ((launch.RunProblem ?? launch.SbatchProblem) is { } failure)
            {
                await Console.Error.WriteLineAsync($"mella slurm submit: {failure}");
                return launch.RunProblem is null ? ExitCodes.CheckFailed : ExitCodes.BadInput;
            }

            if (launch.Submission is not { } submission)
            {
                await Console.Out.WriteLineAsync($"{run.Root} is already complete; nothing to submit");
                return ExitCodes.Success;
            }

            foreach (var job in submission.Jobs)
            {
                await Console.Out.WriteLineAsync(job.Describe());
            }

            await Console.Out.WriteLineAsync($"run:    {run.Root}   (mella status {run.Root})");
            return ExitCodes.Success;
        });

        return new Command("slurm", "Run a pipeline on a Slurm cluster.") { submit };
    }
}
