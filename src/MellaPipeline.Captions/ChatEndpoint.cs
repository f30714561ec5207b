using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Stages;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace MellaPipeline.Captions;

/// <summary>An endpoint's answer, or the reason code of the failure.</summary>
/// <param name="Usage">The tokens the request cost, as the server counted them; null when it sent no <c>usage</c> (and for an answer from a cache).</param>
public readonly record struct EndpointAnswer(string? Text, string? Reason, string? Detail, TokenUsage? Usage = null);

/// <summary>Input (prompt) and output (completion) tokens of one request, from the response's <c>usage</c>.</summary>
public readonly record struct TokenUsage(long PromptTokens, long CompletionTokens);

/// <summary>
/// One model behind an OpenAI-compatible chat-completions endpoint, through the OpenAI .NET SDK and
/// Microsoft.Extensions.AI's <see cref="IChatClient"/>: a prompt, optionally with an image, in; the
/// answer's text out. The SDK's pipeline retries 408, 429 and 5xx answers and network failures with
/// exponential backoff and honours <c>Retry-After</c>; every attempt has a timeout. Failures become
/// reason codes (<c>caption_endpoint_http_500</c>, <c>caption_endpoint_timeout</c>, …), never exceptions.
/// The waits between attempts run on the given clock, so a test of a 429 advances time instead of sleeping.
/// </summary>
public sealed class ChatEndpoint : IDisposable
{
    private readonly IChatClient _chat;
    private readonly int _maxTokens;

    /// <param name="time">The clock of the waits between attempts (backoff, <c>Retry-After</c>); <see cref="TimeProvider.System"/> when null.</param>
    public ChatEndpoint(string endpoint, string apiKey, string model, TimeSpan timeout, int maxRetries, int maxTokens, TimeProvider? time = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(endpoint),
            NetworkTimeout = timeout,
            RetryPolicy = new ClockedRetryPolicy(maxRetries, time ?? TimeProvider.System),
            UserAgentApplicationId = "MellaPipeline",
        };
        _chat = new ChatClient(model, new ApiKeyCredential(apiKey.Length == 0 ? "none" : apiKey), options).AsIChatClient();
        _maxTokens = maxTokens;
        Model = model;
    }

    public string Model { get; }

    /// <summary>
    /// The client <paramref name="settings"/> describe (the key from their <c>api_key_env</c>, their
    /// timeout, retries and answer length), for their model on their endpoint or for another model
    /// or endpoint of the same settings (a translation model).
    /// </summary>
    public static ChatEndpoint For(ChatEndpointOptions settings, string? model = null, string? endpoint = null, TimeProvider? time = null) => new(
        endpoint ?? settings.Endpoint,
        Environment.GetEnvironmentVariable(settings.ApiKeyEnv) ?? string.Empty,
        model ?? settings.Model,
        TimeSpan.FromSeconds(settings.TimeoutSeconds),
        settings.MaxRetries,
        settings.MaxTokens,
        time);

    /// <param name="image">Sent as a data URL of its own media type (PNG, JPEG, GIF or WebP, read from its header).</param>
    public async Task<EndpointAnswer> AskAsync(string prompt, byte[]? image, CancellationToken cancellationToken)
    {
        var content = new List<AIContent> { new TextContent(prompt) };
        if (image is not null)
        {
            content.Add(new DataContent(image, MediaType(image)));
        }

        try
        {
            var response = await _chat.GetResponseAsync(
                [new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, content)],
                new ChatOptions { MaxOutputTokens = _maxTokens, Temperature = 0 },
                cancellationToken);
            string text = response.Text.Trim();
            var usage = response.Usage is { } counted ? new TokenUsage(counted.InputTokenCount ?? 0, counted.OutputTokenCount ?? 0) : (TokenUsage?)null;
            return text.Length == 0
                ? new EndpointAnswer(null, ReasonCodes.CaptionEndpointInvalidResponse, "the answer has no text", usage)
                : new EndpointAnswer(text, null, null, usage);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Classify(e) is { } failure)
        {
            return failure;
        }
    }

    /// <summary>
    /// The reason code of a failed request; the retry policy wraps the failures of all attempts in an
    /// <see cref="AggregateException"/>, and the last attempt's decides. Null for exceptions that are bugs.
    /// </summary>
    private static EndpointAnswer? Classify(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } all => Classify(all.InnerExceptions[^1]),
        ClientResultException { Status: > 0 } http => new EndpointAnswer(null, ReasonCodes.CaptionEndpointHttp(http.Status), FirstLine(http.Message)),
        ClientResultException other => new EndpointAnswer(null, ReasonCodes.CaptionEndpointUnreachable, FirstLine(other.Message)),
        TaskCanceledException or TimeoutException or OperationCanceledException => new EndpointAnswer(null, ReasonCodes.CaptionEndpointTimeout, FirstLine(e.Message)),
        HttpRequestException or IOException => new EndpointAnswer(null, ReasonCodes.CaptionEndpointUnreachable, FirstLine(e.Message)),
        JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException or NullReferenceException
            // The reader's own words name .NET types and JSON positions: say what was wrong with the answer instead.
            => new EndpointAnswer(null, ReasonCodes.CaptionEndpointInvalidResponse,
                e is JsonException ? "the answer is not valid JSON" : "the answer is not a chat completion with a message text"),
        _ => null,
    };

    private static string MediaType(byte[] bytes) =>
        ImageHeader.TryRead(bytes, out var header, out _)
            ? header.Format switch
            {
                ImageFormat.Jpeg => "image/jpeg",
                ImageFormat.Gif => "image/gif",
                ImageFormat.WebP => "image/webp",
                _ => "image/png",
            }
            : "application/octet-stream";

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    public void Dispose() => _chat.Dispose();

    /// <summary>The SDK's own retry rules (which failures, how long, <c>Retry-After</c>), waiting on <paramref name="clock"/> rather than the machine's.</summary>
    private sealed class ClockedRetryPolicy(int maxRetries, TimeProvider clock) : ClientRetryPolicy(maxRetries)
    {
        protected override Task WaitAsync(TimeSpan time, CancellationToken cancellationToken) => Task.Delay(time, clock, cancellationToken);

        protected override void Wait(TimeSpan time, CancellationToken cancellationToken) => WaitAsync(time, cancellationToken).GetAwaiter().GetResult();
    }
}

/// <summary>
/// Answers already paid for: one JSON line per answer (<c>{"request": hash, "text": ...}</c>),
/// appended and flushed as each arrives, read back whole at start. A line cut off by a crash is
/// ignored, so a resumed run asks again only what it never got.
/// <para>
/// Writers never share a file: tasks that run side by side (threads of one process, or processes
/// of a Slurm array) each append to their own (<see cref="ForTask"/>) and read the others' on open,
/// so a rerun with another task count still finds every answer. A sibling's file is read while it
/// may be growing: its last line can be half written, and is skipped like a crash's.
/// </para>
/// </summary>
public sealed class AnswerCache : IDisposable
{
    private readonly Dictionary<string, string> _answers = new(StringComparer.Ordinal);
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    public AnswerCache(string path)
        : this(path, [])
    {
    }

    /// <param name="path">The file this cache reads and appends to.</param>
    /// <param name="alsoRead">Other caches' files whose answers it reads too, never writes (missing ones are skipped).</param>
    public AnswerCache(string path, IEnumerable<string> alsoRead)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        foreach (string other in alsoRead.Where(p => p != path && File.Exists(p)))
        {
            Read(other);
        }

        bool cutOff = false;
        if (File.Exists(path))
        {
            cutOff = Read(path);
        }

        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        if (cutOff)
        {
            // The last run stopped mid-line: end that line, or the next answer would be glued to it and lost too.
            _writer.WriteLine();
            _writer.Flush();
        }
    }

    /// <summary>
    /// The cache of one task among several: it writes <c>NAME-RRRRR.jsonl</c> in <paramref name="folder"/>
    /// and reads every <c>NAME-*.jsonl</c> there.
    /// </summary>
    public static AnswerCache ForTask(string folder, string name, int rank)
    {
        string own = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{name}-{rank:D5}.jsonl"));
        var others = Directory.Exists(folder) ? Directory.GetFiles(folder, name + "-*.jsonl").Order(StringComparer.Ordinal).ToArray() : [];
        return new AnswerCache(own, others);
    }

    /// <summary>Reads a cache file's answers; true when it does not end with a line break (the writer stopped mid-line).</summary>
    private bool Read(string path)
    {
        // ReadWrite sharing: another task may have this file open for appending right now.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty("request", out var request) && document.RootElement.TryGetProperty("text", out var text))
                {
                    _answers[request.GetString()!] = text.GetString()!;
                }
            }
            catch (JsonException)
            {
                // A line its writer had not finished.
            }
        }

        if (stream.Length == 0)
        {
            return false;
        }

        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() != '\n';
    }

    public int Count => _answers.Count;

    /// <summary>Requests <see cref="AskAsync"/> sent to an endpoint (answers found here not counted).</summary>
    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    private long _requestsSent;

    /// <summary>
    /// The answer to <paramref name="request"/> (a <see cref="KeyOf"/> over everything that shapes it):
    /// from this cache, else from <paramref name="endpoint"/>, whose answer is kept when it is one.
    /// Failures are not kept, so a later run asks again.
    /// </summary>
    public async Task<EndpointAnswer> AskAsync(ChatEndpoint endpoint, string request, string prompt, byte[]? image, CancellationToken cancellationToken)
    {
        if (TryGet(request, out string cached))
        {
            return new EndpointAnswer(cached, null, null);
        }

        Interlocked.Increment(ref _requestsSent);
        var answer = await endpoint.AskAsync(prompt, image, cancellationToken);
        if (answer.Text is not null)
        {
            Add(request, answer.Text);
        }

        return answer;
    }

    /// <summary>The cache key of a request: SHA-256 over its parts, length-prefixed.</summary>
    public static string KeyOf(params string[] parts)
    {
        var buffer = new StringBuilder();
        foreach (string part in parts)
        {
            buffer.Append(part.Length).Append(':').Append(part).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(buffer.ToString())));
    }

    public bool TryGet(string request, out string text)
    {
        lock (_lock)
        {
            return _answers.TryGetValue(request, out text!);
        }
    }

    public void Add(string request, string text)
    {
        lock (_lock)
        {
            _answers[request] = text;
            _writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["request"] = request, ["text"] = text }));
            _writer.Flush();
        }
    }

    public void Dispose() => _writer.Dispose();
}
