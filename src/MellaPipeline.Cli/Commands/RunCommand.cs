using System.CommandLine;
using MellaPipeline.Cli.Hosting;
using MellaPipeline.Config;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella run PIPELINE.yaml [--out DIR] [--resume] [--workers N]</c>.</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var pipeline = new Argument<FileInfo>("PIPELINE")
        {
            Description = "Pipeline file (YAML), e.g. pipelines/demo.yaml. See the README's pipeline reference.",
        };
        var output = new Option<DirectoryInfo?>("--out", "-o")
        {
            Description = "Run directory: shards, stats, rejects and summary go here. Default: runs/NAME (NAME from the pipeline file).",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Require an earlier run in --out and continue it. Without the flag a matching earlier run is continued too; " +
                "with it, a missing run is an error instead of a fresh start.",
        };
        var workers = new Option<int?>("--workers", "-j")
        {
            Description = "Tasks to run at once on this machine (overrides 'workers' in the pipeline file; 0 = one per core).",
        };
        workers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0 or > 1024)
            {
                result.AddError("--workers must be between 0 and 1024");
            }
        });

        var command = new Command("run", "Run the pipeline a YAML file describes: read inputs, run every stage, write Parquet shards, " +
            "stats, rejects and a summary. Completed tasks are skipped when the same command runs again.")
        {
            pipeline,
            output,
            resume,
            workers,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(pipeline)!;
            LoadedPipeline loaded;
            try
            {
                // The path as typed, so that errors name the file the way the user wrote it.
                loaded = PipelineConfigLoader.Load(file.ToString());
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync($"mella run: {ex.Message}");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(workers) is { } overrideWorkers)
            {
                loaded.Options.Workers = overrideWorkers;
            }

            string outDir = parse.GetValue(output)?.FullName ?? Path.Combine("runs", loaded.Options.Name);
            var request = new RunRequest(loaded, outDir, RequireExistingRun: parse.GetValue(resume));
            return await PipelineHost.RunAsync(request, cancellationToken);
        });
        return command;
    }
}
