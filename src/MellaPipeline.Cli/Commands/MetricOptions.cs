using System.CommandLine;
using MellaPipeline.Metrics;

namespace MellaPipeline.Cli.Commands;

/// <summary>The scoring options <c>mella score</c> and <c>mella eval</c> share (their meaning: <see cref="ScoreOptions"/>).</summary>
public sealed class MetricOptions
{
    private readonly Option<string?> _tokenize = new Option<string?>("--tokenize") { Description = ScoreOptions.TokenizeHelp }.OneOf(BleuTokenizer.Names);
    private readonly Option<bool> _lowercase = new("--lowercase") { Description = ScoreOptions.LowercaseHelp };
    private readonly Option<string> _smooth = new Option<string>("--smooth-method") { Description = ScoreOptions.SmoothingHelp, DefaultValueFactory = _ => "exp" }.OneOf(ScoreOptions.SmoothingNames);
    private readonly Option<double?> _smoothValue = new Option<double?>("--smooth-value") { Description = ScoreOptions.SmoothValueHelp }.Number(0, 100);
    private readonly Option<string> _matching = new Option<string>("--matching") { Description = ScoreOptions.MatchingHelp, DefaultValueFactory = _ => "stem" }.OneOf(ScoreOptions.MatchingNames);
    private readonly Option<string> _srScript = new Option<string>("--sr-script") { Description = ScoreOptions.SerbianScriptHelp, DefaultValueFactory = _ => "fold" }.OneOf(ScoreOptions.SerbianScriptNames);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _tokenize, _lowercase, _smooth, _smoothValue, _matching, _srScript })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The options as given; every value was checked while parsing.</summary>
    public ScoreOptions Read(ParseResult parse) => ScoreOptions.From(parse.GetValue(_tokenize), parse.GetValue(_lowercase), parse.GetValue(_smooth)!,
        parse.GetValue(_smoothValue), parse.GetValue(_matching)!, parse.GetValue(_srScript)!);
}
