using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MellaPipeline.TestSupport;

/// <summary>A request the local server received.</summary>
public sealed record ServedRequest(string Path, string? UserAgent, DateTimeOffset At);

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) for crawler tests: each path has a handler; any
/// other path is a 404. Every request is recorded, so tests can assert what was (never) asked for.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, Func<HttpListenerContext, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ServedRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalHttpServer()
    {
        // Handlers run on the thread pool; with test classes running in parallel, a starved pool
        // would delay answers past the crawler's timeouts and make outcomes depend on load.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));

        for (int attempt = 0; ; attempt++)
        {
            Port = FreePort(IPAddress.Loopback);
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // the port was taken between probing and binding: try another
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; private set; }

    public Uri Root => new($"http://127.0.0.1:{Port}/");

    public IReadOnlyList<ServedRequest> Requests => _requests.ToArray();

    public int CountOf(string path) => _requests.Count(r => r.Path == path);

    public void Map(string path, Func<HttpListenerContext, Task> handler) => _routes[path] = handler;

    /// <summary>Serves fixed content.</summary>
    public void Map(string path, string body, string contentType = "text/html; charset=utf-8", int status = 200, IReadOnlyDictionary<string, string>? headers = null) =>
        Map(path, context => Respond(context, body, contentType, status, headers));

    /// <summary>Serves fixed bytes.</summary>
    public void Map(string path, byte[] body, string contentType) => Map(path, context => Respond(context, body, contentType));

    public static async Task Respond(HttpListenerContext context, string body, string contentType = "text/html; charset=utf-8", int status = 200, IReadOnlyDictionary<string, string>? headers = null) =>
        await Respond(context, System.Text.Encoding.UTF8.GetBytes(body), contentType, status, headers);

    public static async Task Respond(HttpListenerContext context, byte[] body, string contentType, int status = 200, IReadOnlyDictionary<string, string>? headers = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    public static int FreePort(IPAddress address)
    {
        var probe = new TcpListener(address, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                string path = context.Request.Url!.AbsolutePath;
                _requests.Enqueue(new ServedRequest(path, context.Request.UserAgent, DateTimeOffset.UtcNow));
                try
                {
                    if (_routes.TryGetValue(path, out var handler))
                    {
                        await handler(context);
                    }
                    else
                    {
                        await Respond(context, "not found", "text/plain", 404);
                    }
                }
                catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
                {
                    // the client went away (a timeout or a size cap on its side): nothing to answer
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }
}

/// <summary>
/// A TCP listener on a second loopback address (127.0.0.2 by default) that only counts
/// connections: the target of redirects and links the SSRF guard must block.
/// </summary>
public sealed class ConnectionTrap : IDisposable
{
    private readonly TcpListener _listener;
    private int _connections;

    public ConnectionTrap(string address = "127.0.0.2")
    {
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Url = new Uri($"http://{address}:{Port}/");
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _connections);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
            }
        });
    }

    public int Port { get; }

    public Uri Url { get; }

    public int Connections => Volatile.Read(ref _connections);

    public void Dispose() => _listener.Stop();
}
