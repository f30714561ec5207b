using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MellaPipeline.Json;
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
        {
            texts,
            file,
            htmlLang,
            host,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var inputs = parse.GetValue(texts) ?? [];
            var path = parse.GetValue(file);
            if (inputs.Length > 0 && path is not null)
            {
                await Console.Error.WriteLineAsync("mella langid: give TEXT arguments or --file, not both");
                return ExitCodes.BadInput;
            }

            TextReader? reader = null;
            if (path is not null && path.ToString() != "-")
            {
                if (UserFile.NotRegularFile(path.FullName) is { } unusable)
                {
                    await Console.Error.WriteLineAsync($"mella langid: {path}: {unusable}");
                    return ExitCodes.BadInput;
                }
            }
            else if (inputs.Length == 0)
            {
                reader = Console.In;
            }

            var identifier = LanguageIdentifier.Create();
            var hints = new LanguageHints(parse.GetValue(htmlLang), parse.GetValue(host));
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
            await using (output)
            {
                var clock = Stopwatch.StartNew();
                long lines = 0;
                async Task Write(string text)
                {
                    var guess = identifier.Identify(text, hints);
                    await output.WriteLineAsync(JsonSerializer.Serialize(new LangIdResult(guess.Lang, guess.Script, guess.Confidence), MellaJson.Compact));
                    if (++lines % 10_000 == 0 && !Console.IsErrorRedirected)
                    {
                        await Console.Error.WriteAsync($"\r{lines:N0} lines, {lines / clock.Elapsed.TotalSeconds:N0}/s ");
                    }
                }

                if (path is not null && path.ToString() != "-")
                {
                    // Lines are read under the 1 MiB cap of every user file; a longer one still gets its
                    // result line (of nothing), so results stay aligned with the input.
                    int number = 0;
                    await foreach (var line in LineRangeReader.ReadAsync([path.FullName], 0, 1, keepBlankLines: true, cancellationToken: cancellationToken))
                    {
                        number++;
                        if (line.TooLong)
                        {
                            await Console.Error.WriteLineAsync($"mella langid: {path}:{number}: line longer than {UserFile.MaxLineBytes} bytes, identified as empty");
                        }

                        string text = Encoding.UTF8.GetString(line.Bytes.Span);
                        await Write(number == 1 ? text.TrimStart('\uFEFF') : text);
                    }
                }
                else if (reader is null)
                {
                    foreach (var text in inputs)
                    {
                        await Write(text);
                    }
                }
                else
                {
                    using (reader == Console.In ? null : reader)
                    {
                        while (await reader.ReadLineAsync(cancellationToken) is { } line)
                        {
                            await Write(line);
                        }
                    }
                }

                if (lines >= 10_000 && !Console.IsErrorRedirected)
                {
                    await Console.Error.WriteLineAsync();
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private sealed record LangIdResult(string Lang, string Script, double Confidence);
}
