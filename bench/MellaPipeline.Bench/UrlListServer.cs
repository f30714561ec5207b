using System.Collections.Frozen;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Bench;

/// <summary>
/// The loopback web of the URL-list benchmark: Kestrel on 127.0.0.1…127.0.0.N, one port, every
/// photo of a folder held in memory, so the server costs little next to the clients it serves
/// (both peers talk to the same one). <c>/img/NAME</c> is a photo (<c>image/jpeg</c>),
/// <c>/page/NAME</c> a small HTML page (a URL that is not an image), <c>/pages/NAME</c> an HTML
/// file of <c>--pages</c> (pages listing the images, for a crawl), anything else a 404;
/// <c>/robots.txt</c> allows everything. Keep-alive as HTTP/1.1 has it. <c>--latency-ms</c> holds
/// every answer that long (0 by default: the benchmark itself runs without). Runs until stdin closes,
/// then prints the requests it answered per status.
/// </summary>
internal static class UrlListServer
{
    public static async Task<int> RunAsync(string photos, string? pages, int port, int hosts, int latencyMs)
    {
        var images = Directory.EnumerateFiles(photos, "*.jpg").ToFrozenDictionary(path => Path.GetFileName(path), File.ReadAllBytes, StringComparer.Ordinal);
        var htmlPages = (pages is null ? [] : Directory.EnumerateFiles(pages, "*.html")).ToFrozenDictionary(path => Path.GetFileName(path), File.ReadAllBytes, StringComparer.Ordinal);
        var page = "<!doctype html><title>not an image</title><p>This page is where an image was expected.</p>"u8.ToArray();
        var robots = "User-agent: *\nAllow: /\n"u8.ToArray();
        var answered = new long[3]; // images, pages and robots.txt, not found

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            for (int i = 1; i <= hosts; i++)
            {
                kestrel.Listen(IPAddress.Parse($"127.0.0.{i}"), port);
            }

            kestrel.Limits.MaxConcurrentConnections = null;
        });
        await using var app = builder.Build();
        app.Run(async context =>
        {
            string path = context.Request.Path.Value ?? "/";
            (int status, string type, byte[] body) = path switch
            {
                "/robots.txt" => (200, "text/plain", robots),
                _ when path.StartsWith("/img/", StringComparison.Ordinal) && images.TryGetValue(path[5..], out var photo) => (200, "image/jpeg", photo),
                _ when path.StartsWith("/pages/", StringComparison.Ordinal) && htmlPages.TryGetValue(path[7..], out var listing) => (200, "text/html; charset=utf-8", listing),
                _ when path.StartsWith("/page/", StringComparison.Ordinal) => (200, "text/html; charset=utf-8", page),
                _ => (404, "text/plain", "not found"u8.ToArray()),
            };
            if (latencyMs > 0)
            {
                await Task.Delay(latencyMs); // a far-away host's round trip, for comparisons where latency decides
            }

            Interlocked.Increment(ref answered[type.StartsWith("text/html", StringComparison.Ordinal) || body == robots ? 1 : status == 404 ? 2 : 0]);
            context.Response.StatusCode = status;
            context.Response.ContentType = type;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        Console.WriteLine($"serving {images.Count} photos on 127.0.0.1-{hosts}:{port}, latency {latencyMs} ms");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        Console.WriteLine($"answered images={answered[0]} pages_and_robots={answered[1]} not_found={answered[2]}");
        return 0;
    }
}
