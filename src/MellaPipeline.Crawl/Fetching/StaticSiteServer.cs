using System.Net;
using System.Net.Sockets;
using System.Text;
using MellaPipeline.Input;

namespace MellaPipeline.Crawl.Fetching;

/// <summary>
/// Serves a folder over HTTP/1.1 on 127.0.0.1 only, whatever the Host header says, so a pipeline
/// can crawl a sample site under a stable name (with <see cref="HttpFetchOptions.HostOverrides"/>).
/// GET and HEAD only; <c>index.html</c> for folders; paths outside the folder are 404. A
/// <c>_headers</c> file adds response headers per path, one <c>/path</c> line followed by indented
/// <c>Name: value</c> lines (for example an <c>X-Robots-Tag</c>).
/// </summary>
public sealed class StaticSiteServer : IAsyncDisposable
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8", [".htm"] = "text/html; charset=utf-8", [".txt"] = "text/plain; charset=utf-8",
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".webp"] = "image/webp",
        [".css"] = "text/css", [".js"] = "text/javascript", [".json"] = "application/json",
    };

    private readonly string _root;
    private readonly TcpListener _listener;
    private readonly Dictionary<string, List<(string Name, string Value)>> _headers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public StaticSiteServer(string root)
    {
        _root = Path.GetFullPath(root);
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"{root}: no such folder to serve");
        }

        _headers = ReadHeaders(Path.Combine(_root, "_headers"));
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint Endpoint { get; }

    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                var reader = new StreamReader(stream, Encoding.Latin1, false, 8192, leaveOpen: true);
                while (true)
                {
                    string? requestLine = await reader.ReadLineAsync(timeout.Token);
                    if (string.IsNullOrEmpty(requestLine))
                    {
                        return;
                    }

                    bool keepAlive = true;
                    string? header;
                    while (!string.IsNullOrEmpty(header = await reader.ReadLineAsync(timeout.Token)))
                    {
                        if (header.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase) && header.Contains("close", StringComparison.OrdinalIgnoreCase))
                        {
                            keepAlive = false;
                        }
                    }

                    Interlocked.Increment(ref _requests);
                    var parts = requestLine.Split(' ');
                    await RespondAsync(stream, parts.Length == 3 ? parts[0] : "", parts.Length == 3 ? parts[1] : "/", timeout.Token);
                    if (!keepAlive)
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // the client went away
            }
        }
    }

    private async Task RespondAsync(NetworkStream stream, string method, string target, CancellationToken cancellationToken)
    {
        if (method is not ("GET" or "HEAD"))
        {
            await WriteAsync(stream, 405, "Method Not Allowed", "text/plain", "only GET and HEAD"u8.ToArray(), [], false, cancellationToken);
            return;
        }

        string path = Uri.UnescapeDataString(target.Split('?', '#')[0]);
        string file = Path.GetFullPath(Path.Combine(_root, path.TrimStart('/')));
        if (Directory.Exists(file))
        {
            file = Path.Combine(file, "index.html");
        }

        if (!file.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || UserFile.KindOf(file) != UserFileKind.RegularFile || Path.GetFileName(file) == "_headers")
        {
            await WriteAsync(stream, 404, "Not Found", "text/plain", "not found"u8.ToArray(), [], method == "HEAD", cancellationToken);
            return;
        }

        string type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        var extra = _headers.GetValueOrDefault(path) ?? [];
        await WriteAsync(stream, 200, "OK", type, await File.ReadAllBytesAsync(file, cancellationToken), extra, method == "HEAD", cancellationToken);
    }

    private static async Task WriteAsync(NetworkStream stream, int status, string phrase, string type, byte[] body, List<(string Name, string Value)> extra, bool headOnly, CancellationToken cancellationToken)
    {
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append(status).Append(' ').Append(phrase).Append("\r\n")
            .Append("Content-Type: ").Append(type).Append("\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n");
        foreach (var (name, value) in extra)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancellationToken);
        if (!headOnly)
        {
            await stream.WriteAsync(body, cancellationToken);
        }
    }

    private static Dictionary<string, List<(string, string)>> ReadHeaders(string file)
    {
        var headers = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        if (UserFile.KindOf(file) != UserFileKind.RegularFile)
        {
            return headers;
        }

        List<(string, string)>? current = null;
        foreach (var line in File.ReadLines(file))
        {
            if (line.StartsWith('/'))
            {
                current = headers[line.Trim()] = [];
            }
            else if (current is not null && line.Trim() is { Length: > 0 } trimmed && trimmed.IndexOf(':') is > 0 and var colon)
            {
                current.Add((trimmed[..colon].Trim(), trimmed[(colon + 1)..].Trim()));
            }
        }

        return headers;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
