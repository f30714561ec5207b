using System.Globalization;
using System.Text;

namespace MellaPipeline.Crawl.Archives;

/// <summary>Reason codes for archive input that could not be read: names for entries of the registry, <see cref="Stages.ReasonCodes"/>.</summary>
public static class ArchiveReasons
{
    public const string WarcHeaderInvalid = Stages.ReasonCodes.WarcHeaderInvalid;
    public const string WarcRecordTruncated = Stages.ReasonCodes.WarcRecordTruncated;
    public const string WarcRecordTooLarge = Stages.ReasonCodes.WarcRecordTooLarge;
    public const string ArchiveCompressionInvalid = Stages.ReasonCodes.ArchiveCompressionInvalid;
    public const string ArcHeaderInvalid = Stages.ReasonCodes.ArcHeaderInvalid;
    public const string HttpResponseInvalid = Stages.ReasonCodes.HttpResponseInvalid;
    public const string HttpContentEncodingInvalid = Stages.ReasonCodes.HttpContentEncodingInvalid;
    public const string WatJsonInvalid = Stages.ReasonCodes.WatJsonInvalid;
}

/// <summary>One record of a WARC or ARC file: its type, header fields and block (for a response, the HTTP message).</summary>
/// <param name="Offset">Where the record starts in the uncompressed stream.</param>
public sealed record ArchiveRecord(long Offset, string Type, string? TargetUri, string? Date, string? ContentType, byte[] Block);

/// <summary>A part of an archive that could not be read, with its reason code; reading goes on after it where the format allows.</summary>
public sealed record ArchiveProblem(long Offset, string Reason, string Detail, string? TargetUri = null);

/// <summary>Either a record or a problem.</summary>
public readonly record struct ArchiveEntry(ArchiveRecord? Record, ArchiveProblem? Problem);

/// <summary>Limits of <see cref="ArchiveReader"/>.</summary>
public sealed record ArchiveReaderOptions
{
    /// <summary>Records with a larger block are skipped (Common Crawl truncates payloads at 1 MiB, so real ones are far smaller).</summary>
    public long MaxRecordBytes { get; init; } = 32L * 1024 * 1024;

    public int MaxHeaderLineBytes { get; init; } = 64 * 1024;

    public int MaxHeaderLines { get; init; } = 512;
}

/// <summary>
/// Streams the records of a WARC (1.0/1.1) or ARC (v1/v2) file, gzip-compressed or not, one at a
/// time: the file is never loaded whole. A record with a broken header is reported and skipped up
/// to the next record header; a truncated record or corrupt compression is reported and ends the
/// file (nothing after it can be found). WAT files are WARC files whose metadata records hold JSON.
/// </summary>
public static class ArchiveReader
{
    public static IEnumerable<ArchiveEntry> Read(string path, ArchiveReaderOptions? options = null) =>
        Read(File.OpenRead(path), options ?? new ArchiveReaderOptions());

    public static IEnumerable<ArchiveEntry> Read(Stream stream, ArchiveReaderOptions options)
    {
        using var input = new ArchiveInput(stream);
        bool? isArc = null;
        bool resyncing = false;
        while (true)
        {
            long lineOffset = input.Offset;
            var line = input.ReadLine(options.MaxHeaderLineBytes);
            if (line is null)
            {
                break;
            }

            if (line.AsSpan().IndexOfAnyExcept((byte)'\r', (byte)' ', (byte)'\t') < 0)
            {
                continue; // the blank lines between records, sometimes with stray carriage returns
            }

            isArc ??= StartsWith(line, "filedesc://");
            ArchiveEntry? entry;
            if (StartsWith(line, "WARC/"))
            {
                resyncing = false;
                entry = ReadWarcRecord(input, lineOffset, options);
            }
            else if (isArc == true && ArcHeader.TryParse(line, out var arc))
            {
                resyncing = false;
                entry = ReadBlock(input, lineOffset, arc.Type, arc.Url, arc.Date, arc.ContentType, arc.Length, options);
            }
            else
            {
                if (resyncing)
                {
                    continue;
                }

                resyncing = true; // one problem per damaged stretch, then look for the next record header
                entry = Problem(lineOffset, isArc == true ? ArchiveReasons.ArcHeaderInvalid : ArchiveReasons.WarcHeaderInvalid,
                    $"expected a record header, found \"{Printable(line)}\"");
            }

            if (entry is { } found)
            {
                yield return found;
                if (found.Problem?.Reason == ArchiveReasons.WarcRecordTruncated)
                {
                    yield break;
                }

                // A header without a usable length leaves its block unread: skip to the next header quietly.
                resyncing = found.Problem?.Reason is ArchiveReasons.WarcHeaderInvalid;
            }
        }

        if (input.Damage is not null)
        {
            yield return Problem(input.Offset, ArchiveReasons.ArchiveCompressionInvalid, input.Damage);
        }
    }

    private static ArchiveEntry? ReadWarcRecord(ArchiveInput input, long offset, ArchiveReaderOptions options)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        for (int count = 0; ; count++)
        {
            var line = input.ReadLine(options.MaxHeaderLineBytes);
            if (line is null)
            {
                return Problem(offset, ArchiveReasons.WarcRecordTruncated, "the file ends inside a record header", fields.GetValueOrDefault("WARC-Target-URI"));
            }

            if (line.Length == 0)
            {
                break;
            }

            if (count >= options.MaxHeaderLines)
            {
                return Problem(offset, ArchiveReasons.WarcHeaderInvalid, $"more than {options.MaxHeaderLines} header lines");
            }

            string text = Encoding.UTF8.GetString(line);
            if (text[0] is ' ' or '\t' && last is not null)
            {
                fields[last] += " " + text.Trim();
                continue;
            }

            int colon = text.IndexOf(':');
            if (colon <= 0)
            {
                return Problem(offset, ArchiveReasons.WarcHeaderInvalid, $"header line without a name: \"{Printable(line)}\"");
            }

            last = text[..colon].Trim();
            fields.TryAdd(last, text[(colon + 1)..].Trim());
        }

        string? target = CleanTargetUri(fields.GetValueOrDefault("WARC-Target-URI"));
        if (!fields.TryGetValue("Content-Length", out var lengthText)
            || !long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
        {
            return Problem(offset, ArchiveReasons.WarcHeaderInvalid, "missing or invalid Content-Length", target);
        }

        return ReadBlock(input, offset, fields.GetValueOrDefault("WARC-Type") ?? "unknown", target,
            fields.GetValueOrDefault("WARC-Date"), fields.GetValueOrDefault("Content-Type"), length, options);
    }

    private static ArchiveEntry ReadBlock(ArchiveInput input, long offset, string type, string? target, string? date, string? contentType, long length, ArchiveReaderOptions options)
    {
        if (length > options.MaxRecordBytes)
        {
            long skipped = input.Skip(length);
            return skipped < length
                ? Problem(offset, ArchiveReasons.WarcRecordTruncated, $"the file ends after {skipped} of the record's {length} bytes", target)
                : Problem(offset, ArchiveReasons.WarcRecordTooLarge, $"{length} bytes, over the {options.MaxRecordBytes}-byte limit", target);
        }

        var block = new byte[length];
        int read = input.Read(block, (int)length);
        if (read < length)
        {
            return Problem(offset, ArchiveReasons.WarcRecordTruncated, $"the file ends after {read} of the record's {length} bytes", target);
        }

        return new ArchiveEntry(new ArchiveRecord(offset, type, target, date, contentType, block), null);
    }

    /// <summary>WARC 1.0 drafts wrap the URI in angle brackets; some crawlers leave spaces in it.</summary>
    private static string? CleanTargetUri(string? uri) =>
        uri?.Trim().TrimStart('<').TrimEnd('>').Replace(" ", "%20", StringComparison.Ordinal);

    private static ArchiveEntry Problem(long offset, string reason, string detail, string? target = null) =>
        new(null, new ArchiveProblem(offset, reason, detail, target));

    private static bool StartsWith(byte[] line, string prefix) =>
        line.Length >= prefix.Length && line.AsSpan(0, prefix.Length).SequenceEqual(Encoding.ASCII.GetBytes(prefix));

    private static string Printable(byte[] line)
    {
        var text = Encoding.UTF8.GetString(line.AsSpan(0, Math.Min(line.Length, 60)));
        return new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    /// <summary>An ARC header line: <c>URL IP-address Archive-date Content-type [...] Archive-length</c>.</summary>
    private readonly record struct ArcHeader(string Url, string Type, string Date, string ContentType, long Length)
    {
        public static bool TryParse(byte[] line, out ArcHeader header)
        {
            header = default;
            var parts = Encoding.UTF8.GetString(line).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is not (5 or 10)
                || !long.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out long length)
                || !parts[0].Contains(':', StringComparison.Ordinal))
            {
                return false;
            }

            string type = parts[0].StartsWith("filedesc:", StringComparison.OrdinalIgnoreCase) ? "warcinfo"
                : parts[0].StartsWith("http", StringComparison.OrdinalIgnoreCase) ? "response"
                : "resource";
            header = new ArcHeader(parts[0], type, parts[2], parts[3], length);
            return true;
        }
    }
}
