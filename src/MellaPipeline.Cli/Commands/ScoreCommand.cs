using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Metrics;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella score --hyp F --ref F --lang L --metric M</c>: one metric over line-aligned files, for parity checks.</summary>
public static class ScoreCommand
{
    /// <summary>The languages <c>--lang</c> takes: the eight targets, and English for the published test vectors.</summary>
    private static readonly IReadOnlyList<string> ScoreLanguages = [.. MellaPipeline.Languages.TargetLanguages.Codes, "en"];

    public static Command Build()
    {
        var hyp = new Option<FileInfo>("--hyp") { Description = "Hypotheses, one per line.", Required = true };
        var refs = new Option<FileInfo[]>("--ref")
        {
            Description = "References, line-aligned with --hyp; repeat the option for several references per line.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var lang = new Option<string>("--lang")
        {
            Description = $"ISO 639-1 language of the text ({string.Join(", ", ScoreLanguages)}): picks the default tokenizer (th: ICU words), stop words and stemmer.",
            Required = true,
        }.OneOf(ScoreLanguages);
        var metric = new Option<string>("--metric") { Description = "bleu (corpus level), rougeL, meteor or keyword (means of the per-line values).", DefaultValueFactory = _ => MetricNames.Bleu }
            .OneOf(MetricNames.All);
        var common = new MetricOptions();
        var width = new Option<int>("--width") { Description = "Decimals printed (0 to 10).", DefaultValueFactory = _ => 2 }.WholeNumber(0, 10);
        var json = new Option<bool>("--json") { Description = "Print {\"metric\", \"score\", \"signature\"} instead of the score alone." };
        var command = new Command("score",
            "Scores line-aligned hypothesis and reference files with one metric, 0-100: BLEU as sacreBLEU computes it, ROUGE-L as rouge-score, " +
            "METEOR as NLTK, Keyword Accuracy; with tokenizers that work for every target script.")
        {
            hyp, refs, lang, metric, width, json,
        };
        common.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = new[] { parse.GetValue(hyp)! }.Concat(parse.GetValue(refs)!).ToArray();
            string name = parse.GetValue(metric)!;
            if (LineAlignedScore.Compute(files, parse.GetValue(lang)!, name, common.Read(parse), out string? problem) is not { } result)
            {
                await Console.Error.WriteLineAsync($"mella score: {problem}");
                return ExitCodes.BadInput;
            }

            var (score, signature) = result;
            await Console.Out.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(new { metric = name, score, signature }, MellaJson.Compact)
                : score.ToString("F" + parse.GetValue(width), CultureInfo.InvariantCulture));
            return ExitCodes.Success;
        });
        return command;
    }
}
