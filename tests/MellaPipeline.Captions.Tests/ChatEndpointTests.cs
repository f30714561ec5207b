using MellaPipeline.TestSupport;

namespace MellaPipeline.Captions.Tests;

/// <summary>
/// The endpoint client against an OpenAI-wire-format server on 127.0.0.1, waiting on an injected
/// clock; and the answer cache shared by tasks that run side by side, each writing its own file.
/// </summary>
public class ChatEndpointTests
{
    [Fact]
    public async Task A_429_is_retried_after_the_servers_Retry_After_on_the_injected_clock()
    {
        int asked = 0;
        await using var server = new ChatCompletionsServer(_ => Interlocked.Increment(ref asked) == 1
            ? new ChatReply(null, Status: 429, Headers: new Dictionary<string, string> { ["Retry-After"] = "30" })
            : new ChatReply("a stone bridge"));
        var clock = new SkippingClock();
        using var endpoint = new ChatEndpoint(server.Endpoint, string.Empty, "test-vlm", TimeSpan.FromMinutes(2), maxRetries: 2, maxTokens: 64, clock);

        var answer = await endpoint.AskAsync("Describe it.", null, CancellationToken.None);

        Assert.Equal(new EndpointAnswer("a stone bridge", null, null, new TokenUsage(12, 34)), answer);
        Assert.Equal(2, server.Requests);
        Assert.Equal([TimeSpan.FromSeconds(30)], clock.Waits);
    }

    [Fact]
    public void Tasks_write_their_own_files_and_read_every_siblings_answers()
    {
        using var dir = new TempDir();
        string folder = dir.File("cache");
        using (var first = AnswerCache.ForTask(folder, "align-judge", 0))
        using (var second = AnswerCache.ForTask(folder, "align-judge", 1))
        {
            // Open at the same time, as two tasks of one process are: neither sees the other's new answers, both files are written.
            first.Add("a", "0.9");
            second.Add("b", "0.1");
        }

        Assert.Equal(["align-judge-00000.jsonl", "align-judge-00001.jsonl"], Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());

        // A sibling stopped mid-line (killed, or still writing): that line is skipped, the rest is read.
        File.AppendAllText(Path.Combine(folder, "align-judge-00001.jsonl"), "{\"request\": \"c\", \"te");
        File.WriteAllText(Path.Combine(folder, "captions-gen.jsonl"), "{\"request\": \"d\", \"text\": \"another kind of cache\"}\n");
        using (var rerun = AnswerCache.ForTask(folder, "align-judge", 2))
        {
            Assert.Equal(2, rerun.Count);
            Assert.True(rerun.TryGet("a", out string a) && a == "0.9");
            Assert.True(rerun.TryGet("b", out string b) && b == "0.1");
            Assert.False(rerun.TryGet("c", out _));
            Assert.False(rerun.TryGet("d", out _));
        }

        // The task whose file was cut off ends that line before appending, so its next answer is kept.
        using (var resumed = AnswerCache.ForTask(folder, "align-judge", 1))
        {
            resumed.Add("e", "0.5");
        }

        using var again = AnswerCache.ForTask(folder, "align-judge", 0);
        Assert.True(again.TryGet("e", out string e) && e == "0.5");
        Assert.Equal(3, again.Count);
    }
}
