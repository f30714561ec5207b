using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// The command line only parses commands and wires them to the features: its size is the sign that domain logic has
/// crept back in. Counted as <c>wc -l</c> counts, over <c>src/MellaPipeline.Cli/**/*.cs</c> without bin/ and obj/.
/// </summary>
public class CliSizeTests
{
    /// <summary>
    /// 1,500 for the commands up to <c>mella split</c>, eval and score; then 108 for <c>mella export</c> and <c>mella show</c>
    /// (ExportCommand.cs, ShowCommand.cs, their two registrations), less the 6 the progress display gave back when its
    /// wording moved to Core (1,602 today), and a few lines of slack.
    /// </summary>
    public const int MaxProjectLines = 1610;
    public const int MaxFileLines = 300;

    [Fact]
    public void The_command_line_project_stays_within_its_limits()
    {
        var sources = CliSources();

        Assert.NotEmpty(sources);
        Assert.Contains(sources, s => s.Path.EndsWith("MellaCommandLine.cs", StringComparison.Ordinal));
        var problems = Problems(sources);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void A_file_or_a_project_over_its_limit_is_named_with_the_limit()
    {
        // 301 + 4 × 300 + the rest = the limit + 1 lines: one file over its limit, the others within theirs, the project one over its own.
        int rest = MaxProjectLines + 1 - (MaxFileLines + 1) - 4 * MaxFileLines;
        var problems = Problems([("Commands/Big.cs", MaxFileLines + 1), .. Enumerable.Range(0, 4).Select(i => ($"Commands/Fine{i}.cs", MaxFileLines)), ("Commands/Rest.cs", rest)]);

        Assert.Equal(
            [
                $"Commands/Big.cs has {MaxFileLines + 1} lines, more than the {MaxFileLines} a file of MellaPipeline.Cli may have",
                $"MellaPipeline.Cli has {MaxProjectLines + 1} lines, more than {MaxProjectLines}: move domain logic into its feature project",
            ],
            problems);
        Assert.Empty(Problems([("Program.cs", MaxFileLines), ("Other.cs", MaxFileLines)]));
    }

    /// <summary>Every limit exceeded, in words that name the file (relative to the project) or the project and the limit.</summary>
    private static List<string> Problems(IReadOnlyList<(string Path, int Lines)> sources)
    {
        var problems = sources.Where(s => s.Lines > MaxFileLines)
            .Select(s => $"{s.Path} has {s.Lines} lines, more than the {MaxFileLines} a file of MellaPipeline.Cli may have")
            .ToList();
        int total = sources.Sum(s => s.Lines);
        if (total > MaxProjectLines)
        {
            problems.Add($"MellaPipeline.Cli has {total} lines, more than {MaxProjectLines}: move domain logic into its feature project");
        }

        return problems;
    }

    private static List<(string Path, int Lines)> CliSources()
    {
        string project = Path.Combine(RepoPaths.Root, "src", "MellaPipeline.Cli");
        return Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(project, f))
            .Where(f => f.Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(f => (f, LineCount(Path.Combine(project, f))))
            .ToList();
    }

    /// <summary>Lines as <c>wc -l</c> counts them: line feeds, plus a last line that has none.</summary>
    private static int LineCount(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int count = bytes.Count(b => b == (byte)'\n');
        return bytes.Length > 0 && bytes[^1] != (byte)'\n' ? count + 1 : count;
    }
}
