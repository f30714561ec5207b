using System.CommandLine;
using MellaPipeline.Cli.Hosting;
using MellaPipeline.Cli.Progress;
using MellaPipeline.Datasets.Export;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella export DATASET --format webdataset|jsonl --out DIR</c>: the dataset as WebDataset tars or a Hugging Face imagefolder.</summary>
public static class ExportCommand
{
    public static Command Build()
    {
        var dataset = new Argument<string>("DATASET") { Description = "A run directory, its shards/ folder, one shard file, or a mella split output (train/ and eval/ each exported)." }.AsPath();
        var format = new Option<string>("--format") { Description = "webdataset (tars of KEY.jpg, KEY.txt, KEY.json and index.json) or jsonl (metadata.jsonl and images/, a Hugging Face imagefolder).", Required = true }
            .OneOf(ExportSettings.FormatNames);
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder to write; must be empty or absent (see --overwrite).", Required = true }.OutputFolder("folder");
        var where = WhereOption();
        var maxSamples = new Option<long>("--max-samples") { Description = "Most samples in one tar.", DefaultValueFactory = _ => ExportSettings.DefaultMaxSamples }.WholeNumber(1, 100_000_000);
        var maxBytes = new Option<string>("--max-bytes") { Description = "Most bytes in one tar (e.g. 512MB; 1 MB = 2^20 bytes); a sample never straddles two tars.", DefaultValueFactory = _ => "1GB" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an earlier export in --out (only its tars, index, metadata and images)." };
        var command = new Command("export",
            "Writes every row of the dataset (caption layers' rows included) once, with its stored image bytes, as WebDataset tars or a Hugging Face imagefolder; " +
            "rows stored by reference keep their URL and have no image file.")
        {
            dataset, format, output, where, maxSamples, maxBytes, overwrite,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var (settings, problem) = ExportSettings.Parse(parse.GetValue(format)!, parse.GetValue(where) ?? [], parse.GetValue(maxSamples), parse.GetValue(maxBytes)!);
            if (settings is null)
            {
                await Console.Error.WriteLineAsync($"mella export: {problem}");
                return ExitCodes.BadInput;
            }

            string outDir = parse.GetValue(output)!.FullName;
            using var loggers = PipelineHost.CreateLoggerFactory();
            var logger = loggers.CreateLogger("export");
            var job = await DatasetExporter.RunAsync(parse.GetValue(dataset)!, outDir, settings, parse.GetValue(overwrite),
                p => RunProgressDisplay.ForConsole().Start(p, logger), cancellationToken);
            if (job.Parts is null)
            {
                await Console.Error.WriteLineAsync(job.OutputProblem is { } refusal ? $"mella export: --out {outDir}: {refusal}" : $"mella export: {job.DatasetProblem}");
                return ExitCodes.BadInput;
            }

            await Console.Out.WriteLineAsync(job.Describe());
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>--where COLUMN=VALUE</c>, repeatable, as <c>mella export</c> and <c>mella show</c> take it (<see cref="RowFilter"/>).</summary>
    public static Option<string[]> WhereOption() => new Option<string[]>("--where")
    {
        Description = "Only rows whose COLUMN equals VALUE (any column but the image bytes; repeat for several, all must hold; an empty VALUE matches null).",
        AllowMultipleArgumentsPerToken = false,
    };
}
