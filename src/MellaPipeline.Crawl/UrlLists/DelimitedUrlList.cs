using System.Runtime.CompilerServices;
using CsvHelper;
using MellaPipeline.Input;
using MellaPipeline.Stages;

namespace MellaPipeline.Crawl.UrlLists;

/// <summary>
/// CSV (RFC 4180: quoted fields may hold commas, quotes and line breaks) and TSV (one record a line,
/// no quoting, as IANA's text/tab-separated-values has it) URL lists with a header line, parsed by
/// CsvHelper. An uncompressed file is split between tasks by byte ranges: a record belongs to the
/// range it starts in, and where records start is found by a scan that follows the quoting as
/// the parser does, so a caption with a line break inside quotes is never cut. A gzipped file
/// cannot be entered midway: every task reads it through and keeps its own rows (see
/// <see cref="UrlListSlices"/>).
/// </summary>
public static class DelimitedUrlList
{
    /// <summary>The longest record read; a longer one ends the file's share with a failure (the reader cannot resume inside it).</summary>
    public const int MaxRecordBytes = UserFile.MaxLineBytes;

    public static (IReadOnlyList<string> Columns, string? Problem) Header(UrlListFile file)
    {
        using var stream = file.OpenRead();
        Span<byte> start = stackalloc byte[2];
        if (stream.ReadAtLeast(start, 2, throwOnEndOfStream: false) == 2 && start is [0xFF, 0xFE] or [0xFE, 0xFF])
        {
            // Byte ranges cannot split UTF-16 text: a share would start inside a character.
            return ([], "UTF-16 text (Excel's \"Unicode text\"): save the list as UTF-8");
        }

        stream.Dispose();
        using var again = file.OpenRead();
        try
        {
            using var reader = CsvReader.Create(again, Options(file.Format, hasHeader: true, onMalformed: null), leaveOpen: false);
            reader.ReadHeader();
            return reader.Headers is { Count: > 0 } header && header.Any(h => h.Length > 0)
                ? (header, null)
                : ([], "no header line (the first line must name the columns)");
        }
        catch (CsvFormatException e)
        {
            return ([], $"header line cannot be parsed: {e.Message}");
        }
    }

    /// <summary>The records starting in bytes [<paramref name="lo"/>, <paramref name="hi"/>) of an uncompressed file.</summary>
    /// <param name="columns">The file's header (<see cref="Header"/>), read once by the caller.</param>
    public static async IAsyncEnumerable<UrlListRow> ReadRangeAsync(
        UrlListFile file, UrlListLayout layout, IReadOnlyList<string> columns, long lo, long hi, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = file.OpenRead();
        var (start, end, linesBefore) = RecordBounds(stream, lo, hi, quoted: file.Format == UrlListFormat.Csv);
        stream.Seek(start, SeekOrigin.Begin);
        await foreach (var row in RowsAsync(file, layout, columns, new BoundedStream(stream, end - start), hasHeader: start == 0, linesBefore, keep: null, cancellationToken))
        {
            yield return row;
        }
    }

    /// <summary>Every record of a file read from its start (a gzipped one), keeping those whose ordinal <paramref name="keep"/> accepts.</summary>
    public static async IAsyncEnumerable<UrlListRow> ReadAllAsync(
        UrlListFile file, UrlListLayout layout, IReadOnlyList<string> columns, Func<long, bool> keep, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = file.OpenRead();
        await foreach (var row in RowsAsync(file, layout, columns, stream, hasHeader: true, linesBefore: 0, keep, cancellationToken))
        {
            yield return row;
        }
    }

    private static async IAsyncEnumerable<UrlListRow> RowsAsync(
        UrlListFile file, UrlListLayout layout, IReadOnlyList<string> header, Stream input, bool hasHeader, long linesBefore,
        Func<long, bool>? keep, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var index = layout.Columns.ToDictionary(c => c, c => header.ToList().IndexOf(c), StringComparer.Ordinal);
        var malformed = new Queue<(long Line, string Reason)>();
        await using var reader = CsvReader.Create(input, Options(file.Format, hasHeader, m => malformed.Enqueue((m.LineNumber, m.Reason.ToString()))), leaveOpen: true);
        long ordinal = 0;
        while (true)
        {
            bool more;
            string? tooLarge = null;
            long tooLargeLine = 0;
            try
            {
                more = await reader.ReadAsync(cancellationToken);
            }
            catch (CsvFormatException e)
            {
                // The reader cannot go on inside a record it refused; what follows in this share is lost, and said so.
                (more, tooLarge) = (false, $"{e.Message} (records are capped at {MaxRecordBytes} bytes): the rest of this task's part of the file is not read");
                tooLargeLine = e.LineNumber;
            }

            // Malformed records were skipped by the reader: each is a failure of its own line, in input order.
            while (malformed.TryDequeue(out var bad))
            {
                if (keep is null || keep(ordinal++))
                {
                    yield return UrlListRow.Unreadable($"{file.Name}:line {linesBefore + bad.Line}", ReasonCodes.InputMalformed, $"malformed CSV record ({bad.Reason})");
                }
            }

            if (tooLarge is not null && (keep is null || keep(ordinal++)))
            {
                yield return UrlListRow.Unreadable($"{file.Name}:line {linesBefore + tooLargeLine}", ReasonCodes.InputMalformed, tooLarge);
            }

            if (!more)
            {
                yield break;
            }

            if (keep is not null && !keep(ordinal++))
            {
                continue;
            }

            int fields = reader.FieldCount;
            string? Value(string column) => index[column] is int i and >= 0 && i < fields && reader.GetString(i) is { Length: > 0 } value ? value : null;
            yield return UrlListRow.From(layout, $"{file.Name}:line {linesBefore + reader.LineNumber}", Value, column => UrlListRow.TextNode(Value(column)));
        }
    }

    private static CsvReaderOptions Options(UrlListFormat format, bool hasHeader, Action<CsvMalformedRecord>? onMalformed) => CsvReaderOptions.Default with
    {
        Separator = format == UrlListFormat.Tsv ? '\t' : ',',
        Mode = format == UrlListFormat.Tsv ? CsvMode.NoEscape : CsvMode.Rfc4180,
        HasHeader = hasHeader,
        TrimWhitespace = false, // a quote opens a field only at its very start, as RecordBounds assumes
        SkipEmptyLines = true,
        TrackLineNumbers = true,
        MaxRecordSize = MaxRecordBytes,
        MalformedData = CsvMalformedDataHandling.Skip,
        OnMalformedRecord = onMalformed,
    };

    /// <summary>
    /// Where the records starting in [<paramref name="lo"/>, <paramref name="hi"/>) begin and end, and
    /// how many lines come before the first: a record starts after a line break that is not inside
    /// a quoted field. The scan reads the file from its start (quoting cannot be known midway), at
    /// memory speed, without parsing.
    /// </summary>
    public static (long Start, long End, long LinesBefore) RecordBounds(Stream stream, long lo, long hi, bool quoted)
    {
        stream.Seek(0, SeekOrigin.Begin);
        long start = lo == 0 ? 0 : -1, linesBefore = 0, lines = 0, position = 0;
        bool inQuotes = false, fieldStart = true, quoteSeen = false;
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            for (int i = 0; i < read; i++, position++)
            {
                byte b = buffer[i];
                if (quoted)
                {
                    if (inQuotes)
                    {
                        if (quoteSeen)
                        {
                            quoteSeen = false;
                            if (b != (byte)'"')
                            {
                                inQuotes = false; // the quote closed the field; this byte is read below
                            }
                            else
                            {
                                continue; // "" inside quotes
                            }
                        }
                        else if (b == (byte)'"')
                        {
                            quoteSeen = true;
                            continue;
                        }
                    }

                    if (!inQuotes && fieldStart && b == (byte)'"')
                    {
                        inQuotes = true;
                        fieldStart = false;
                        continue;
                    }
                }

                if (inQuotes)
                {
                    lines += b == (byte)'\n' ? 1 : 0;
                    continue;
                }

                // A bare CR ends a record for the parser too, so a quote after it opens a field.
                fieldStart = b is (byte)',' or (byte)'\n' or (byte)'\r' || (position < 3 && b is 0xEF or 0xBB or 0xBF);
                if (b != (byte)'\n')
                {
                    continue;
                }

                lines++;
                long next = position + 1;
                if (start < 0 && next >= lo)
                {
                    start = next;
                    linesBefore = lines;
                }

                if (next >= hi)
                {
                    return (start < 0 ? next : start, next, linesBefore);
                }
            }
        }

        return start < 0 ? (position, position, lines) : (start, position, linesBefore);
    }

    /// <summary>A read-only view of the next <c>length</c> bytes of a stream.</summary>
    private sealed class BoundedStream(Stream inner, long length) : Stream
    {
        private readonly long _length = length;
        private long _left = length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _length;
        public override long Position { get => _length - _left; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = inner.Read(buffer, offset, (int)Math.Min(count, _left));
            _left -= read;
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
