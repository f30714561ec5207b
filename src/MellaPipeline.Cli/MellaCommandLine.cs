using System.CommandLine;
using MellaPipeline.Cli.Commands;

namespace MellaPipeline.Cli;

/// <summary>The <c>mella</c> command tree. Every command has <c>--help</c>; parse errors exit 2.</summary>
public static class MellaCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "MellaPipeline: build multilingual image-text datasets (ar, cs, hu, ko, ru, sr, th, vi), " +
            "validate them and score models on them.");
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(LangIdCommand.Build());
        root.Subcommands.Add(ExtractCommand.Build());
        root.Subcommands.Add(PhashCommand.Build());
        root.Subcommands.Add(DedupCommand.Build());
        root.Subcommands.Add(CoverageCommand.Build());
        root.Subcommands.Add(SplitCommand.Build());
        root.Subcommands.Add(EvalCommand.Build());
        root.Subcommands.Add(ScoreCommand.Build());
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(SlurmCommand.Build());
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var root = Build();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line, naming the offending argument, then where to look.
            var error = parsed.Errors[0];
            string message = System.Text.RegularExpressions.Regex.Replace(error.Message, @"\s*\n\s*", " ");
            string option = error.SymbolResult is System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } ? o.Option.Name
                : error.SymbolResult is System.CommandLine.Parsing.OptionResult r ? r.Option.Name : "";
            if (option.Length > 0 && !message.Contains(option, StringComparison.Ordinal))
            {
                message = $"{option}: {message}";
            }

            Console.Error.WriteLine($"mella: {message} (see 'mella {string.Join(' ', CommandPath(parsed))} --help')");
            return ExitCodes.BadInput;
        }

        // Signals are handled by the command that runs a job (through the host's console lifetime),
        // so that Ctrl+C stops intake and flushes instead of killing the process mid-write.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static IEnumerable<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (result.Command is not RootCommand)
            {
                names.Insert(0, result.Command.Name);
            }
        }

        return names;
    }
}
