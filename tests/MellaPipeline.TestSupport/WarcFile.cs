using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace MellaPipeline.TestSupport;

/// <summary>Builds WARC records and HTTP responses as bytes, for archive tests.</summary>
public static class WarcFile
{
    public static byte[] Record(string type, string? target, byte[] block, string contentType = "application/http; msgtype=response", string? contentLength = null)
    {
        var header = new StringBuilder("WARC/1.0\r\n")
            .Append(CultureInfo.InvariantCulture, $"WARC-Type: {type}\r\n")
            .Append(target is null ? "" : $"WARC-Target-URI: {target}\r\n")
            .Append("WARC-Date: 2026-11-01T10:00:00Z\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength ?? block.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n");
        return [.. Encoding.UTF8.GetBytes(header.ToString()), .. block, .. "\r\n\r\n"u8];
    }

    public static byte[] Http(string body, string headers = "Content-Type: text/html; charset=utf-8\r\n") =>
        Http(Encoding.UTF8.GetBytes(body), headers);

    public static byte[] Http(byte[] body, string headers) =>
        [.. Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n" + headers + "\r\n"), .. body];

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
