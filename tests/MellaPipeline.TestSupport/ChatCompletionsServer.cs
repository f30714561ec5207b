using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MellaPipeline.TestSupport;

/// <summary>A chat-completions request as the server saw it: the model, the prompt text, and the SHA-256 of the attached image, if any.</summary>
public sealed record ChatRequest(string Model, string Prompt, string? ImageSha256);

/// <summary>What the server answers: a caption (200 in OpenAI's wire format), or an error status, a raw body, a delay.</summary>
public sealed record ChatReply(string? Content, int Status = 200, string? RawBody = null, TimeSpan Delay = default, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// An OpenAI-compatible <c>POST /v1/chat/completions</c> endpoint on 127.0.0.1 (the wire format of
/// OpenAI, vLLM and llama.cpp server: <c>choices[0].message.content</c>, error bodies as
/// <c>{"error": {...}}</c>), answering through a function of the request, and counting requests.
/// </summary>
public sealed class ChatCompletionsServer : IAsyncDisposable
{
    private readonly LocalHttpServer _server = new();
    private int _requests;

    public ChatCompletionsServer(Func<ChatRequest, ChatReply> answer)
    {
        _server.Map("/v1/chat/completions", async context =>
        {
            Interlocked.Increment(ref _requests);
            var request = Parse(await new StreamReader(context.Request.InputStream).ReadToEndAsync());
            var reply = answer(request);
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay);
            }

            string body = reply.RawBody ?? (reply.Status == 200
                ? new JsonObject
                {
                    ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
                    ["object"] = "chat.completion",
                    ["created"] = 1_764_000_000,
                    ["model"] = request.Model,
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0,
                        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content },
                        ["finish_reason"] = "stop",
                    }),
                    ["usage"] = new JsonObject { ["prompt_tokens"] = 12, ["completion_tokens"] = 34, ["total_tokens"] = 46 },
                }.ToJsonString()
                : new JsonObject { ["error"] = new JsonObject { ["message"] = $"status {reply.Status}", ["type"] = "server_error", ["code"] = null } }.ToJsonString());
            try
            {
                await LocalHttpServer.Respond(context, Encoding.UTF8.GetBytes(body), "application/json", reply.Status, reply.Headers);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
            {
                // The client gave up (a timeout test); nothing to answer.
            }
        });
    }

    /// <summary>Base URL up to <c>/v1</c>, as clients are configured.</summary>
    public string Endpoint => new Uri(_server.Root, "v1").ToString();

    public int Requests => Volatile.Read(ref _requests);

    private static ChatRequest Parse(string json)
    {
        var root = JsonNode.Parse(json)!;
        string model = (string?)root["model"] ?? string.Empty;
        var prompt = new StringBuilder();
        string? image = null;
        foreach (var message in root["messages"]!.AsArray())
        {
            var content = message!["content"];
            if (content is JsonValue)
            {
                prompt.Append((string?)content);
                continue;
            }

            foreach (var part in content!.AsArray())
            {
                switch ((string?)part!["type"])
                {
                    case "text":
                        prompt.Append((string?)part["text"]);
                        break;
                    case "image_url":
                        string url = (string)part["image_url"]!["url"]!;
                        image = Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..])));
                        break;
                }
            }
        }

        return new ChatRequest(model, prompt.ToString(), image);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
