using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MellaPipeline.TestSupport;

/// <summary>
/// A real HTTP/1.1 server on a TCP socket (one request per connection) for what HttpListener
/// cannot do: reset a connection mid-body, trickle a body, send a body that never ends. Each path
/// has a handler that writes the raw answer; any other path is a 404. Requests are counted per
/// path, so tests can assert how often a URL was asked for.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Func<RawExchange, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Task> _open = new();
    private readonly Task _accepting;
    private int _connections;

    public RawHttpServer(string address = "127.0.0.1")
    {
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start(backlog: 1024);
        Root = new Uri($"http://{address}:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(AcceptAsync);
    }

    public Uri Root { get; }

    /// <summary>Requests per path (without the query), in path order.</summary>
    public IReadOnlyDictionary<string, int> Counts => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    public int CountOf(string path) => _counts.GetValueOrDefault(path);

    public void Map(string path, Func<RawExchange, Task> handler) => _routes[path] = handler;

    /// <summary>Serves fixed bytes.</summary>
    public void Map(string path, byte[] body, string contentType, IReadOnlyDictionary<string, string>? headers = null) =>
        Map(path, exchange => exchange.RespondAsync(200, body, contentType, headers));

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            int id = Interlocked.Increment(ref _connections);
            _open[id] = Task.Run(async () =>
            {
                await ServeAsync(socket);
                _open.TryRemove(id, out _);
            });
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            try
            {
                if (await ReadHeadAsync(stream, _stop.Token) is not { } path)
                {
                    return;
                }

                int attempt = _counts.AddOrUpdate(path, 1, (_, n) => n + 1);
                var exchange = new RawExchange(path, attempt, stream, socket, _stop.Token);
                await (_routes.TryGetValue(path, out var handler)
                    ? handler(exchange)
                    : exchange.RespondAsync(404, "not found"u8.ToArray(), "text/plain"));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (cut a trickle, refused a body) or the server is stopping.
            }
        }
    }

    /// <summary>The request's path, once its head has arrived; null when the client sent none.</summary>
    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>(1024);
        var buffer = new byte[4096];
        while (head.Count < 64 * 1024)
        {
            int read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            head.AddRange(buffer.AsSpan(0, read));
            string text = Encoding.Latin1.GetString(head.ToArray());
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                string target = text.Split(' ', 3) is [_, var t, _] ? t : "/";
                return target.Split('?', 2)[0];
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_open.Values);
        _stop.Dispose();
    }
}

/// <summary>One request of a <see cref="RawHttpServer"/>: its path, which request for that path it is, and the raw connection to answer on.</summary>
public sealed class RawExchange(string path, int attempt, NetworkStream stream, Socket socket, CancellationToken stopping)
{
    public string Path => path;

    /// <summary>1 for the first request for this path, 2 for the second, …</summary>
    public int Attempt => attempt;

    public CancellationToken Stopping => stopping;

    public async Task RespondAsync(int status, byte[] body, string contentType, IReadOnlyDictionary<string, string>? headers = null)
    {
        await WriteHeadAsync(status, contentType, body.Length, headers);
        await stream.WriteAsync(body, stopping);
    }

    public Task RedirectAsync(string location) =>
        RespondAsync(302, [], "text/plain", new Dictionary<string, string> { ["Location"] = location });

    /// <summary>The status line and headers; without <paramref name="contentLength"/> the body ends when the connection closes.</summary>
    public async Task WriteHeadAsync(int status, string contentType, long? contentLength, IReadOnlyDictionary<string, string>? headers = null)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {(status < 300 ? "OK" : status < 400 ? "Found" : "Error")}\r\nContent-Type: {contentType}\r\nConnection: close\r\n");
        if (contentLength is { } length)
        {
            head.Append($"Content-Length: {length}\r\n");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            head.Append($"{name}: {value}\r\n");
        }

        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.Append("\r\n").ToString()), stopping);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes) => stream.WriteAsync(bytes, stopping);

    /// <summary>Sends <paramref name="body"/> (with its Content-Length) <paramref name="chunk"/> bytes at a time, one chunk per <paramref name="every"/>.</summary>
    public async Task TrickleAsync(byte[] body, string contentType, int chunk, TimeSpan every)
    {
        await WriteHeadAsync(200, contentType, body.Length);
        for (int sent = 0; sent < body.Length; sent += chunk)
        {
            await stream.WriteAsync(body.AsMemory(sent, Math.Min(chunk, body.Length - sent)), stopping);
            await Task.Delay(every, stopping);
        }
    }

    /// <summary>Sends half of <paramref name="body"/> after announcing all of it, then resets the connection (TCP RST).</summary>
    public async Task ResetMidBodyAsync(byte[] body, string contentType)
    {
        await WriteHeadAsync(200, contentType, body.Length);
        await stream.WriteAsync(body.AsMemory(0, body.Length / 2), stopping);
        await stream.FlushAsync(stopping);
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }
}
