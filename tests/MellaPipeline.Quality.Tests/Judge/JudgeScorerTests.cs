using System.Collections.Concurrent;
using MellaPipeline.Config;
using MellaPipeline.Quality.Judge;
using MellaPipeline.Records;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Quality.Tests.Judge;

/// <summary>
/// The judge in-process against an OpenAI-wire-format server on 127.0.0.1: what it is asked, the
/// scores it reads, the answers it caches for every later task, and the endpoint's failures.
/// </summary>
public class JudgeScorerTests
{
    private static readonly PairRecord[] Rows =
    [
        DatasetShards.Row("th", "ผัดไทยกุ้งสดใส่ถั่วงอกและมะนาว", imageSeed: 11),
        DatasetShards.Row("ko", "제주도 성산일출봉의 아침 풍경", imageSeed: 12),
        DatasetShards.Row("ar", "سوق التوابل القديم في وسط المدينة", imageSeed: 13),
    ];

    private static JudgeOptions Options(string endpoint) => new() { Endpoint = endpoint, Model = "test-vlm", Concurrency = 2, MaxRetries = 2 };

    [Fact]
    public async Task Each_row_is_asked_once_with_its_image_caption_and_language_and_a_later_task_asks_nothing()
    {
        using var dir = new TempDir();
        var asked = new ConcurrentBag<ChatRequest>();
        await using var server = new ChatCompletionsServer(request =>
        {
            asked.Add(request);
            return new ChatReply(request.Prompt.Contains("Thai", StringComparison.Ordinal) ? "{\"score\": 0.9}" : request.Prompt.Contains("Korean", StringComparison.Ordinal) ? "0.4" : "{\"score\": 0.05}");
        });

        IReadOnlyList<RowScore> first;
        using (var judge = new JudgeScorer(Options(server.Endpoint), dir.File("cache"), rank: 0))
        {
            Assert.Equal("judge:test-vlm/align-judge-v1", judge.ModelId);
            first = await judge.ScoreAsync(Rows, CancellationToken.None);
            Assert.Equal(3, judge.RequestsSent);
        }

        Assert.Equal([new RowScore(0.9f), new RowScore(0.4f), new RowScore(0.05f)], first);
        Assert.Equal(3, server.Requests);
        foreach (var row in Rows)
        {
            var request = Assert.Single(asked, r => r.ImageSha256 == row.Sha256);
            Assert.Equal("test-vlm", request.Model);
            Assert.Contains($"Caption: {row.Text}", request.Prompt, StringComparison.Ordinal);
        }

        Assert.Contains("written in Thai", asked.Single(r => r.ImageSha256 == Rows[0].Sha256).Prompt, StringComparison.Ordinal);

        // Another task (another rank, its own cache file) finds every answer: nothing is sent again.
        using var rerun = new JudgeScorer(Options(server.Endpoint), dir.File("cache"), rank: 3);
        Assert.Equal(first, await rerun.ScoreAsync(Rows, CancellationToken.None));
        Assert.Equal(0, rerun.RequestsSent);
        Assert.Equal(3, server.Requests);

        // A new prompt version is a new question.
        using var reworded = new JudgeScorer(new JudgeOptions { Endpoint = server.Endpoint, Model = "test-vlm", PromptId = "align-judge-v2" }, dir.File("cache"), rank: 0);
        await reworded.ScoreAsync(Rows[..1], CancellationToken.None);
        Assert.Equal(4, server.Requests);
    }

    [Fact]
    public async Task The_requests_of_a_batch_run_concurrency_at_a_time()
    {
        using var dir = new TempDir();
        int inFlight = 0, most = 0;
        using var pairs = new Barrier(2); // Concurrency = 2: requests can only get through two by two
        await using var server = new ChatCompletionsServer(_ =>
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            bool met = pairs.SignalAndWait(TimeSpan.FromMinutes(2)); // a hang detector: a passing test never waits it out
            Interlocked.Decrement(ref inFlight);
            return met ? new ChatReply("0.5") : new ChatReply(null, Status: 400);
        });
        PairRecord[] rows = [.. Enumerable.Range(0, 6).Select(i => DatasetShards.Row("cs", $"Hrad Karlštejn obklopený podzimními lesy {i}", imageSeed: 40 + i))];
        using var judge = new JudgeScorer(Options(server.Endpoint), dir.File("cache"), rank: 0);

        var scores = await judge.ScoreAsync(rows, CancellationToken.None);

        Assert.All(scores, s => Assert.Equal(new RowScore(0.5f), s));
        Assert.Equal(2, Volatile.Read(ref most));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public async Task A_429_is_waited_out_for_its_Retry_After_on_the_injected_clock_and_then_scored()
    {
        using var dir = new TempDir();
        int calls = 0;
        await using var server = new ChatCompletionsServer(_ => Interlocked.Increment(ref calls) == 1
            ? new ChatReply(null, Status: 429, Headers: new Dictionary<string, string> { ["Retry-After"] = "20" })
            : new ChatReply("{\"score\": 0.7}"));
        var clock = new SkippingClock();
        using var judge = new JudgeScorer(Options(server.Endpoint), dir.File("cache"), rank: 0, clock);

        var scores = await judge.ScoreAsync(Rows[..1], CancellationToken.None);

        Assert.Equal([new RowScore(0.7f)], scores);
        Assert.Equal(2, server.Requests);
        Assert.Equal([TimeSpan.FromSeconds(20)], clock.Waits);
    }

    [Fact]
    public async Task Endpoint_failures_are_the_caption_endpoint_codes_and_are_asked_again_by_a_later_task()
    {
        using var dir = new TempDir();
        bool down = true;
        await using var server = new ChatCompletionsServer(request => down && request.Prompt.Contains("Korean", StringComparison.Ordinal)
            ? new ChatReply(null, Status: 503)
            : new ChatReply("{\"score\": 0.6}"));
        var clock = new SkippingClock();

        using (var judge = new JudgeScorer(Options(server.Endpoint), dir.File("cache"), rank: 0, clock))
        {
            var scores = await judge.ScoreAsync(Rows, CancellationToken.None);
            Assert.Equal(new RowScore(0.6f), scores[0]);
            Assert.Equal("caption_endpoint_http_503", scores[1].Reason);
            Assert.True(ReasonCodes.IsTransient(scores[1].Reason!));
            Assert.Equal(new RowScore(0.6f), scores[2]);
            Assert.Equal(3 + 2, server.Requests); // the 503 was retried twice
        }

        // The failure was not cached: the next task asks that row again, and only that row.
        down = false;
        using var rerun = new JudgeScorer(Options(server.Endpoint), dir.File("cache"), rank: 1, clock);
        Assert.Equal([new RowScore(0.6f), new RowScore(0.6f), new RowScore(0.6f)], await rerun.ScoreAsync(Rows, CancellationToken.None));
        Assert.Equal(1, rerun.RequestsSent);
    }
}
