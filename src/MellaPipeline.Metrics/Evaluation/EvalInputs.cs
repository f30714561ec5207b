using MellaPipeline.Input;
using MellaPipeline.Parquet;

namespace MellaPipeline.Metrics.Evaluation;

/// <summary>A held-out sample: its language and source, one or more reference captions, and keywords if supplied.</summary>
public sealed record EvalReference(string Key, string Lang, string Source, List<string> Texts, List<string>? Keywords);

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
                await ParquetReferences.ReadAsync(shard, references, cancellationToken);
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

            string? invalid = "expected key<TAB>lang<TAB>reference";
            var reference = tsv ? ReferenceLine.ParseTsv(line) : ReferenceLine.ParseJson(line, out invalid);
            Add(references, reference ?? throw new InvalidDataException($"{path}:{lineNumber}: {invalid}"), path, lineNumber);
        }

        return references;
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

            using var record = JsonlRecord.Parse(line, out string? invalid);
            string? key = record?.String("key", ref invalid, "\"key\"");
            string? prediction = record?.String("prediction", ref invalid, "\"prediction\"");
            string? lang = record?.String("lang", ref invalid, "\"lang\"");
            if (invalid is not null)
            {
                // JSON that is not an object says so; broken JSON says where it breaks.
                errors.Malformed++;
                errors.Note(record is null && invalid != JsonlRecord.NotAnObject
                    ? $"{path}:{lineNumber}: not a JSON object ({invalid})"
                    : $"{path}:{lineNumber}: {invalid}");
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
