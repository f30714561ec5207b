using System.CommandLine;
using MellaPipeline.Metrics.Evaluation;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella eval --predictions FILE --references DATASET_OR_SPLIT</c>: a model's captions scored per language and source.</summary>
public static class EvalCommand
{
    /// <summary>Most bootstrap resamples: 100,000 draws put the interval's ends within a hundredth; more only cost time.</summary>
    public const int MaxResamples = 100_000;

    public static Command Build()
    {
        var predictions = new Option<FileInfo>("--predictions")
        {
            Description = "JSONL, one {\"key\", \"prediction\"} (optionally \"lang\") per held-out sample.",
            Required = true,
        };
        var references = new Option<string>("--references")
        {
            Description = "The held-out references: a split folder (its eval/), an eval or dataset folder of shards, or a .jsonl ({key, lang, source?, reference | references, keywords?}) or .tsv (key, lang, reference) file.",
            Required = true,
        }.AsPath();
        var baseline = new Option<FileInfo?>("--baseline") { Description = "A second predictions file (e.g. the model before fine-tuning): its scores and the per-language differences are shown beside." };
        var json = new Option<bool>("--json") { Description = "Print {\"results\": [...], \"errors\": {...}} as one JSON document." };
        var reportFile = new Option<FileInfo?>("--report") { Description = "Also write the results as one self-contained HTML page with a bar chart per metric (FILE.html), readable offline." }
            .OutputFile();
        var resamples = new Option<int>("--bootstrap")
        {
            Description = $"Bootstrap resamples for the 95% intervals (up to {MaxResamples}; 0 = no intervals, none printed).",
            DefaultValueFactory = _ => 1000,
        }.WholeNumber(0, MaxResamples);
        var seed = new Option<int>("--seed") { Description = "Seed of the bootstrap draws (0 or more).", DefaultValueFactory = _ => 0 }.WholeNumber(0, int.MaxValue);
        var common = new MetricOptions();
        var command = new Command("eval",
            "Scores predictions on a held-out split per language x source: BLEU (corpus), ROUGE-L, METEOR and Keyword Accuracy (mean share of keywords found, " +
            "and share of samples with any), 0-100, with bootstrap 95% intervals and each metric's signature. Missing, duplicate and unknown keys and malformed lines " +
            "are counted as errors (exit 1).")
        {
            predictions, references, baseline, json, reportFile, resamples, seed,
        };
        common.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = common.Read(parse);
            var (predicted, compared) = (parse.GetValue(predictions)!, parse.GetValue(baseline));
            var (run, problem) = await EvalRun.RunAsync(parse.GetValue(references)!, predicted, compared, options, parse.GetValue(resamples), parse.GetValue(seed), cancellationToken);
            if (run is null)
            {
                await Console.Error.WriteLineAsync($"mella eval: {problem}");
                return ExitCodes.BadInput;
            }

            var report = run.Report;
            if (parse.GetValue(reportFile) is { } html)
            {
                Runs.AtomicFile.WriteAllBytes(html.FullName, System.Text.Encoding.UTF8.GetBytes(EvalHtml.Render(report, predicted.ToString(), compared?.ToString())));
            }

            await ResultOutput.PrintAsync(parse.GetValue(json), report, output => report.WriteTable(output));

            return run.Errors == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }
}
