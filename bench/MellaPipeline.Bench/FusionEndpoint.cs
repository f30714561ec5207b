using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MellaPipeline.Languages;
using MellaPipeline.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.ML.Tokenizers;

namespace MellaPipeline.Bench;

/// <summary>
/// A loopback stand-in for the OpenAI-compatible server a caption layer's <c>fuse:</c> step talks to
/// (vLLM, Ollama's <c>/v1</c>, llama.cpp): Kestrel on 127.0.0.1 only, <c>POST /v1/chat/completions</c>
/// answered in the chat-completions shape after a fixed delay (<c>--delay-ms</c>, a model's
/// generation time), with <c>usage</c> counted by GPT-4o's tokenizer (o200k_base), so the fuse step's
/// token figures are those a real server would report for the same texts.
/// <para>
/// The answer is the <c>fused</c> text of the <c>--answers</c> line (<c>{"lang", "alt", "fused"}</c>)
/// whose <c>alt</c> occurs in the prompt, the longest such; for a prompt no line matches, a made-up
/// fusion: the prompt's <c>Alt text ...: </c> line with a short clause in the alt text's language
/// (the first target language the prompt names) appended until the edit similarity to the alt text
/// is at most 0.85, so it passes the fuse step's checks (it keeps every name and is no copy).
/// </para>
/// The server never limits concurrency (the client's <c>concurrency</c> must): <c>GET /stats</c>
/// gives requests, answers by origin, tokens and the most requests it held at once
/// (<c>POST /stats/reset</c> gives them and starts them again from 0, for a benchmark's next run). Runs until
/// stdin closes or it is stopped (SIGTERM, Ctrl+C), then prints the same counts.
/// </summary>
internal static class FusionEndpoint
{
    /// <summary>Answers as a server writes them: the texts readable, not escaped to ASCII.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Largest request body read; a fusion prompt is a few kilobytes.</summary>
    private const int MaxBodyBytes = 1 << 20;

    /// <summary>Edit similarity to the alt text a made-up fusion stays at or below (the fuse step rejects 0.9 and more as a copy).</summary>
    private const double MadeUpMaxSimilarity = 0.85;

    /// <summary>Clauses a made-up fusion appends, by language (Serbian by script), true of almost any photograph.</summary>
    private static readonly Dictionary<string, string[]> Clauses = new(StringComparer.Ordinal)
    {
        ["ar"] = ["، كما يظهر بوضوح في الصورة", "، في صورة ملتقطة في ضوء النهار", "، مع تفاصيل واضحة في الخلفية"],
        ["cs"] = [", jak je vidět na fotografii", ", vyfoceno za denního světla", ", s dobře viditelnými detaily v pozadí"],
        ["hu"] = [", ahogy a fényképen látható", ", nappali fényben fényképezve", ", jól látható részletekkel a háttérben"],
        ["ko"] = [", 사진에 선명하게 담긴 모습", ", 낮에 밝은 빛 아래에서 찍은 사진", ", 배경까지 또렷하게 보이는 장면"],
        ["ru"] = [", как видно на фотографии", ", снято при дневном свете", ", с хорошо различимыми деталями на заднем плане"],
        ["sr-Cyrl"] = [", како се види на фотографији", ", снимљено при дневном светлу", ", са јасно видљивим детаљима у позадини"],
        ["sr-Latn"] = [", kako se vidi na fotografiji", ", snimljeno pri dnevnom svetlu", ", sa jasno vidljivim detaljima u pozadini"],
        ["th"] = [" ดังที่เห็นได้ชัดในภาพถ่าย", " ถ่ายไว้ในเวลากลางวัน", " มองเห็นรายละเอียดด้านหลังได้ชัดเจน"],
        ["vi"] = [", như được thấy rõ trong bức ảnh", ", được chụp dưới ánh sáng ban ngày", ", với các chi tiết phía sau hiện rõ"],
    };

    public static async Task<int> RunAsync(string? answersFile, int port, int delayMs)
    {
        var answers = answersFile is null ? [] : ReadAnswers(answersFile);
        var tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");
        var stats = new EndpointStats();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port); // loopback only: the stand-in is never reachable from elsewhere
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
        });
        await using var app = builder.Build();
        app.MapGet("/stats", () => Results.Text(stats.ToJson(), "application/json"));
        app.MapPost("/stats/reset", () => Results.Text(stats.Reset(), "application/json"));
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            stats.Begin();
            try
            {
                var request = await ReadRequestAsync(context.Request);
                if (request.Problem is not null)
                {
                    stats.Count(Origin.Refused, 0, 0);
                    return Error(400, request.Problem);
                }

                var (text, origin) = Answer(answers, request.Prompt);
                if (text is null)
                {
                    stats.Count(Origin.Refused, 0, 0);
                    return Error(400, "no answers line's alt text occurs in the prompt, and it has no 'Alt text ...: ' line to make one from");
                }

                if (delayMs > 0)
                {
                    await Task.Delay(delayMs, context.RequestAborted); // the model's time to write the caption
                }

                // The chat format's overhead as OpenAI counts it for gpt-4o: 3 tokens a message, 3 to prime the answer.
                long promptTokens = request.Messages.Sum(m => tokenizer.CountTokens(m) + 3L) + 3;
                long completionTokens = tokenizer.CountTokens(text);
                long id = stats.Count(origin, promptTokens, completionTokens);
                return Results.Text(Completion(id, request.Model, text, promptTokens, completionTokens), "application/json");
            }
            finally
            {
                stats.End();
            }
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"fusion endpoint: {address}/v1 ({answers.Count} answers, delay {delayMs} ms)");

        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        await Task.WhenAny(Console.In.ReadToEndAsync(), Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, TaskScheduler.Default));
        await app.StopAsync();
        Console.WriteLine($"fusion endpoint stats: {stats.ToJson()}");
        return 0;
    }

    /// <summary>An answers file's lines, longest alt text first (so the longest match wins); a line without the three strings stops the server.</summary>
    private static List<(string Alt, string Fused)> ReadAnswers(string path)
    {
        var answers = new List<(string Alt, string Fused)>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (!(root.TryGetProperty("alt", out var alt) && alt.ValueKind == JsonValueKind.String &&
                  root.TryGetProperty("fused", out var fused) && fused.ValueKind == JsonValueKind.String))
            {
                throw new InvalidDataException($"{path}:{number}: needs string fields 'alt' and 'fused'");
            }

            answers.Add((alt.GetString()!, fused.GetString()!));
        }

        return [.. answers.OrderByDescending(a => a.Alt.Length)];
    }

    private sealed record ChatRequest(string Model, IReadOnlyList<string> Messages, string? Problem)
    {
        public string Prompt => string.Join("\n", Messages);
    }

    /// <summary>The model and the messages' text (a message's content is a string or a list of parts; image parts are left out).</summary>
    private static async Task<ChatRequest> ReadRequestAsync(HttpRequest request)
    {
        JsonDocument json;
        try
        {
            json = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            return new ChatRequest("", [], "the body is not JSON: " + e.Message);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                return new ChatRequest("", [], "the body has no 'messages' list");
            }

            var texts = new List<string>();
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content))
                {
                    continue;
                }

                if (content.ValueKind == JsonValueKind.String)
                {
                    texts.Add(content.GetString()!);
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    texts.Add(string.Concat(content.EnumerateArray()
                        .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                        .Select(p => p.GetProperty("text").GetString())));
                }
            }

            string model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
            return new ChatRequest(model, texts, null);
        }
    }

    private enum Origin
    {
        Answers,
        MadeUp,
        Refused,
    }

    private static (string? Text, Origin Origin) Answer(List<(string Alt, string Fused)> answers, string prompt)
    {
        foreach (var (alt, fused) in answers)
        {
            if (prompt.Contains(alt, StringComparison.Ordinal))
            {
                return (fused, Origin.Answers);
            }
        }

        return MadeUp(prompt) is { } made ? (made, Origin.MadeUp) : (null, Origin.Refused);
    }

    /// <summary>The prompt's alt text with clauses of its language appended until it is no copy; null when the prompt names no alt text or no target language.</summary>
    private static string? MadeUp(string prompt)
    {
        string? alt = prompt.Split('\n')
            .Where(l => l.StartsWith("Alt text", StringComparison.Ordinal) && l.Contains(": ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..].Trim())
            .FirstOrDefault(l => l.Length > 0);
        // The alt text's language is the first target language the prompt names ("one caption in Czech").
        string? lang = TargetLanguages.Codes
            .Select(code => (code, at: prompt.IndexOf(TargetLanguages.EnglishName(code), StringComparison.Ordinal)))
            .Where(c => c.at >= 0)
            .OrderBy(c => c.at)
            .Select(c => c.code)
            .FirstOrDefault();
        if (alt is null || lang is null)
        {
            return null;
        }

        var clauses = Clauses[lang == "sr" ? "sr-" + Scripts.Detect(alt) : lang];
        // Which clause comes first depends on the alt text alone, so the same prompt gets the same answer every run.
        int first = (int)(BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(alt))) % (uint)clauses.Length);
        var fused = new StringBuilder(alt.TrimEnd('.', '。', ' '));
        for (int i = 0; EntityRetention.EditSimilarity(lang, alt, fused.ToString()) > MadeUpMaxSimilarity && i < 8 * clauses.Length; i++)
        {
            fused.Append(clauses[(first + i) % clauses.Length]);
        }

        return fused.Append(lang == "th" ? "" : ".").ToString();
    }

    private static IResult Error(int status, string message) =>
        Results.Text(JsonSerializer.Serialize(new { error = new { message, type = "invalid_request_error" } }, Json), "application/json", Encoding.UTF8, status);

    private static string Completion(long id, string model, string text, long promptTokens, long completionTokens) => JsonSerializer.Serialize(new
    {
        id = string.Create(CultureInfo.InvariantCulture, $"chatcmpl-{id}"),
        @object = "chat.completion",
        created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        model,
        choices = new[] { new { index = 0, message = new { role = "assistant", content = text }, finish_reason = "stop" } },
        usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
    }, Json);

    /// <summary>What the endpoint answered, for <c>GET /stats</c> and the last line it prints.</summary>
    private sealed class EndpointStats
    {
        private long _requests, _answers, _madeUp, _refused, _promptTokens, _completionTokens, _inFlight, _maxInFlight;

        public void Begin()
        {
            long now = Interlocked.Increment(ref _inFlight);
            for (long seen = Interlocked.Read(ref _maxInFlight); now > seen; seen = Interlocked.Read(ref _maxInFlight))
            {
                if (Interlocked.CompareExchange(ref _maxInFlight, now, seen) == seen)
                {
                    break;
                }
            }
        }

        public void End() => Interlocked.Decrement(ref _inFlight);

        /// <returns>The request's number, from 1.</returns>
        public long Count(Origin origin, long promptTokens, long completionTokens)
        {
            Interlocked.Increment(ref origin == Origin.Answers ? ref _answers : ref origin == Origin.MadeUp ? ref _madeUp : ref _refused);
            Interlocked.Add(ref _promptTokens, promptTokens);
            Interlocked.Add(ref _completionTokens, completionTokens);
            return Interlocked.Increment(ref _requests);
        }

        /// <summary>The counts so far, then all set to 0 (the requests in flight are counted when they end, after it).</summary>
        public string Reset()
        {
            string counts = ToJson();
            Interlocked.Exchange(ref _requests, 0);
            Interlocked.Exchange(ref _answers, 0);
            Interlocked.Exchange(ref _madeUp, 0);
            Interlocked.Exchange(ref _refused, 0);
            Interlocked.Exchange(ref _promptTokens, 0);
            Interlocked.Exchange(ref _completionTokens, 0);
            Interlocked.Exchange(ref _maxInFlight, Interlocked.Read(ref _inFlight)); // the in-flight count itself stays: those requests still end
            return counts;
        }

        public string ToJson() => JsonSerializer.Serialize(new
        {
            requests = Interlocked.Read(ref _requests),
            from_answers = Interlocked.Read(ref _answers),
            made_up = Interlocked.Read(ref _madeUp),
            refused = Interlocked.Read(ref _refused),
            prompt_tokens = Interlocked.Read(ref _promptTokens),
            completion_tokens = Interlocked.Read(ref _completionTokens),
            max_in_flight = Interlocked.Read(ref _maxInFlight),
        });
    }
}
