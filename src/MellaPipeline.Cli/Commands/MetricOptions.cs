using System.CommandLine;
using MellaPipeline.Metrics;

namespace MellaPipeline.Cli.Commands;

/// <summary>The scoring options <c>mella score</c> and <c>mella eval</c> share.</summary>
public sealed class MetricOptions
{
    private readonly Option<string?> _tokenize = new Option<string?>("--tokenize")
    {
        Description = "BLEU tokenizer: 13a, intl, char, none (whitespace only) or th (ICU words); default by language (th: th, ko/ar/ru/sr: intl, others: 13a).",
    }.OneOf(BleuTokenizer.Names);
    private readonly Option<bool> _lowercase = new("--lowercase") { Description = "Lower-case before BLEU." };
    private readonly Option<string> _smooth = new Option<string>("--smooth-method") { Description = "BLEU smoothing: exp (default), floor, add-k, none.", DefaultValueFactory = _ => "exp" }
        .OneOf(["exp", "floor", "add-k", "none"]);
    private readonly Option<double?> _smoothValue = new Option<double?>("--smooth-value") { Description = "The floor (default 0.1) or k (default 1), 0 to 100." }.Number(0, 100);
    private readonly Option<string> _matching = new Option<string>("--matching")
    {
        Description = "METEOR and ROUGE matching: stem (exact, then stems where the language has a stemmer; default) or exact (NLTK's algorithm, no stemmer, no synonyms).",
        DefaultValueFactory = _ => "stem",
    }.OneOf(["exact", "stem"]);

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
