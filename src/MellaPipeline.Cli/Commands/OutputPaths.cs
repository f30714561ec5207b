using System.CommandLine;
using System.CommandLine.Parsing;

namespace MellaPipeline.Cli.Commands;

/// <summary>
/// Checks of the paths a command writes to, made while the command line is parsed: before any work starts and before
/// anything is created, so that a refused command leaves nothing behind. Messages name the path as typed.
/// </summary>
internal static class OutputPaths
{
    /// <summary>The option names a file to write: its folder must exist and it must not be a folder.</summary>
    public static Option<T> OutputFile<T>(this Option<T> option)
        where T : FileSystemInfo?
    {
        option.Validators.Add(result => Report(result, FileProblem));
        return option;
    }

    /// <summary>The option names a folder to write into (<paramref name="what"/>, e.g. "run directory"): its parent must exist and it must not be a file.</summary>
    public static Option<T> OutputFolder<T>(this Option<T> option, string what)
        where T : FileSystemInfo?
    {
        option.Validators.Add(result => Report(result, path => FolderProblem(path, what)));
        return option;
    }

    /// <returns>Why <paramref name="path"/> cannot be written as a file, or null.</returns>
    public static string? FileProblem(string path) =>
        Directory.Exists(path) ? $"{PathRules.Shown(path)} is a folder, not a file" : ParentProblem(path);

    /// <returns>Why <paramref name="path"/> cannot be a folder of its own (<paramref name="what"/>), or null.</returns>
    /// <param name="parentMustExist">False for a default path whose parents the command creates (runs/NAME).</param>
    public static string? FolderProblem(string path, string what, bool parentMustExist = true) =>
        File.Exists(path) ? $"{PathRules.Shown(path)} is a file, not a {what}"
            : parentMustExist ? ParentProblem(path) : null;

    private static string? ParentProblem(string path)
    {
        string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) ?? "";
        return parent.Length == 0 || Directory.Exists(parent) ? null : $"folder {PathRules.Shown(parent)} does not exist";
    }

    private static void Report(OptionResult result, Func<string, string?> problem)
    {
        // A value that is no path at all has been refused by its parser (PathRules) already.
        if (result.Tokens.Count > 0 && PathRules.Problem(result.Tokens[^1].Value) is null && problem(result.Tokens[^1].Value) is { } message)
        {
            result.AddError(message);
        }
    }
}
