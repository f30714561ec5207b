using System.Collections.Concurrent;
using System.Globalization;
using MellaPipeline.Config;
using MellaPipeline.LanguageId;
using MellaPipeline.Languages;
using MellaPipeline.Metrics;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Stages;
using MellaPipeline.Text;

namespace MellaPipeline.Captions;

/// <summary>A fused caption that passed the fusion checks: its native row, the normalised text, and where it came from.</summary>
public sealed record FusedCaption(NativeAlt Native, string Key, string Origin, string Text);

/// <summary>A native row whose fusion is not a caption: a failed request (<see cref="OutcomeKind.Failed"/>) or an answer that failed a check (<see cref="OutcomeKind.Dropped"/>).</summary>
public sealed record FusionReject(NativeAlt Native, string Key, string Origin, OutcomeKind Kind, string Reason, string? Detail);

/// <summary>What a layer's fuse step cost at the endpoint: requests sent (answers from a cache count nothing) and their tokens, as the server counted them.</summary>
public sealed record FuseUsage(long Requests, long PromptTokens, long CompletionTokens);

/// <summary>What one pass of the fuse step gave: kept captions by native key, rejects in origin order, what the endpoint was asked.</summary>
public sealed record FusionResult(IReadOnlyDictionary<string, FusedCaption> ByNativeKey, IReadOnlyList<FusionReject> Rejects, FuseUsage Usage);

/// <summary>
/// The fuse step of a caption layer: for every native row whose image has a model description, one
/// request to an OpenAI-compatible endpoint with the alt text, the description and the versioned
/// prompt, <c>concurrency</c> at a time, through an <see cref="AnswerCache"/> (the run's own file
/// <c>CACHE_DIR/fuse-NAME.jsonl</c>, plus recorded <c>answers</c> files that are only read), so a
/// rerun asks nothing and an interrupted run asks only what it never got.
/// <para>
/// An answer is checked in this order: it is in a script of the alt text's language (for Serbian,
/// the alt text's own script) and identified as that language (<c>fused_lang_mismatch</c>); it is
/// not a copy of the alt text (<c>fused_copy</c>); it keeps at least <c>min_entity_share</c> of the
/// alt text's names, by <see cref="EntityRetention"/> (<c>fused_entities_lost</c>).
/// </para>
/// </summary>
public sealed class CaptionFuser(CaptionFusionOptions settings, RunDirectory run, string layer, Func<LanguageIdentifier> identifier, TimeProvider? time = null)
{
    public string CachePath => Path.Combine(Path.GetFullPath(Path.Combine(run.Root, settings.CacheDir)), $"fuse-{layer}.jsonl");

    /// <summary>The key of the fused row grounded on native row <paramref name="nativeKey"/> of image <paramref name="sha256"/>.</summary>
    public static string KeyOf(string layer, string sha256, string nativeKey) =>
        PairKey.For(PairSources.Fused, "sha256:" + sha256, "layer:" + layer, "native:" + nativeKey);

    /// <summary>The prompt for one native row: the template with the alt text's language and the description's filled in.</summary>
    public static string PromptFor(string template, string lang, string alt, ImageDescription description) => template
        .Replace("{language}", TargetLanguages.EnglishName(lang), StringComparison.Ordinal)
        .Replace("{alt}", alt, StringComparison.Ordinal)
        .Replace("{description_language}", LanguageName(description.Lang), StringComparison.Ordinal)
        .Replace("{description}", description.Text, StringComparison.Ordinal);

    /// <summary>English names of the description languages a model usually writes in besides the targets.</summary>
    private static string LanguageName(string code) => code switch
    {
        "en" => "English",
        "zh" => "Chinese",
        "de" => "German",
        "fr" => "French",
        "es" => "Spanish",
        _ => TargetLanguages.EnglishName(code),
    };

    /// <param name="retention">Where every answer's retention check is counted (source <c>fused</c>), before its checks reject it or not.</param>
    public async Task<FusionResult> FuseAsync(
        IReadOnlyList<NativeAlt> natives, IReadOnlyDictionary<string, ImageDescription> descriptions, RetentionTally retention, CancellationToken cancellationToken)
    {
        using var endpoint = ChatEndpoint.For(settings, time: time);
        using var cache = new AnswerCache(CachePath, settings.Answers);
        var kept = new ConcurrentDictionary<string, FusedCaption>(StringComparer.Ordinal);
        var rejects = new ConcurrentBag<FusionReject>();
        long promptTokens = 0, completionTokens = 0;

        await Parallel.ForEachAsync(
            natives.Where(n => descriptions.ContainsKey(n.Sha256)),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (native, token) =>
            {
                var description = descriptions[native.Sha256];
                string key = KeyOf(layer, native.Sha256, native.Key);
                string origin = $"{settings.Model}/{settings.PromptId}:native:{native.Key}";
                string prompt = PromptFor(settings.Prompt, native.Lang, native.Text, description);
                var answer = await cache.AskAsync(
                    endpoint,
                    AnswerCache.KeyOf("fuse", settings.Model, settings.PromptId, settings.Prompt, native.Lang, native.Text, description.Lang, description.Text),
                    prompt, null, token);
                if (answer.Usage is { } usage)
                {
                    Interlocked.Add(ref promptTokens, usage.PromptTokens);
                    Interlocked.Add(ref completionTokens, usage.CompletionTokens);
                }

                if (answer.Text is null)
                {
                    rejects.Add(new FusionReject(native, key, origin, OutcomeKind.Failed, answer.Reason!, answer.Detail));
                    return;
                }

                string text = TextNormalizer.Normalize(answer.Text.Trim());
                var check = EntityRetention.Check(native.Lang, native.Text, text);
                retention.Add(native.Lang, PairSources.Fused, check);
                if (Problem(native, text, check) is { } problem)
                {
                    rejects.Add(new FusionReject(native, key, origin, OutcomeKind.Dropped, problem.Reason, problem.Detail));
                    return;
                }

                kept[native.Key] = new FusedCaption(native, key, origin, text);
            });

        return new FusionResult(
            new Dictionary<string, FusedCaption>(kept, StringComparer.Ordinal),
            [.. rejects.OrderBy(r => r.Origin, StringComparer.Ordinal)],
            new FuseUsage(cache.RequestsSent, promptTokens, completionTokens));
    }

    /// <summary>The first check a fused caption fails (language and script, then copy, then names), with its figures; null when it passes them all.</summary>
    private (string Reason, string Detail)? Problem(NativeAlt native, string text, RetentionCheck check)
    {
        string lang = native.Lang;
        string script = Scripts.Detect(text);
        if (lang == "sr" ? script != Scripts.Detect(native.Text) : !TargetLanguages.AllowsScript(lang, script))
        {
            return (ReasonCodes.FusedLangMismatch, lang == "sr"
                ? $"written in {script}, the alt text in {Scripts.Detect(native.Text)}"
                : $"written in {script}, not a script of {lang}");
        }

        var guess = identifier().IdentifyNormalized(text);
        if (guess.Lang != lang)
        {
            return (ReasonCodes.FusedLangMismatch, string.Create(CultureInfo.InvariantCulture, $"identified as {guess.Lang} ({guess.Confidence:F2}), not {lang}"));
        }

        if (check.CopySimilarity >= settings.MaxCopySimilarity)
        {
            return (ReasonCodes.FusedCopy, string.Create(CultureInfo.InvariantCulture,
                $"similarity {check.CopySimilarity:F2} to the alt text (max {settings.MaxCopySimilarity:F2})"));
        }

        if (check.Share < settings.MinEntityShare)
        {
            return (ReasonCodes.FusedEntitiesLost, string.Create(CultureInfo.InvariantCulture,
                $"kept {check.Kept} of {check.Names.Count} names of the alt text (min {settings.MinEntityShare * 100:0.#} %); lost: {string.Join(", ", check.Lost)}"));
        }

        return null;
    }
}

/// <summary>
/// The entity retention figures of a caption layer as they are counted, one <see cref="CaptionRetention"/>
/// per language × source; thread-safe, since fused answers arrive side by side.
/// </summary>
public sealed class RetentionTally
{
    private readonly Dictionary<(string Lang, string Source), (long Checked, long AllKept, long Names, long Kept)> _figures = [];
    private readonly Lock _lock = new();

    public void Add(string lang, string source, RetentionCheck check)
    {
        lock (_lock)
        {
            var (checkedCount, allKept, names, kept) = _figures.GetValueOrDefault((lang, source));
            _figures[(lang, source)] = (checkedCount + 1, allKept + (check.Lost.Count == 0 ? 1 : 0), names + check.Names.Count, kept + check.Kept);
        }
    }

    /// <summary>The figures by language, then source (<see cref="PairSources.All"/>'s order).</summary>
    public List<CaptionRetention> ToList()
    {
        lock (_lock)
        {
            return
            [
                .. _figures
                    .OrderBy(f => f.Key.Lang, StringComparer.Ordinal)
                    .ThenBy(f => PairSources.OrderOf(f.Key.Source))
                    .Select(f => new CaptionRetention(f.Key.Lang, f.Key.Source, f.Value.Checked, f.Value.AllKept, f.Value.Names, f.Value.Kept)),
            ];
        }
    }
}
