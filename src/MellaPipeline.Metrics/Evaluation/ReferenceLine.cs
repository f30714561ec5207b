using System.Text.Json;
using MellaPipeline.Input;

namespace MellaPipeline.Metrics.Evaluation;

/// <summary>One line of a text reference file: JSONL (<c>{"key", "lang", "source"?, "reference" | "references", "keywords"?}</c>) or TSV (<c>key TAB lang TAB reference [TAB source]</c>).</summary>
internal static class ReferenceLine
{
    /// <summary>One TSV reference, or null when the line has not the three fields.</summary>
    public static EvalReference? ParseTsv(string line)
    {
        var fields = line.Split('\t');
        return fields.Length < 3 || fields[0].Length == 0 || fields[1].Length == 0
            ? null
            : new EvalReference(fields[0], fields[1], fields.Length > 3 ? fields[3] : "native", [fields[2]], null);
    }

    /// <summary>One JSONL reference, or null with what is wrong (in our words: JSON errors would quote the line).</summary>
    public static EvalReference? ParseJson(string line, out string? problem)
    {
        using var record = JsonlRecord.Parse(line, out problem);
        if (record is null)
        {
            return null;
        }

        string? invalid = null;
        List<string>? Texts(string name)
        {
            if (!record.Root.TryGetProperty(name, out var many))
            {
                return null;
            }

            if (many.ValueKind != JsonValueKind.Array)
            {
                invalid ??= $"\"{name}\" must be a list of strings";
                return [];
            }

            return many.EnumerateArray().Select(e => JsonlRecord.StringOf(e, $"\"{name}\" items", ref invalid) ?? string.Empty).ToList();
        }

        string? key = record.String("key", ref invalid, "\"key\"");
        string? lang = record.String("lang", ref invalid, "\"lang\"");
        string? source = record.String("source", ref invalid, "\"source\"");
        var texts = Texts("references")
            ?? (record.Root.TryGetProperty("reference", out var one) ? [JsonlRecord.StringOf(one, "\"reference\"", ref invalid) ?? string.Empty] : null);
        var keywords = Texts("keywords");
        if (invalid is null && (key is null || lang is null || texts is null))
        {
            invalid = "needs \"key\", \"lang\" and \"reference\" (or \"references\")";
        }

        problem = invalid;
        return invalid is null ? new EvalReference(key!, lang!, source ?? "native", texts!, keywords) : null;
    }
}
