using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MellaPipeline.Cli.Hosting;
using MellaPipeline.Orchestration;
using MellaPipeline.Cli.Progress;
using MellaPipeline.Runs;
using MellaPipeline.Datasets.Splits;
using MellaPipeline.Json;
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
            if (Problem(settings) is { } problem)
            {
                await Console.Error.WriteLineAsync($"mella split: {problem}");
                return ExitCodes.BadInput;
            }

            // The dataset is found before --out is created or emptied: a refused split leaves nothing behind.
            string path = parse.GetValue(dataset)!;
            int shardCount;
            try
            {
                shardCount = Parquet.ShardReader.FindShards(path).Count;
            }
            catch (Exception e) when (DatasetArgument.IsProblem(e))
            {
                await Console.Error.WriteLineAsync($"mella split: {DatasetArgument.Problem(path, e)}");
                return ExitCodes.BadInput;
            }

            string outDir = parse.GetValue(output)!.FullName;
            bool created = !Directory.Exists(outDir);
            if (PrepareOutput(outDir, parse.GetValue(overwrite)) is { } refusal)
            {
                await Console.Error.WriteLineAsync($"mella split: --out {outDir}: {refusal}");
                return ExitCodes.BadInput;
            }

            using var loggers = PipelineHost.CreateLoggerFactory();
            var logger = loggers.CreateLogger("split");
            SplitSummary summary;
            try
            {
                var progress = new RunProgress(shardCount, 0);
                await using (RunProgressDisplay.ForConsole().Start(progress, logger))
                {
                    summary = await DatasetSplitter.SplitAsync(path, outDir, settings, progress, cancellationToken);
                }
            }
            catch (Exception e) when (DatasetArgument.IsProblem(e))
            {
                // A shard found broken only while it is read: the half-written split goes with the folder this run made.
                if (created)
                {
                    Directory.Delete(outDir, recursive: true);
                }

                await Console.Error.WriteLineAsync($"mella split: {DatasetArgument.Problem(path, e)}");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(summary, MellaJson.Indented));
            }
            else
            {
                WriteTable(summary, Console.Out);
            }

            return summary.Check.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static string? Problem(SplitSettings settings) => settings switch
    {
        { EvalPerLanguage: <= 0 } => "--eval-per-language must be a count of 1 or more or a fraction above 0",
        { EvalPerLanguage: > SplitSettings.MaxEvalFraction and < 1 } => $"--eval-per-language {settings.EvalPerLanguage}: a fraction may be at most {SplitSettings.MaxEvalFraction}",
        { EvalPerLanguage: >= 1 } when settings.EvalPerLanguage != Math.Floor(settings.EvalPerLanguage) => $"--eval-per-language {settings.EvalPerLanguage}: a count must be whole",
        _ => null,
    };

    /// <summary>Creates the folder, or empties an earlier split's outputs from it with <paramref name="overwrite"/>; why not, otherwise.</summary>
    private static string? PrepareOutput(string outDir, bool overwrite)
    {
        if (File.Exists(outDir))
        {
            return "is a file";
        }

        Directory.CreateDirectory(outDir);
        var entries = Directory.EnumerateFileSystemEntries(outDir).Select(e => Path.GetFileName(e)).ToArray();
        if (entries.Length == 0)
        {
            return null;
        }

        if (!overwrite)
        {
            return "not empty (--overwrite replaces an earlier split)";
        }

        var foreign = entries.Where(e => !DatasetSplitter.Outputs.Contains(e)).ToArray();
        if (foreign.Length > 0)
        {
            return $"holds {string.Join(", ", foreign)}, which is not a split's; not removing it";
        }

        foreach (var entry in entries)
        {
            string full = Path.Combine(outDir, entry);
            if (Directory.Exists(full))
            {
                Directory.Delete(full, recursive: true);
            }
            else
            {
                File.Delete(full);
            }
        }

        return null;
    }

    private static void WriteTable(SplitSummary summary, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{"lang",-5} {"source",-7} {"rows",11} {"quota",9} {"eval",9} {"train",11}"));
        foreach (var s in summary.Strata)
        {
            string shortfall = s.Eval < s.Quota ? "  short: every group left with such rows would overfill another language × source" : "";
            output.WriteLine(string.Create(inv, $"{s.Lang,-5} {s.Source,-7} {s.Rows,11:N0} {s.Quota,9:N0} {s.Eval,9:N0} {s.Train,11:N0}{shortfall}"));
        }

        output.WriteLine(string.Create(inv,
            $"train {summary.Train.Rows:N0} rows in {summary.Train.Shards} shards; eval {summary.Eval.Rows:N0} rows in {summary.Eval.Shards} shards; " +
            $"{summary.GroupsInEval:N0} of {summary.Groups:N0} groups ({summary.GroupBy.ToString().ToLowerInvariant()}) in eval"));
        if (summary.Sft is { } sft)
        {
            output.WriteLine(string.Create(inv, $"sft: {sft.Train:N0} train and {sft.Eval:N0} eval conversations, {sft.Images:N0} images written, {sft.ImagesByUrl:N0} by URL, {sft.WithoutImage:N0} without an image"));
        }

        var c = summary.Check;
        output.WriteLine(c.Passed
            ? string.Create(inv, $"check passed: no cluster, image or key on both sides{(summary.GroupBy == SplitGrouping.Domain ? ", nor any web host" : $" ({c.DomainsInBoth:N0} web hosts on both sides; --group-by domain keeps them apart)")}")
            : string.Create(inv, $"CHECK FAILED: {c.ClustersInBoth:N0} clusters, {c.ImagesInBoth:N0} images, {c.KeysInBoth:N0} keys, {c.DomainsInBoth:N0} web hosts on both sides; rows add up: {c.RowsAddUp}"));
    }
}
