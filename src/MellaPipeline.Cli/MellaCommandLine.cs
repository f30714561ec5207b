using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using MellaPipeline.Cli.Commands;

namespace MellaPipeline.Cli;

/// <summary>The <c>mella</c> command tree. Every command has <c>--help</c>; parse errors exit 2.</summary>
public static class MellaCommandLine
{
    /// <summary>Set to 1 to get the stack trace of an internal error on stderr.</summary>
    public const string DebugVariable = "MELLA_DEBUG";

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
        root.Subcommands.Add(ExportCommand.Build());
        root.Subcommands.Add(ShowCommand.Build());
        root.Subcommands.Add(EvalCommand.Build());
        root.Subcommands.Add(ScoreCommand.Build());
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(SlurmCommand.Build());
        PathRules.ApplyTo(root);
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var root = Build();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line, naming the offending argument, then where to look.
            Console.Error.WriteLine($"mella: {Problem(parsed)} (see '{CommandPath(parsed)} --help')");
            return ExitCodes.BadInput;
        }

        try
        {
            // Signals are handled by the command that runs a job (through the host's console lifetime),
            // so that Ctrl+C stops intake and flushes instead of killing the process mid-write.
            return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Last resort, for bugs only: misuse and bad input are answered by the commands with exit 2. One line in our
            // words instead of the runtime's report; the stack trace only on request.
            Console.Error.WriteLine($"mella: internal error: {OneLine(e.Message)} (please report)");
            if (Environment.GetEnvironmentVariable(DebugVariable) == "1")
            {
                Console.Error.WriteLine(e);
            }

            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// What is wrong with the command line, in our words. Worked out from the parse result rather than from
    /// System.CommandLine's messages, which name .NET types; the value rules (<see cref="OptionRules"/>, <see cref="OutputPaths"/>)
    /// give the messages of bad values.
    /// </summary>
    private static string Problem(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        if (parsed.UnmatchedTokens.Count > 0)
        {
            string token = parsed.UnmatchedTokens[0];
            return token.StartsWith('-') ? $"{OptionRules.Quote(token)} is not an option of '{CommandPath(parsed)}'"
                : command.Subcommands.Count > 0 ? $"{OptionRules.Quote(token)} is not a {CommandPath(parsed)} command"
                : $"unexpected argument {OptionRules.Quote(token)}";
        }

        foreach (var error in parsed.Errors)
        {
            var option = error.SymbolResult switch
            {
                OptionResult o => o,
                ArgumentResult { Parent: OptionResult o } => o,
                _ => null,
            };

            // A required option that is not there has a result too; it is reported below, after the values typed.
            if (option is { IdentifierTokenCount: > 0 })
            {
                string name = option.Option.Name;
                return option.Tokens.Count == 0 ? $"{name} needs a value"
                    : option.IdentifierTokenCount > 1 && option.Option.Arity.MaximumNumberOfValues == 1 ? $"{name} is given more than once"
                    : $"{name}: {OneLine(error.Message)}";
            }

            if (error.SymbolResult is ArgumentResult argument && argument.Tokens.Count > 0)
            {
                return $"{argument.Argument.Name}: {OneLine(error.Message)}";
            }
        }

        if (command.Action is null && command.Subcommands.Count > 0)
        {
            return $"a command is missing: one of {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
        }

        if (command.Options.FirstOrDefault(o => o.Required && parsed.GetResult(o) is not { IdentifierTokenCount: > 0 }) is { } required)
        {
            return $"{required.Name} is required";
        }

        if (command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && parsed.GetResult(a) is not { Tokens.Count: > 0 }) is { } missing)
        {
            return $"{missing.Name} is missing";
        }

        return OneLine(parsed.Errors[0].Message);
    }

    private static string OneLine(string message) => Regex.Replace(message, @"\s*\n\s*", " ");

    /// <summary>The command as typed: <c>mella slurm submit</c>.</summary>
    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            if (result.Command is not RootCommand)
            {
                names.Insert(0, result.Command.Name);
            }
        }

        return string.Join(' ', names.Prepend("mella"));
    }
}
