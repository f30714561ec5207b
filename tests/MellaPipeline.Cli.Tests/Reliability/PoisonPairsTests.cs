using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests.Reliability;

/// <summary>
/// The real <c>mella run</c> on <see cref="PoisonPairs"/>: 20 good lines among 16 that once stopped,
/// hung or exhausted a run (a lone surrogate, a NUL in a path, /dev/zero, a FIFO, a 2 MB line, a PNG
/// bomb, ...). The run ends by itself with exit 0 (the generated pipeline's failure_budget is 0.9),
/// DuckDB reads back exactly the 20 good rows, and every poison line is a reject naming
/// <c>pairs.jsonl@offset</c> with its expected reason.
/// </summary>
public class PoisonPairsTests
{
    [Fact]
    public async Task Poison_lines_become_rejects_naming_file_and_offset_and_every_good_line_is_stored()
    {
        using var dir = new TempDir();
        string input = dir.File("poison");
        var expected = PoisonPairs.Write(input);
        string runDir = dir.File("run");

        var result = await MellaProcess.RunAsync(["run", Path.Combine(input, "pipeline.yaml"), "--out", runDir]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(36, expected.Count);
        Assert.Equal(
            expected.ToDictionary(e => e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), e => e.Value),
            JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(input, "expected.json"))));

        var offsets = LineOffsets(Path.Combine(input, "pairs.jsonl"));
        var stored = DuckDb.Query($"SELECT origin FROM {DuckDb.Shards(runDir)}").Select(row => (string)row[0]!).ToList();
        var rejects = Directory.GetFiles(Path.Combine(runDir, "rejects"), "*.jsonl")
            .SelectMany(File.ReadLines)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(r => r.GetProperty("origin").GetString()!, r => (Reason: r.GetProperty("reason").GetString()!, Detail: r.GetProperty("detail").GetString() ?? string.Empty));

        Assert.Equal(PoisonPairs.GoodLines, stored.Count);
        foreach (var (line, outcome) in expected)
        {
            string origin = $"pairs.jsonl@{offsets[line - 1]}";
            if (outcome == PoisonPairs.Stored)
            {
                Assert.Contains(origin, stored);
            }
            else
            {
                Assert.True(rejects.TryGetValue(origin, out var reject), $"line {line} ({origin}) has no reject; expected {outcome}");
                Assert.Equal((line, outcome), (line, reject.Reason));
            }
        }

        Assert.Equal(expected.Count - PoisonPairs.GoodLines, rejects.Count);
        // Details are ours: short, and never a copy of the line (the 2 MB one, the secret-looking one).
        Assert.All(rejects.Values, r => Assert.True(r.Detail.Length <= 300, r.Detail[..Math.Min(r.Detail.Length, 300)]));
        Assert.DoesNotContain(rejects.Values, r => r.Detail.Contains("LineNumber", StringComparison.Ordinal) || r.Detail.Contains("Exception", StringComparison.Ordinal));
    }

    /// <summary>The byte offset each line starts at, in line order.</summary>
    private static List<long> LineOffsets(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var offsets = new List<long> { 0 };
        for (int i = 0; i < bytes.Length - 1; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                offsets.Add(i + 1);
            }
        }

        return offsets;
    }
}
