using System.CommandLine;
using MellaPipeline.Datasets.Coverage;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella coverage DATASET [--targets FILE] [--json] [--report FILE.html]</c>: what a dataset holds per language and source, and whether it meets its targets.</summary>
public static class CoverageCommand
{
    /// <summary>Largest <c>--langid-sample</c>: language ID of a million captions takes minutes, and the estimate is long settled.</summary>
    private const int MaxLangIdSample = 1_000_000;

    public static Command Build()
    {
        var dataset = new Argument<string>("DATASET") { Description = "A run directory, its shards/ folder, or one shard file." }.AsPath();
        var targets = new Option<FileInfo?>("--targets")
        {
            Description = "A YAML targets file (targets: [{name, lang, source, min_pairs, min_images, max_top10_domain_share, min_median_confidence}]); exit 1 when one is missed.",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of the table." };
        var reportFile = new Option<FileInfo?>("--report")
        {
            Description = "Also write the report as one self-contained HTML page (FILE.html), readable offline: the run's yield funnel, reject reasons, a gallery of sampled pairs, distributions.",
        }.OutputFile();
        var sample = new Option<int>("--langid-sample")
        {
            Description = "About how many captions, spread evenly over the dataset, language ID checks again against their stored lang (0 = none; loading the models takes seconds).",
            DefaultValueFactory = _ => 2000,
        }.WholeNumber(0, MaxLangIdSample);
        var command = new Command("coverage",
            "Per language and source: pairs, distinct images, near-duplicate clusters and web domains, the share of the ten largest domains, " +
            "the script mix, caption length in grapheme clusters and image size (median, 95th percentile). Reads only the columns it needs, " +
            "shard by shard; never the images, except a few sampled ones for the --report page's gallery.")
        {
            dataset,
            targets,
            json,
            sample,
            reportFile,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var html = parse.GetValue(reportFile);
            var (report, page, problem) = await CoverageRun.RunAsync(parse.GetValue(dataset)!, parse.GetValue(targets), parse.GetValue(sample), html is not null, cancellationToken);
            if (report is null)
            {
                await Console.Error.WriteLineAsync($"mella coverage: {problem}");
                return ExitCodes.BadInput;
            }

            if (html is not null)
            {
                Runs.AtomicFile.WriteAllBytes(html.FullName, System.Text.Encoding.UTF8.GetBytes(CoverageHtml.Render(page!)));
            }

            await ResultOutput.PrintAsync(parse.GetValue(json), report, output => report.WriteTable(output));

            return report.AllTargetsMet ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }
}
