using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace MellaPipeline.Crawl.Archives;

/// <summary>
/// An HTTP response as a WARC response record (or an ARC record) stores it: status line, headers,
/// body. Chunked transfer coding is undone (a body that only claims to be chunked is kept as it
/// is, as warcio does), and gzip/deflate/br content coding decompressed.
/// </summary>
public sealed record ArchivedHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    /// <summary>Parses <paramref name="block"/>; on failure returns null and the reason code in <paramref name="reason"/>.</summary>
    public static ArchivedHttpResponse? Parse(byte[] block, long maxBodyBytes, out string? reason, out string? detail)
    {
        reason = null;
        detail = null;
        var span = block.AsSpan();
        int headerEnd = span.IndexOf("\r\n\r\n"u8);
        int separator = 4;
        int lfEnd = span.IndexOf("\n\n"u8);
        if (headerEnd < 0 || (lfEnd >= 0 && lfEnd < headerEnd))
        {
            headerEnd = lfEnd;
            separator = 2;
        }

        if (!span.StartsWith("HTTP/"u8))
        {
            reason = ArchiveReasons.HttpResponseInvalid;
            detail = "the record does not start with an HTTP status line";
            return null;
        }

        var head = Encoding.Latin1.GetString(headerEnd < 0 ? span : span[..headerEnd]);
        var lines = head.Split('\n');
        var statusParts = lines[0].Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (statusParts.Length < 2 || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int status))
        {
            reason = ArchiveReasons.HttpResponseInvalid;
            detail = $"bad status line \"{lines[0].Trim()}\"";
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            string name = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }

        byte[] body = headerEnd < 0 ? [] : span[(headerEnd + separator)..].ToArray();
        if (headers.GetValueOrDefault("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true
            && Dechunk(body) is { } dechunked)
        {
            body = dechunked;
        }

        if (headers.GetValueOrDefault("Content-Encoding")?.Trim().ToLowerInvariant() is { Length: > 0 } coding and not "identity")
        {
            try
            {
                body = Decompress(body, coding, maxBodyBytes);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
            {
                reason = ArchiveReasons.HttpContentEncodingInvalid;
                detail = $"Content-Encoding {coding}: {e.Message}";
                return null;
            }
        }

        return new ArchivedHttpResponse(status, headers, body);
    }

    /// <summary>Undoes chunked transfer coding; null when the body is not validly chunked.</summary>
    public static byte[]? Dechunk(ReadOnlySpan<byte> body)
    {
        var output = new MemoryStream(body.Length);
        int position = 0;
        while (true)
        {
            int lineEnd = body[position..].IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                return null;
            }

            var sizeText = Encoding.ASCII.GetString(body.Slice(position, lineEnd)).Trim();
            int extension = sizeText.IndexOf(';');
            if (extension >= 0)
            {
                sizeText = sizeText[..extension];
            }

            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int size) || size < 0)
            {
                return null;
            }

            position += lineEnd + 1;
            if (size == 0)
            {
                return output.ToArray();
            }

            if (position + size > body.Length)
            {
                return null;
            }

            output.Write(body.Slice(position, size));
            position += size;
            if (body[position..].StartsWith("\r\n"u8))
            {
                position += 2;
            }
            else if (body[position..].StartsWith("\n"u8))
            {
                position += 1;
            }
            else if (position < body.Length)
            {
                return null;
            }
            else
            {
                return output.ToArray(); // a last chunk without its terminator: keep what arrived
            }
        }
    }

    private static byte[] Decompress(byte[] body, string coding, long maxBytes)
    {
        using var source = new MemoryStream(body);
        using Stream decoder = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(source, CompressionMode.Decompress),
            "deflate" => new ZLibStream(source, CompressionMode.Decompress),
            "br" => new BrotliStream(source, CompressionMode.Decompress),
            _ => throw new NotSupportedException("unknown content coding"),
        };
        var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = decoder.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
            if (output.Length > maxBytes)
            {
                throw new InvalidDataException($"decompresses to more than {maxBytes} bytes");
            }
        }

        return output.ToArray();
    }
}
