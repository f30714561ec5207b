using System.CommandLine;
using MellaPipeline.Cli.Hosting;
using MellaPipeline.Cli.Progress;
using MellaPipeline.Datasets.Splits;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella split DATASET --out DIR</c>: leakage-free, stratified train and eval sets, and an SFT export.</summary>
public static class SplitCommand
{
    /// <summary>Largest row count an option takes (<c>--eval-per-language</c>, <c>--min-per-source</c>): more than any dataset holds per language.</summary>
    private const int MaxRows = 100_000_000;

    public static Command Build()
    {
        var dataset = new Argument<string>("DATASET") { Description = "A run directory, its shards/ folder, or one shard file." }.AsPath();
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Where to write train/, eval/ (shards and manifest.json each), sft/ (train.jsonl, eval.jsonl, images/) and split.json. Must be empty or absent.",
            Required = true,
        }.OutputFolder("folder");
        var perLanguage = new Option<double>("--eval-per-language")
        {
            Description = "Eval rows per language (N), or a fraction of each language's rows (0 < F <= 0.5). Shared out over the sources by their share; " +
                "never more than half of a language × source.",
            DefaultValueFactory = _ => SplitSettings.DefaultEvalPerLanguage,
        }.Number(0, MaxRows);
        var minPerSource = new Option<int?>("--min-per-source")
        {
            Description = "Eval rows each source (native, mllm) of a language gets at least, when it has twice as many. Default: a tenth of the language's eval rows, at least 1.",
        }.WholeNumber(0, MaxRows);
        var seed = new Option<long>("--seed") { Description = "Picks one of the equally good splits; the same seed and dataset give byte-identical output.", DefaultValueFactory = _ => 0 }
            .WholeNumber(0, long.MaxValue);
        var groupBy = new Option<string>("--group-by")
        {
            Description = "What never crosses the split: cluster (near-duplicate images, always) or domain (also every web host).",
            DefaultValueFactory = _ => "cluster",
        }.OneOf(["cluster", "domain"]);
        var noSft = new Option<bool>("--no-sft") { Description = "Do not write the sft/ conversations and images." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an earlier split in --out (only its train/, eval/, sft/ and split.json)." };
        var json = new Option<bool>("--json") { Description = "Print split.json instead of the table." };
        var command = new Command("split",
            "Exports train and eval sets. Every near-duplicate cluster (and image) lands on one side only; eval is stratified per language and source; " +
            "the written shards are read back to prove nothing crosses the split (exit 1 if something does).")
        {
            dataset, output, perLanguage, minPerSource, seed, groupBy, noSft, overwrite, json,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new SplitSettings(parse.GetValue(perLanguage), parse.GetValue(minPerSource), parse.GetValue(seed),
                parse.GetValue(groupBy) == "domain" ? SplitGrouping.Domain : SplitGrouping.Cluster, !parse.GetValue(noSft));
            if (settings.Problem() is { } problem)
            {
                await Console.Error.WriteLineAsync($"mella split: {problem}");
                return ExitCodes.BadInput;
            }

            string path = parse.GetValue(dataset)!;
            string outDir = parse.GetValue(output)!.FullName;
            using var loggers = PipelineHost.CreateLoggerFactory();
            var logger = loggers.CreateLogger("split");
            var job = await SplitJob.RunAsync(path, outDir, settings, parse.GetValue(overwrite), p => RunProgressDisplay.ForConsole().Start(p, logger), cancellationToken);
            if (job.Summary is not { } summary)
            {
                await Console.Error.WriteLineAsync(job.OutputProblem is { } refusal ? $"mella split: --out {outDir}: {refusal}" : $"mella split: {job.DatasetProblem}");
                return ExitCodes.BadInput;
            }

            await ResultOutput.PrintAsync(parse.GetValue(json), summary, output => summary.WriteTable(output));

            return summary.Check.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }
}
