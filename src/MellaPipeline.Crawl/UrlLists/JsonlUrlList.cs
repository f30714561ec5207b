using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MellaPipeline.Input;
using MellaPipeline.Stages;

namespace MellaPipeline.Crawl.UrlLists;

/// <summary>
/// JSONL URL lists (img2dataset's and WIT's exports): one object a line. The first object's keys
/// stand for the file's columns when the layout is worked out; a later line that lacks one has
/// null there. A line that is not an object, or whose URL or caption is not a string, is a failed
/// row naming the file and line, never an exception.
/// </summary>
public static class JsonlUrlList
{
    public static (IReadOnlyList<string> Columns, string? Problem) FirstObjectKeys(UrlListFile file)
    {
        using var stream = file.OpenRead();
        var lines = LineRangeReader.ReadStreamAsync(stream, file.Path, keepBlankLines: false, CancellationToken.None).GetAsyncEnumerator();
        try
        {
            if (!lines.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                return ([], "empty (no JSON object to take the columns from)");
            }

            using var record = JsonlRecord.Parse(lines.Current, out string? problem);
            return record is null
                ? ([], $"first line: {problem}")
                : (record.Root.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).ToArray(), null);
        }
        finally
        {
            lines.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The lines starting in bytes [<paramref name="lo"/>, <paramref name="hi"/>) of an uncompressed file, or with <paramref name="keep"/> every line of a gzipped one whose ordinal it accepts.</summary>
    public static async IAsyncEnumerable<UrlListRow> ReadAsync(
        UrlListFile file, UrlListLayout layout, long lo, long hi, Func<long, bool>? keep, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long lineNumber = -1;
        long ordinal = 0;
        IAsyncEnumerable<InputLine> lines;
        Stream? stream = null;
        if (keep is null)
        {
            lines = LineRangeReader.ReadRangeAsync(file.Path, lo, hi, keepBlankLines: true, cancellationToken);
        }
        else
        {
            stream = file.OpenRead();
            lines = LineRangeReader.ReadStreamAsync(stream, file.Path, keepBlankLines: true, cancellationToken);
        }

        try
        {
            await foreach (var line in lines.WithCancellation(cancellationToken))
            {
                // The line number a share continues from is counted once, at its first line.
                lineNumber = lineNumber < 0 ? (keep is null ? CountLines(file.Path, line.Offset) : 0) + 1 : lineNumber + 1;
                if (!line.TooLong && line.Bytes.Span.Trim(" \t\r"u8).IsEmpty)
                {
                    continue;
                }

                if (keep is not null && !keep(ordinal++))
                {
                    continue;
                }

                yield return Row(layout, $"{file.Name}:line {lineNumber}", line);
            }
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private static UrlListRow Row(UrlListLayout layout, string origin, InputLine line)
    {
        using var record = JsonlRecord.Parse(line, out string? problem);
        if (record is null)
        {
            return UrlListRow.Unreadable(origin, ReasonCodes.InputMalformed, problem!);
        }

        var root = record.Root;
        string? fieldProblem = null;
        string? Text(string column)
        {
            if (!root.TryGetProperty(column, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            string? text = JsonlRecord.StringOf(value, $"'{column}'", ref fieldProblem);
            return text is { Length: > 0 } ? text : null;
        }

        JsonNode? Json(string column) =>
            root.TryGetProperty(column, out var value) ? JsonNode.Parse(value.GetRawText()) : null;

        var row = UrlListRow.From(layout, origin, Text, Json);
        return fieldProblem is null ? row : UrlListRow.Unreadable(origin, ReasonCodes.InputFieldInvalid, fieldProblem);
    }

    /// <summary>Line breaks before byte <paramref name="offset"/>: the line number a share starting there continues from.</summary>
    private static long CountLines(string path, long offset)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 16];
        long left = offset, lines = 0;
        int read;
        while (left > 0 && (read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left))) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            left -= read;
        }

        return lines;
    }
}
