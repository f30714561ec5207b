using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MellaPipeline.Input;
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
            var lines = new string[files.Length][];
            for (int f = 0; f < files.Length; f++)
            {
                if (ReadLines(files[f].FullName, out string? unreadable) is not { } read)
                {
                    await Console.Error.WriteLineAsync($"mella score: {files[f]}: {unreadable}");
                    return ExitCodes.BadInput;
                }

                lines[f] = read;
            }

            if (Array.FindIndex(lines, l => l.Length != lines[0].Length) is var bad and > 0)
            {
                await Console.Error.WriteLineAsync($"mella score: {files[bad]} has {lines[bad].Length} lines, {files[0]} has {lines[0].Length}");
                return ExitCodes.BadInput;
            }

            var options = common.Read(parse);
            string name = parse.GetValue(metric)!;
            var scorer = new CaptionScorer(parse.GetValue(lang)!, options);
            var samples = CaptionScorer.ScoreAll(parse.GetValue(lang)!, options, lines[0].Length,
                i => (lines[0][i], lines.Skip(1).Select(r => r[i]).ToArray(), null), only: name);
            double score = scorer.Aggregate(name, samples);
            string signature = scorer.Signature(name, files.Length - 1);
            await Console.Out.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(new { metric = name, score, signature }, MellaJson.Compact)
                : score.ToString("F" + parse.GetValue(width), CultureInfo.InvariantCulture));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Lines without their line ends (a final newline does not make an empty last line), or null with
    /// the problem: not a regular file, a line over 1 MiB or not UTF-8.
    /// </summary>
    internal static string[]? ReadLines(string path, out string? problem)
    {
        var lines = new List<string>();
        foreach (var (number, text, lineProblem) in UserFile.ReadLines(path))
        {
            if (text is null)
            {
                problem = number == 0 ? lineProblem : $"line {number}: {lineProblem}";
                return null;
            }

            lines.Add(text);
        }

        problem = null;
        return [.. lines];
    }
}

/// <summary>The scoring options <c>mella score</c> and <c>mella eval</c> share.</summary>
public sealed class MetricOptions
{
    private readonly Option<string?> _tokenize = new Option<string?>("--tokenize")
    {
        Description = "BLEU tokenizer: 13a, intl, char, none (whitespace only) or th (ICU words); default by language (th: th, ko/ar/ru/sr: intl, others: 13a).",
    }.OneOf(BleuTokenizer.Names);
    private readonly Option<bool> _lowercase = new("--lowercase") { Description = "Lower-case before BLEU." };
    private readonly Option<string> _smooth = new("--smooth-method") { Description = "BLEU smoothing: exp (default), floor, add-k, none.", DefaultValueFactory = _ => "exp" };
    private readonly Option<double?> _smoothValue = new Option<double?>("--smooth-value") { Description = "The floor (default 0.1) or k (default 1), 0 to 100." }.Number(0, 100);
    private readonly Option<string> _matching = new("--matching") { Description = "METEOR and ROUGE matching: stem (exact, then stems where the language has a stemmer; default) or exact (NLTK's algorithm, no stemmer, no synonyms).", DefaultValueFactory = _ => "stem" };

    public MetricOptions()
    {
        _smooth.OneOf(["exp", "floor", "add-k", "none"]);
        _matching.OneOf(["exact", "stem"]);
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_tokenize);
        command.Options.Add(_lowercase);
        command.Options.Add(_smooth);
        command.Options.Add(_smoothValue);
        command.Options.Add(_matching);
    }

    /// <summary>The options as given; every value was checked while parsing.</summary>
    public ScoreOptions Read(ParseResult parse) =>
        new(parse.GetValue(_tokenize), parse.GetValue(_lowercase), Bleu.ParseSmoothing(parse.GetValue(_smooth)!)!.Value, parse.GetValue(_smoothValue),
            parse.GetValue(_matching) == "stem");
}
