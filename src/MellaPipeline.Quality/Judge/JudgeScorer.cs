using MellaPipeline.Captions;
using MellaPipeline.Config;
using MellaPipeline.Languages;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Quality.Judge;

/// <summary>
/// Alignment scores from an MLLM judge (<c>stages.align.judge</c>): each row's stored image and its
/// caption go to an OpenAI-compatible endpoint with a versioned prompt that asks whether the
/// caption describes the image, and the answer (<see cref="JudgeAnswer"/>) is the score. The
/// client is the caption generator's (<see cref="ChatEndpoint"/>: the same retries of 408, 429
/// and 5xx, <c>Retry-After</c>, timeouts and <c>caption_endpoint_*</c> codes); the requests of a
/// batch run <see cref="ChatEndpointOptions.Concurrency"/> at a time.
/// <para>
/// Every answer is cached, keyed by the judge's model, prompt id, the prompt as sent (template,
/// caption and language) and the image's SHA-256, so a rerun — a resumed task, another task
/// count, a retry — asks nothing it has an answer to. The task writes
/// <c>CACHE_DIR/align-judge-RRRRR.jsonl</c> and reads every <c>align-judge-*.jsonl</c> there
/// (<see cref="AnswerCache.ForTask"/>): no two writers ever share a file.
/// </para>
/// </summary>
public sealed class JudgeScorer : IRowScorer
{
    /// <summary>The name of the judge's cache files, <c>align-judge-RRRRR.jsonl</c>.</summary>
    public const string CacheName = "align-judge";

    private readonly JudgeOptions _settings;
    private readonly ChatEndpoint _endpoint;
    private readonly AnswerCache _cache;

    /// <param name="cacheFolder">The absolute folder of the answer cache (the run directory's <c>cache_dir</c>).</param>
    /// <param name="rank">The task's rank: the cache file it writes.</param>
    /// <param name="time">The clock of the client's waits between attempts; the system's when null.</param>
    public JudgeScorer(JudgeOptions settings, string cacheFolder, int rank, TimeProvider? time = null)
    {
        _settings = settings;
        _endpoint = ChatEndpoint.For(settings, time: time);
        _cache = AnswerCache.ForTask(cacheFolder, CacheName, rank);
        ModelId = $"judge:{settings.Model}/{settings.PromptId}";
    }

    public string ModelId { get; }

    /// <summary>Requests sent to the endpoint so far (answers from the cache not counted).</summary>
    public long RequestsSent => _cache.RequestsSent;

    /// <summary>Answers the cache held when it was opened plus those it got since.</summary>
    public int CachedAnswers => _cache.Count;

    public async ValueTask<IReadOnlyList<RowScore>> ScoreAsync(IReadOnlyList<PairRecord> rows, CancellationToken cancellationToken)
    {
        var scores = new RowScore[rows.Count];
        await Parallel.ForAsync(
            0,
            rows.Count,
            new ParallelOptions { MaxDegreeOfParallelism = _settings.Concurrency, CancellationToken = cancellationToken },
            async (i, token) => scores[i] = await ScoreAsync(rows[i], token));
        return scores;
    }

    private async Task<RowScore> ScoreAsync(PairRecord row, CancellationToken cancellationToken)
    {
        if (row.ImageBytes is not { } image || row.Sha256 is not { } sha256)
        {
            throw new ArgumentException($"row {row.Key} has no stored image to judge; rows without one are not scored", nameof(row));
        }

        // The language first: a caption that itself contains "{language}" stays as written.
        string prompt = _settings.Prompt
            .Replace("{language}", TargetLanguages.EnglishName(row.Lang), StringComparison.Ordinal)
            .Replace("{caption}", row.Text, StringComparison.Ordinal);
        string request = AnswerCache.KeyOf("judge", _settings.Model, _settings.PromptId, prompt, sha256);
        var answer = await _cache.AskAsync(_endpoint, request, prompt, image, cancellationToken);
        return answer.Text is { } text ? JudgeAnswer.Parse(text) : new RowScore(null, answer.Reason, answer.Detail);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _endpoint.Dispose();
    }
}
