using System.Text.Json;
using MellaPipeline.Input;
using MellaPipeline.Parquet;

namespace MellaPipeline.Metrics.Evaluation;

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
        var kind = UserFile.KindOf(path);
        if (kind == UserFileKind.Missing)
        {
            throw new FileNotFoundException($"{path}: no such file or folder");
        }

        if (kind == UserFileKind.Special)
        {
            throw new InvalidDataException($"{path}: {UserFile.NotRegularFile(path)}");
        }

        if (kind == UserFileKind.Folder || path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            string dataset = Directory.Exists(Path.Combine(path, Datasets.Splits.DatasetSplitter.EvalFolder)) ? Path.Combine(path, Datasets.Splits.DatasetSplitter.EvalFolder) : path;
            foreach (var shard in ShardReader.FindShards(dataset))
            {
                await ReadParquetReferencesAsync(shard, references, cancellationToken);
            }

            return references;
        }

        bool tsv = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);
        foreach (var (lineNumber, line, problem) in UserFile.ReadLines(path))
        {
            if (line is null)
            {
                throw new InvalidDataException(lineNumber == 0 ? $"{path}: {problem}" : $"{path}:{lineNumber}: {problem}");
            }

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

            Add(references, ParseReference(line, out string? invalid) ?? throw new InvalidDataException($"{path}:{lineNumber}: {invalid}"), path, lineNumber);
        }

        return references;
    }

    /// <summary>One JSONL reference, or null with what is wrong (in our words: JSON errors would quote the line).</summary>
    private static EvalReference? ParseReference(string line, out string? problem)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            problem = JsonText.NotJson(e);
            return null;
        }

        using (document)
        {
            var o = document.RootElement;
            if (o.ValueKind != JsonValueKind.Object)
            {
                problem = "not a JSON object";
                return null;
            }

            string? invalid = null;
            string? Text(JsonElement e, string what)
            {
                if (e.ValueKind == JsonValueKind.Null)
                {
                    return null;
                }

                if (e.ValueKind != JsonValueKind.String)
                {
                    invalid ??= $"{what} must be a string";
                    return null;
                }

                if (!JsonText.TryGetString(e, out string? text))
                {
                    invalid ??= $"{what} is not valid Unicode text (a lone surrogate)";
                }

                return text;
            }

            List<string>? Texts(string name)
            {
                if (!o.TryGetProperty(name, out var many))
                {
                    return null;
                }

                if (many.ValueKind != JsonValueKind.Array)
                {
                    invalid ??= $"\"{name}\" must be a list of strings";
                    return [];
                }

                return many.EnumerateArray().Select(e => Text(e, $"\"{name}\" items") ?? string.Empty).ToList();
            }

            string? key = o.TryGetProperty("key", out var k) ? Text(k, "\"key\"") : null;
            string? lang = o.TryGetProperty("lang", out var l) ? Text(l, "\"lang\"") : null;
            string? source = o.TryGetProperty("source", out var s) && s.ValueKind != JsonValueKind.Null ? Text(s, "\"source\"") : "native";
            var texts = Texts("references") ?? (o.TryGetProperty("reference", out var one) ? [Text(one, "\"reference\"") ?? string.Empty] : null);
            var keywords = Texts("keywords");
            if (invalid is null && (key is null || lang is null || texts is null))
            {
                invalid = "needs \"key\", \"lang\" and \"reference\" (or \"references\")";
            }

            problem = invalid;
            return invalid is null ? new EvalReference(key!, lang!, source ?? "native", texts!, keywords) : null;
        }
    }

    /// <summary>Rows of one Parquet reference file; a file that is not Parquet is one line naming it, not a reader's exception.</summary>
    private static async Task ReadParquetReferencesAsync(string shard, Dictionary<string, EvalReference> references, CancellationToken cancellationToken)
    {
        if (NotParquet(shard) is { } problem)
        {
            throw new InvalidDataException($"{shard}: {problem}");
        }

        try
        {
            await foreach (var row in ShardReader.ReadReferenceRowsAsync(shard, cancellationToken))
            {
                references[row.Key] = new EvalReference(row.Key, row.Lang, row.Source, [row.Text], null);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            // A damaged file past its markers; the reader's wording names .NET internals, so say what it means.
            throw new InvalidDataException($"{shard}: not a readable Parquet file (damaged, or without key, lang, source and text columns)");
        }
    }

    /// <summary>Parquet files start and end with <c>PAR1</c>; anything else is named as such before a reader sees it.</summary>
    private static string? NotParquet(string path)
    {
        using var stream = UserFile.OpenRead(path, out _, out string? detail);
        if (stream is null)
        {
            return detail;
        }

        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[4];
        if (stream.Length < 12 || stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4)
        {
            return "not a Parquet file (too short)";
        }

        stream.Seek(-4, SeekOrigin.End);
        return stream.ReadAtLeast(tail, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual("PAR1"u8) && tail.SequenceEqual("PAR1"u8)
            ? null
            : "not a Parquet file (no PAR1 marker)";
    }

    private static void Add(Dictionary<string, EvalReference> references, EvalReference reference, string path, int line)
    {
        if (references.TryGetValue(reference.Key, out var existing))
        {
            if (existing.Lang != reference.Lang)
            {
                throw new InvalidDataException($"{path}:{line}: key {Short(reference.Key)} given as {Short(existing.Lang)} before, {Short(reference.Lang)} here");
            }

            existing.Texts.AddRange(reference.Texts);
            return;
        }

        references[reference.Key] = reference;
    }

    /// <summary>A key or language from the user's file as it appears in a message: keys can be a megabyte long.</summary>
    private static string Short(string text) => UserFile.Excerpt(text, 80);

    /// <summary>Predictions by key; bad lines, duplicates, unknown keys and language mismatches are counted in <paramref name="errors"/>.</summary>
    public static Dictionary<string, string> ReadPredictions(string path, IReadOnlyDictionary<string, EvalReference> references, EvalErrors errors)
    {
        var predictions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (lineNumber, line, problem) in UserFile.ReadLines(path))
        {
            if (line is null)
            {
                errors.Malformed++;
                errors.Note(lineNumber == 0 ? $"{path}: {problem}" : $"{path}:{lineNumber}: {problem}");
                continue;
            }

            if (line.Trim().Length == 0)
            {
                continue;
            }

            string? key, prediction, lang;
            try
            {
                using var document = JsonDocument.Parse(line);
                var o = document.RootElement;
                key = o.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                prediction = o.TryGetProperty("prediction", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                lang = o.TryGetProperty("lang", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // Our own words: JSON errors quote the offending bytes, GetString names UTF-16 internals.
                errors.Malformed++;
                errors.Note(e is JsonException json
                    ? $"{path}:{lineNumber}: not a JSON object ({JsonText.NotJson(json)})"
                    : $"{path}:{lineNumber}: not a JSON object of valid Unicode strings");
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
                errors.Note($"{path}:{lineNumber}: key {Short(key)} is not in the references");
                continue;
            }

            if (lang is not null && lang != reference.Lang)
            {
                errors.Malformed++;
                errors.Note($"{path}:{lineNumber}: key {Short(key)} is {Short(reference.Lang)} in the references, the prediction says {Short(lang)}");
                continue;
            }

            if (!predictions.TryAdd(key, prediction))
            {
                errors.Duplicate++;
                errors.Note($"{path}:{lineNumber}: key {Short(key)} predicted again (the first prediction counts)");
            }
        }

        foreach (var key in references.Keys.Where(k => !predictions.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            errors.Missing++;
            errors.Note($"key {Short(key)}: no prediction (scored as empty)");
        }

        return predictions;
    }
}
