using System.Runtime.CompilerServices;
using MellaPipeline.Config;
using MellaPipeline.Input;
using MellaPipeline.Parquet;
using MellaPipeline.Stages;

namespace MellaPipeline.Captions;

/// <summary>
/// One caption of a caption file (<c>schemas/captions.schema.json</c>): the text in <see cref="Lang"/>,
/// the image it describes (<see cref="Match"/>, by the layer's <c>match_by</c> field), and its provenance.
/// </summary>
/// <param name="Origin">File and line (<c>captions.jsonl:12</c>) or file and row (<c>captions.parquet#12</c>).</param>
/// <param name="Description">The model's description before translation, in <see cref="SourceLang"/> (English when none is given): what the layer's fuse step grounds on.</param>
public sealed record CaptionLine(
    string Origin, string Match, string Text, string Lang, string Model, string? PromptId, string? SourceLang, string? Translator, string? Description = null);

/// <summary>A caption, or why its line is not one.</summary>
public readonly record struct CaptionRead(CaptionLine? Caption, string Origin, string? Reason, string? Detail);

/// <summary>
/// Reads caption files: JSONL (one object a line) and Parquet (string columns of the same names).
/// Fields: <c>text</c>, <c>lang</c> and <c>model</c> required; the match field (<c>sha256</c>,
/// <c>key</c> or <c>url</c>) required; <c>prompt_id</c>, <c>source_lang</c>,
/// <c>translation_engine</c> and <c>description</c> optional. A bad line is a reason code, never an exception.
/// </summary>
public static class CaptionFile
{
    private static readonly string[] Optional = ["prompt_id", "source_lang", "translation_engine", "description"];

    public static string MatchField(CaptionMatch match) => match switch
    {
        CaptionMatch.Key => "key",
        CaptionMatch.Url => "url",
        _ => "sha256",
    };

    /// <summary>Every caption file under <paramref name="paths"/> (files as given, folders' <c>*.jsonl</c> and <c>*.parquet</c>), in path order.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths) =>
    [
        .. paths.SelectMany<string, string>(path => Directory.Exists(path)
            ? LineRangeReader.RegularFilesUnder(path, "*")
                .Where(f => f.EndsWith(".jsonl", StringComparison.Ordinal) || f.EndsWith(".parquet", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
            : [path]),
    ];

    public static async IAsyncEnumerable<CaptionRead> ReadAsync(string path, CaptionMatch match, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(path);
        string matchField = MatchField(match);
        if (UserFile.NotRegularFile(path) is { } notRegular)
        {
            yield return new CaptionRead(null, name, ReasonCodes.CaptionFileUnreadable, notRegular);
            yield break;
        }

        if (path.EndsWith(".parquet", StringComparison.Ordinal))
        {
            await foreach (var read in ReadParquetAsync(path, name, matchField, cancellationToken))
            {
                yield return read;
            }

            yield break;
        }

        int lineNumber = 0;
        await foreach (var line in LineRangeReader.ReadAsync([path], 0, 1, keepBlankLines: true, cancellationToken: cancellationToken))
        {
            lineNumber++;
            string origin = $"{name}:{lineNumber}";
            if (line.Bytes.Span.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            yield return ParseJson(line, origin, matchField);
        }
    }

    private static CaptionRead ParseJson(InputLine line, string origin, string matchField)
    {
        using var record = JsonlRecord.Parse(line, out string? problem);
        if (record is null)
        {
            return new CaptionRead(null, origin, ReasonCodes.CaptionMalformed, problem);
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string field in (string[])["text", "lang", "model", matchField, .. Optional])
        {
            fields[field] = record.String(field, ref problem);
            if (problem is not null)
            {
                return new CaptionRead(null, origin, ReasonCodes.CaptionFieldInvalid, problem);
            }
        }

        return Build(fields, origin, matchField);
    }

    private static async IAsyncEnumerable<CaptionRead> ReadParquetAsync(string path, string name, string matchField, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (available, unreadable) = await ParquetColumnReader.StringColumnsAsync(path, cancellationToken);
        string? missing = ((string[])["text", "lang", "model", matchField]).FirstOrDefault(c => !available.Contains(c));
        if (unreadable is not null || missing is not null)
        {
            yield return new CaptionRead(null, name, ReasonCodes.CaptionFileUnreadable,
                unreadable ?? $"no string column '{missing}' (string columns: {string.Join(", ", available.Order(StringComparer.Ordinal))})");
            yield break;
        }

        var columns = new Dictionary<string, List<string?>>(StringComparer.Ordinal);
        foreach (string field in (string[])["text", "lang", "model", matchField, .. Optional])
        {
            if (available.Contains(field))
            {
                var values = new List<string?>();
                await foreach (var value in ParquetColumnReader.ReadStringsAsync(path, field, cancellationToken))
                {
                    values.Add(value);
                }

                columns[field] = values;
            }
        }

        int rows = columns["text"].Count;
        for (int row = 0; row < rows; row++)
        {
            var fields = columns.ToDictionary(c => c.Key, c => c.Value[row], StringComparer.Ordinal);
            yield return Build(fields, $"{name}#{row}", matchField);
        }
    }

    private static CaptionRead Build(Dictionary<string, string?> fields, string origin, string matchField)
    {
        foreach (string required in (string[])["text", "lang", "model", matchField])
        {
            if (fields.GetValueOrDefault(required) is null)
            {
                return new CaptionRead(null, origin, ReasonCodes.CaptionFieldMissing, $"'{required}' is missing");
            }
        }

        return new CaptionRead(
            new CaptionLine(origin, fields[matchField]!.Trim(), fields["text"]!, fields["lang"]!.Trim().ToLowerInvariant(), fields["model"]!,
                fields.GetValueOrDefault("prompt_id"), fields.GetValueOrDefault("source_lang"), fields.GetValueOrDefault("translation_engine"),
                fields.GetValueOrDefault("description")),
            origin, null, null);
    }
}
