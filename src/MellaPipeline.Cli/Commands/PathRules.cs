using System.CommandLine;
using System.CommandLine.Parsing;

namespace MellaPipeline.Cli.Commands;

/// <summary>
/// The parser of every file and folder option and argument, set on the whole command tree at once so that none is
/// missed: System.CommandLine's own refuses an empty path with a message naming .NET types.
/// </summary>
internal static class PathRules
{
    /// <summary>Longest path accepted (Linux's PATH_MAX); a longer one is quoted only as an excerpt.</summary>
    public const int MaxLength = 4096;

    /// <summary>Longest part of a path a message repeats: enough for any real path, short enough for one line.</summary>
    private const int ShownLength = 200;

    /// <summary>Sets the path parser on every option and argument of <paramref name="command"/> and its subcommands that takes files or folders.</summary>
    public static void ApplyTo(Command command)
    {
        foreach (var symbol in command.Options.Cast<Symbol>().Concat(command.Arguments))
        {
            switch (symbol)
            {
                case Option<FileInfo> file: file.CustomParser = One(p => new FileInfo(p)); break;
                case Option<DirectoryInfo> folder: folder.CustomParser = One(p => new DirectoryInfo(p)); break;
                case Option<FileInfo[]> files: files.CustomParser = Each(p => new FileInfo(p)); break;
                case Argument<FileInfo> file: file.CustomParser = One(p => new FileInfo(p)); break;
                case Argument<DirectoryInfo> folder: folder.CustomParser = One(p => new DirectoryInfo(p)); break;
                // A folder where one exists, else a file (as System.CommandLine decides it).
                case Argument<FileSystemInfo[]> entries: entries.CustomParser = Each(p => Directory.Exists(p) ? new DirectoryInfo(p) : (FileSystemInfo)new FileInfo(p)); break;
            }
        }

        foreach (var sub in command.Subcommands)
        {
            ApplyTo(sub);
        }
    }

    /// <summary>A path kept as text (a dataset may be a folder or a file): the same checks as the typed paths.</summary>
    public static Argument<string> AsPath(this Argument<string> argument) => Parsed(argument, One(p => p));

    /// <inheritdoc cref="AsPath(Argument{string})"/>
    public static Option<string> AsPath(this Option<string> option)
    {
        option.CustomParser = One(p => p);
        return option;
    }

    /// <inheritdoc cref="AsPath(Argument{string})"/>
    public static Argument<string[]> AsPath(this Argument<string[]> argument) => Parsed(argument, Each(p => p));

    /// <returns>Why <paramref name="path"/> is no path at all, or null.</returns>
    public static string? Problem(string path) =>
        path.Length == 0 ? "'' is not a path"
            : path.Length > MaxLength ? $"{OptionRules.Quote(path)} is longer than {MaxLength} characters"
            : null;

    /// <summary>A path for a message: as typed, with control characters escaped and a very long one cut short.</summary>
    public static string Shown(string path) => OptionRules.Excerpt(path, ShownLength);

    private static Argument<T> Parsed<T>(Argument<T> argument, Func<ArgumentResult, T> parse)
    {
        argument.CustomParser = parse;
        return argument;
    }

    /// <summary>The parser of a one-path value (the last one when the option is repeated).</summary>
    private static Func<ArgumentResult, T> One<T>(Func<string, T> make) => result => make(Path(result, result.Tokens[^1].Value));

    /// <summary>The parser of a many-path value.</summary>
    private static Func<ArgumentResult, T[]> Each<T>(Func<string, T> make) => result => [.. result.Tokens.Select(t => make(Path(result, t.Value)))];

    /// <summary>The path, or "." after reporting why it is none (the value is not used then).</summary>
    private static string Path(ArgumentResult result, string path)
    {
        if (Problem(path) is not { } problem)
        {
            return path;
        }

        result.AddError(problem);
        return ".";
    }
}
