using System.Text.Json;

namespace MellaPipeline.TestSupport;

/// <summary>
/// Compares what a run did with what an input generator expected of it, for the reliability suite
/// (<c>bench/run-reliability</c>): each case is "stored" (a row must exist) or a reason code (a
/// reject with that reason must exist and no row). Cases are matched to rows and rejects by the
/// input line's origin (<c>poison</c>: <c>pairs.jsonl@OFFSET</c>, the expectations keyed by
/// 1-based line number) or by image URL (<c>hostile</c>: the expectations keyed by URL).
/// </summary>
public static class OutcomeCheck
{
    public sealed record Result(int Tried, int Handled, int RowsLost, IReadOnlyList<string> Mismatches);

    /// <summary><c>check-outcomes poison|hostile EXPECTED.json RUN_DIR</c>: prints "tried handled lost"; mismatches go to stderr.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count != 3 || args[0] is not ("poison" or "hostile"))
        {
            Console.Error.WriteLine("usage: check-outcomes poison|hostile EXPECTED.json RUN_DIR");
            return 2;
        }

        var result = args[0] == "poison" ? CheckPoison(args[1], args[2]) : CheckHostile(args[1], args[2]);
        foreach (string mismatch in result.Mismatches)
        {
            Console.Error.WriteLine(mismatch);
        }

        Console.WriteLine($"{result.Tried} {result.Handled} {result.RowsLost}");
        return 0;
    }

    /// <summary>Expectations by line number of the <c>pairs.jsonl</c> beside <paramref name="expectedPath"/>.</summary>
    public static Result CheckPoison(string expectedPath, string runDir)
    {
        string pairs = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(expectedPath))!, "pairs.jsonl");
        var offsets = LineOffsets(File.ReadAllBytes(pairs));
        var expected = Expectations(expectedPath).ToDictionary(
            e => $"pairs.jsonl@{offsets[int.Parse(e.Key, System.Globalization.CultureInfo.InvariantCulture) - 1]}",
            e => (Case: $"line {e.Key}", e.Value));
        return Compare(expected, runDir, subjectColumn: "origin", rejectField: "origin");
    }

    /// <summary>Expectations by image URL.</summary>
    public static Result CheckHostile(string expectedPath, string runDir) =>
        Compare(Expectations(expectedPath).ToDictionary(e => e.Key, e => (Case: e.Key, e.Value)), runDir, subjectColumn: "url", rejectField: "url");

    private static Dictionary<string, string> Expectations(string path) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))
        ?? throw new InvalidDataException($"{path}: not a JSON object");

    private static Result Compare(
        Dictionary<string, (string Case, string Outcome)> expected, string runDir, string subjectColumn, string rejectField)
    {
        var stored = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(Path.Combine(runDir, "shards")) && Directory.EnumerateFiles(Path.Combine(runDir, "shards"), "*.parquet").Any())
        {
            foreach (var row in DuckDb.Query($"SELECT {subjectColumn} FROM {DuckDb.Shards(runDir)} WHERE {subjectColumn} IS NOT NULL"))
            {
                stored.Add((string)row[0]!);
            }
        }

        var rejected = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string rejects = Path.Combine(runDir, "rejects");
        foreach (string file in Directory.Exists(rejects) ? Directory.EnumerateFiles(rejects, "*.jsonl") : [])
        {
            foreach (string line in File.ReadLines(file))
            {
                using var reject = JsonDocument.Parse(line);
                if (reject.RootElement.TryGetProperty(rejectField, out var subject) && subject.ValueKind == JsonValueKind.String)
                {
                    string reason = reject.RootElement.GetProperty("reason").GetString()!;
                    if (!rejected.TryGetValue(subject.GetString()!, out var reasons))
                    {
                        rejected[subject.GetString()!] = reasons = [];
                    }

                    reasons.Add(reason);
                }
            }
        }

        var mismatches = new List<string>();
        int handled = 0;
        int lost = 0;
        foreach (var (subject, (name, outcome)) in expected.OrderBy(e => e.Value.Case, StringComparer.Ordinal))
        {
            bool isStored = stored.Contains(subject);
            var reasons = rejected.GetValueOrDefault(subject) ?? [];
            bool ok = outcome == "stored" ? isStored : !isStored && reasons.Contains(outcome);
            if (ok)
            {
                handled++;
                continue;
            }

            if (outcome == "stored" && !isStored)
            {
                lost++;
            }

            string actual = isStored ? "stored" : reasons.Count > 0 ? string.Join(",", reasons) : "nothing (neither row nor reject)";
            mismatches.Add($"{name}: expected {outcome}, got {actual}");
        }

        return new Result(expected.Count, handled, lost, mismatches);
    }

    private static List<long> LineOffsets(byte[] bytes)
    {
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
