using System.Text.Json;
using MellaPipeline.Parquet;

namespace MellaPipeline.Cli.Evaluation;

/// <summary>A held-out sample: its language and source, one or more reference captions, and keywords if supplied.</summary>
public sealed record EvalReference(string Key, string Lang, string Source, List<string> Texts, List<string>? Keywords);

/// <summary>What went wrong with the inputs, counted and listed (never silently dropped).</summary>
public sealed class EvalErrors
{
    /// <summary>Reference keys with no prediction (scored as an empty prediction).</summary>
    public long Missing { get; set; }

    /// <summary>Prediction lines repeating a key (the first one counts).</summary>
    public long Duplicate { get; set; }

    /// <summary>Predictions whose key is not among the references.</summary>
    public long Unknown { get; set; }

    /// <summary>Prediction lines that are not a JSON object with <c>key</c> and <c>prediction</c> strings, or whose <c>lang</c> differs from the reference's.</summary>
    public long Malformed { get; set; }

    /// <summary>The first 50 problems, each naming file and line or key.</summary>
    public List<string> Examples { get; } = [];

    public long Total => Missing + Duplicate + Unknown + Malformed;

    public void Note(string problem)
    {
        if (Examples.Count < 50)
        {
            Examples.Add(problem);
        }
    }
}

/// <summary>Reads references (an eval split, a dataset, or JSONL/TSV) and predictions (JSONL).</summary>
public static class EvalInputs
{
    /// <summary>
    /// References from <paramref name="path"/>: a split folder (its <c>eval/</c>), a dataset or
    /// shard folder (Parquet: key, lang, source, text), a <c>.jsonl</c> file
    /// (<c>{"key", "lang", "source"?, "reference" | "references": [...], "keywords"?: [...]}</c>) or a
    /// <c>.tsv</c> file (<c>key TAB lang TAB reference</c>; a key on several lines has several references).
    /// </summary>
    /// <exception cref="InvalidDataException">A line that cannot be read, naming file and line.</exception>
    public static async Task<Dictionary<string, EvalReference>> ReadReferencesAsync(string path, CancellationToken cancellationToken)
    {
        var references = new Dictionary<string, EvalReference>(StringComparer.Ordinal);
        if (Directory.Exists(path) || path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            string dataset = Directory.Exists(Path.Combine(path, Splits.DatasetSplitter.EvalFolder)) ? Path.Combine(path, Splits.DatasetSplitter.EvalFolder) : path;
            foreach (var shard in ShardReader.FindShards(dataset))
            {
                await foreach (var row in ShardReader.ReadReferenceRowsAsync(shard, cancellationToken))
                {
                    references[row.Key] = new EvalReference(row.Key, row.Lang, row.Source, [row.Text], null);
                }
            }

            return references;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file or folder");
        }

        int lineNumber = 0;
        bool tsv = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (tsv)
            {
                var fields = line.Split('\t');
                if (fields.Length < 3 || fields[0].Length == 0 || fields[1].Length == 0)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: expected key<TAB>lang<TAB>reference");
                }

                Add(references, new EvalReference(fields[0], fields[1], fields.Length > 3 ? fields[3] : "native", [fields[2]], null), path, lineNumber);
                continue;
            }

            try
            {
                var o = JsonDocument.Parse(line).RootElement;
                string key = o.GetProperty("key").GetString() ?? throw new InvalidDataException("key is null");
                string lang = o.GetProperty("lang").GetString() ?? throw new InvalidDataException("lang is null");
                string source = o.TryGetProperty("source", out var s) && s.GetString() is { } src ? src : "native";
                var texts = o.TryGetProperty("references", out var many)
                    ? many.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
                    : [o.GetProperty("reference").GetString() ?? ""];
                var keywords = o.TryGetProperty("keywords", out var k) && k.ValueKind == JsonValueKind.Array ? k.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : null;
                Add(references, new EvalReference(key, lang, source, texts, keywords), path, lineNumber);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // The JSON reader's own words name .NET types and its positions within the line; ours name the line.
                throw new InvalidDataException($"{path}:{lineNumber}: " + (e is JsonException ? "not valid JSON"
                    : "not a reference (expected text \"key\", \"lang\" and \"reference\", or a list \"references\")"));
            }
        }

        return references;
    }

    private static void Add(Dictionary<string, EvalReference> references, EvalReference reference, string path, int line)
    {
        if (references.TryGetValue(reference.Key, out var existing))
        {
            if (existing.Lang != reference.Lang)
            {
                throw new InvalidDataException($"{path}:{line}: key {reference.Key} given as {existing.Lang} before, {reference.Lang} here");
            }

            existing.Texts.AddRange(reference.Texts);
            return;
        }

        references[reference.Key] = reference;
    }

    /// <summary>Predictions by key; bad lines, duplicates, unknown keys and language mismatches are counted in <paramref name="errors"/>.</summary>
    public static Dictionary<string, string> ReadPredictions(string path, IReadOnlyDictionary<string, EvalReference> references, EvalErrors errors)
    {
        var predictions = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            string? key, prediction, lang;
            try
            {
                var o = JsonDocument.Parse(line).RootElement;
                key = o.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                prediction = o.TryGetProperty("prediction", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                lang = o.TryGetProperty("lang", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                errors.Malformed++;
                errors.Note($"{path}:{lineNumber}: not a JSON object ({e.Message.Split('.')[0]})");
                continue;
            }

            if (key is null || prediction is null)
            {
                errors.Malformed++;
                errors.Note($"{path}:{lineNumber}: needs \"key\" and \"prediction\" strings");
                continue;
            }

            if (!references.TryGetValue(key, out var reference))
            {
                errors.Unknown++;
                errors.Note($"{path}:{lineNumber}: key {key} is not in the references");
                continue;
            }

            if (lang is not null && lang != reference.Lang)
            {
                errors.Malformed++;
                errors.Note($"{path}:{lineNumber}: key {key} is {reference.Lang} in the references, the prediction says {lang}");
                continue;
            }

            if (!predictions.TryAdd(key, prediction))
            {
                errors.Duplicate++;
                errors.Note($"{path}:{lineNumber}: key {key} predicted again (the first prediction counts)");
            }
        }

        foreach (var key in references.Keys.Where(k => !predictions.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            errors.Missing++;
            errors.Note($"key {key}: no prediction (scored as empty)");
        }

        return predictions;
    }
}
