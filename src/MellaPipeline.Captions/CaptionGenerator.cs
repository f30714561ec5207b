using System.Collections.Concurrent;
using System.Threading.Channels;
using MellaPipeline.Config;
using MellaPipeline.Languages;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runs;

namespace MellaPipeline.Captions;

/// <summary>A caption that could not be had, as a reject of the layer.</summary>
public sealed record CaptionFailure(string Image, string Origin, string Reason, string? Detail);

/// <summary>
/// Asks an OpenAI-compatible endpoint for the captions of a layer: each distinct image of the
/// dataset is described once (the image and the versioned prompt), and the description is
/// translated into every language the image has native pairs in (or, for an image with none, the
/// languages of its rows). Requests run <c>concurrency</c> at a time; every answer goes through
/// the <see cref="AnswerCache"/>, so the same image, prompt and model — or the same text, target
/// language and translation model — is never asked twice, in this run or a later one.
/// </summary>
public sealed class CaptionGenerator(CaptionGenerationOptions settings, RunDirectory run, string layer)
{
    /// <summary>Requests actually sent to an endpoint (answers from the cache not counted).</summary>
    public long RequestsSent => _requestsSent;

    private long _requestsSent;

    /// <summary>Each described image's description (by SHA-256) and the language it is in: what the layer's fuse step grounds on.</summary>
    public IReadOnlyDictionary<string, ImageDescription> Descriptions => _descriptions;

    private readonly ConcurrentDictionary<string, ImageDescription> _descriptions = new(StringComparer.Ordinal);

    public string CachePath => Path.Combine(Path.GetFullPath(Path.Combine(run.Root, settings.CacheDir)), $"captions-{layer}.jsonl");

    public async Task<(Dictionary<string, List<CaptionLine>> ByImage, List<CaptionFailure> Failures)> GenerateAsync(
        IReadOnlyList<ShardInfo> datasetShards, ImageLanguages languages, CancellationToken cancellationToken)
    {
        using var describer = ChatEndpoint.For(settings);
        using var translator = ChatEndpoint.For(settings, settings.TranslateModel, settings.TranslateEndpoint.Length > 0 ? settings.TranslateEndpoint : null);
        using var cache = new AnswerCache(CachePath);

        var byImage = new ConcurrentDictionary<string, List<CaptionLine>>(StringComparer.Ordinal);
        var failures = new ConcurrentBag<CaptionFailure>();
        var images = Channel.CreateBounded<(string Sha256, byte[] Bytes)>(settings.Concurrency * 2);
        var producer = Task.Run(async () =>
        {
            try
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var shard in datasetShards)
                {
                    await foreach (var row in ShardReader.ReadAsync(Path.Combine(run.ShardsDir, shard.Path), cancellationToken))
                    {
                        if (row.ImageBytes is { } bytes && row.Sha256 is { } sha256 && seen.Add(sha256))
                        {
                            await images.Writer.WriteAsync((sha256, bytes), cancellationToken);
                        }
                    }
                }
            }
            finally
            {
                images.Writer.Complete();
            }
        }, cancellationToken);

        await Parallel.ForEachAsync(
            images.Reader.ReadAllAsync(cancellationToken),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (image, token) =>
            {
                string origin = $"{settings.Model}/{settings.PromptId}:{image.Sha256[..16]}";
                var description = await cache.AskAsync(
                    describer, AnswerCache.KeyOf("describe", settings.Model, settings.PromptId, settings.Prompt, image.Sha256),
                    settings.Prompt, image.Bytes, token);
                if (description.Text is null)
                {
                    failures.Add(new CaptionFailure(image.Sha256, origin, description.Reason!, description.Detail));
                    return;
                }

                _descriptions[image.Sha256] = new ImageDescription(description.Text, settings.SourceLang);

                var targets = languages.Native.GetValueOrDefault(image.Sha256) ?? languages.All[image.Sha256];
                var captions = new List<CaptionLine>();
                foreach (string lang in targets)
                {
                    string prompt = settings.TranslatePrompt
                        .Replace("{language}", TargetLanguages.EnglishName(lang), StringComparison.Ordinal)
                        .Replace("{text}", description.Text, StringComparison.Ordinal);
                    var translation = lang == settings.SourceLang
                        ? description
                        : await cache.AskAsync(
                            translator, AnswerCache.KeyOf("translate", settings.TranslateModel, settings.TranslatePrompt, lang, description.Text),
                            prompt, null, token);
                    if (translation.Text is null)
                    {
                        failures.Add(new CaptionFailure(image.Sha256, $"{origin}:{lang}", translation.Reason!, translation.Detail));
                        continue;
                    }

                    captions.Add(new CaptionLine(
                        $"{origin}:{lang}", image.Sha256, translation.Text, lang, settings.Model, settings.PromptId, settings.SourceLang,
                        lang == settings.SourceLang ? null : settings.TranslateModel));
                }

                byImage[image.Sha256] = captions;
            });
        await producer;
        _requestsSent = cache.RequestsSent;
        return (new Dictionary<string, List<CaptionLine>>(byImage, StringComparer.Ordinal),
            [.. failures.OrderBy(f => f.Origin, StringComparer.Ordinal)]);
    }
}

/// <summary>A model's description of an image and the language it wrote it in.</summary>
public sealed record ImageDescription(string Text, string Lang);

/// <summary>A native row of the dataset as the layer's fuse step and retention check read it: its key, image, language and alt text.</summary>
public sealed record NativeAlt(string Key, string Sha256, string Lang, string Text, string? Url, string? PageUrl);

/// <summary>
/// Which languages each image of the dataset (by SHA-256) has pairs in, all of them and the native
/// ones; and the native rows themselves (key, image, language, alt text) in shard order.
/// Rows read without their image (<c>load_images</c> off) have nothing to caption and are left out.
/// </summary>
public sealed class ImageLanguages
{
    public Dictionary<string, SortedSet<string>> All { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SortedSet<string>> Native { get; } = new(StringComparer.Ordinal);

    /// <summary>Every native row with an image, in shard order.</summary>
    public List<NativeAlt> NativeRows { get; } = [];

    private readonly Dictionary<(string Sha256, string Lang), NativeAlt> _firstNative = [];

    /// <summary>
    /// The image (SHA-256) of each row's key, or of each image URL: where a caption matched by key or URL finds its image.
    /// Filled only for a layer that matches so (one entry a row: too much to hold for nothing at millions of rows).
    /// </summary>
    public Dictionary<string, string> ImageOfKey { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> ImageOfUrl { get; } = new(StringComparer.Ordinal);

    public bool HasNative(string sha256, string lang) => Native.TryGetValue(sha256, out var set) && set.Contains(lang);

    /// <summary>The first native row (in shard order) of the image in the language, if it has one: the alt text a caption of that image and language is checked against.</summary>
    public NativeAlt? FirstNative(string sha256, string lang) => _firstNative.GetValueOrDefault((sha256, lang));

    /// <summary>One pass over seven small columns of the dataset's shards (never the images).</summary>
    /// <param name="matchBy">The layer's match field: <see cref="ImageOfKey"/> is filled for <see cref="CaptionMatch.Key"/>, <see cref="ImageOfUrl"/> for <see cref="CaptionMatch.Url"/>.</param>
    public static async Task<ImageLanguages> ReadAsync(RunDirectory run, IReadOnlyList<ShardInfo> shards, CancellationToken cancellationToken, CaptionMatch matchBy = CaptionMatch.Sha256)
    {
        var languages = new ImageLanguages();
        foreach (var shard in shards)
        {
            await foreach (var row in ShardReader.ReadRowsAsync(
                Path.Combine(run.ShardsDir, shard.Path), [ShardColumns.Key, ShardColumns.Lang, ShardColumns.Source, ShardColumns.Text, ShardColumns.Sha256, ShardColumns.Url, ShardColumns.PageUrl],
                r => (Source: r.Get(ShardColumns.Source)!, Alt: r.Get(ShardColumns.Sha256) is { } sha256
                    ? new NativeAlt(r.Get(ShardColumns.Key)!, sha256, r.Get(ShardColumns.Lang)!, r.Get(ShardColumns.Text)!, r.Get(ShardColumns.Url), r.Get(ShardColumns.PageUrl))
                    : null),
                cancellationToken))
            {
                if (row.Alt is not { } alt)
                {
                    continue;
                }

                Add(languages.All, alt.Sha256, alt.Lang);
                if (matchBy == CaptionMatch.Key)
                {
                    languages.ImageOfKey[alt.Key] = alt.Sha256;
                }
                else if (matchBy == CaptionMatch.Url && alt.Url is { } url)
                {
                    languages.ImageOfUrl.TryAdd(url, alt.Sha256);
                }

                if (row.Source == PairSources.Native)
                {
                    Add(languages.Native, alt.Sha256, alt.Lang);
                    languages.NativeRows.Add(alt);
                    languages._firstNative.TryAdd((alt.Sha256, alt.Lang), alt);
                }
            }
        }

        return languages;
    }

    private static void Add(Dictionary<string, SortedSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            map[key] = set;
        }

        set.Add(value);
    }
}
