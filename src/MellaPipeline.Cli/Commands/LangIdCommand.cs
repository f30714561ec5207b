using System.CommandLine;
using System.Diagnostics;
using System.Text;
using MellaPipeline.LanguageId;
using MellaPipeline.Input;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella langid [TEXT...] [--file FILE] [--html-lang L] [--host H]</c>: one JSON object per input line.</summary>
public static class LangIdCommand
{
    /// <summary>Longest <c>--html-lang</c>: a language tag with region and script is a dozen characters; 64 leaves room for private subtags.</summary>
    private const int MaxLanguageTagLength = 64;

    /// <summary>Longest <c>--host</c>: a DNS name has at most 253 characters.</summary>
    private const int MaxHostLength = 253;

    public static Command Build()
    {
        var texts = new Argument<string[]>("TEXT")
        {
            Description = "Texts to identify, one result line each. Without TEXT and --file, lines are read from standard input.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var file = new Option<FileInfo?>("--file", "-f")
        {
            Description = "UTF-8 text file: one result line per input line, in input order ('-' = standard input).",
        };
        var htmlLang = new Option<string?>("--html-lang")
        {
            Description = "Declared page language (<html lang>, Content-Language), used only where the text itself is ambiguous.",
        }.Text(MaxLanguageTagLength);
        var host = new Option<string?>("--host")
        {
            Description = "Host name of the page; its country-code domain is a prior only where the text is ambiguous.",
        }.Text(MaxHostLength);
        var command = new Command("langid",
            "Identify language and script: {\"lang\": ISO 639-1 or \"und\", \"script\": ISO 15924, \"confidence\": 0..1} per line. " +
            "Languages other than the eight targets get their own code and are never labelled as a target.")
        { texts, file, htmlLang, host };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var inputs = parse.GetValue(texts) ?? [];
            var path = parse.GetValue(file);
            if (inputs.Length > 0 && path is not null)
            {
                await Console.Error.WriteLineAsync("mella langid: give TEXT arguments or --file, not both");
                return ExitCodes.BadInput;
            }

            bool fromFile = path is not null && path.ToString() != "-";
            if (fromFile && UserFile.NotRegularFile(path!.FullName) is { } unusable)
            {
                await Console.Error.WriteLineAsync($"mella langid: {path}: {unusable}");
                return ExitCodes.BadInput;
            }

            await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
            var clock = Stopwatch.StartNew();
            var results = new LangIdLines(LanguageIdentifier.Create(), new LanguageHints(parse.GetValue(htmlLang), parse.GetValue(host)), output)
            {
                Progress = Console.IsErrorRedirected ? null : lines => Console.Error.WriteAsync($"\r{lines:N0} lines, {lines / clock.Elapsed.TotalSeconds:N0}/s "),
            };
            await results.WriteAllAsync(inputs, fromFile ? path!.FullName : null, Console.In, number =>
                Console.Error.WriteLineAsync($"mella langid: {path}:{number}: line longer than {UserFile.MaxLineBytes} bytes, identified as empty"), cancellationToken);
            if (results.Count >= LangIdLines.ProgressEvery && !Console.IsErrorRedirected)
            {
                await Console.Error.WriteLineAsync();
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
