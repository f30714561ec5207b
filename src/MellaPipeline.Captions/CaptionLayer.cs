using System.Globalization;
using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Json;
using MellaPipeline.Languages;
using MellaPipeline.LanguageId;
using MellaPipeline.Metrics;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;
using MellaPipeline.Text;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Captions;

/// <summary>What one caption layer did: <c>reduce/captions-NAME.json</c>.</summary>
/// <param name="Lines">Caption lines (or Parquet rows) read, generated captions and failed generations, and fused answers and failed fusions.</param>
/// <param name="Rows">Captions that became <c>mllm</c> or <c>fused</c> rows.</param>
/// <param name="ImagesWithoutCaption">Distinct images of the dataset that no caption of this layer matched.</param>
/// <param name="Fingerprint">SHA-256 over the layer's settings and its files' bytes: a different one means the layer must be rebuilt.</param>
/// <param name="Retention">
/// The entity retention check per language × source: <c>mllm</c> rows written that have a native row of
/// the same image and language (checked against the first in shard order), and every <c>fused</c> answer before its checks.
/// </param>
/// <param name="FuseUsage">With <c>fuse</c>: the requests its endpoint was sent and their tokens.</param>
public sealed record CaptionLayerSummary(
    string Layer, string Fingerprint, IReadOnlyList<string> Files, long Lines, long Rows, long Rejected, long ImagesWithoutCaption, TaskStats Stats,
    IReadOnlyList<CaptionRetention>? Retention = null, FuseUsage? FuseUsage = null);

/// <summary>
/// <c>stages.align</c> applied to a caption layer's rows: each <c>mllm</c> row gets the score of its
/// own caption (not its native sibling's), and the same per-language threshold drops <c>alignment_low</c>.
/// </summary>
/// <param name="CreateScorer">Makes the scorer when the layer is built (disposed when it is done).</param>
/// <param name="Fingerprint">What the scores depend on (the scorer's settings): part of the layer's fingerprint, so new settings rebuild it.</param>
/// <param name="ScoreBatch">The outcome of each row of a batch, in order, by the map stage's own rule (the same method).</param>
public sealed record CaptionRowScoring(
    Func<IRowScorer> CreateScorer, Func<IRowScorer, IReadOnlyList<PairRecord>, CancellationToken, Task<StageOutcome<PairRecord>[]>> ScoreBatch, int BatchSize, string Fingerprint);

/// <summary>
/// Merges one caption layer into a finished dataset: every caption that passes its checks becomes
/// an <c>mllm</c> row carrying the image of the dataset row it matches (by SHA-256, key or URL),
/// written to the layer's own shards (<c>captions-NAME-NNNNN.parquet</c>), so that replacing the
/// layer never touches the native pairs and never downloads an image again.
/// <para>
/// Checks, each a reject with its reason and the caption's file and line: the line parses and has
/// <c>text</c>, <c>lang</c>, <c>model</c> and the match field; the text is not empty or too short
/// after the same normalisation native captions get; <c>lang</c> is a language of the pipeline;
/// the text is written in a script of that language and, with <c>check_language</c>, identified
/// as that language (a translation that came back in English is not a Thai pair); it names an
/// image the dataset has; it is not the same text in the same language for the same image again.
/// </para>
/// <para>
/// A row's key is the pair key of (<c>mllm</c>, the image's SHA-256, the layer, the raw caption),
/// so the same caption file gives the same keys on every run. The layer commits its shards,
/// rejects and figures before its completion marker; an interrupted layer is rebuilt from scratch.
/// </para>
/// <para>
/// With <c>fuse</c>, every native row whose image has a model description also gets a <c>fused</c>
/// row (<see cref="CaptionFuser"/>): written beside the <c>mllm</c> rows in the same pass, with the
/// native row's image and columns, <c>grounded_from</c> its key.
/// </para>
/// </summary>
/// <param name="time">The clock of the fuse endpoint's waits between attempts; the machine's when null.</param>
public sealed partial class CaptionLayer(
    CaptionLayerOptions layer, ShardedDataset dataset, IReadOnlyList<string> languages, RunDirectory run, Func<LanguageIdentifier> identifier, ILogger logger,
    CaptionRowScoring? scoring = null, Func<string, bool>? blocklisted = null, TimeProvider? time = null)
{
    public string StageName => "captions_" + layer.Name;

    /// <summary>
    /// SHA-256 over the layer's settings and the bytes of its caption files: the same as the built
    /// layer's when nothing changed; a new model's or prompt's captions (a new file, or new content
    /// in the same file) give another one.
    /// </summary>
    public string Fingerprint() => _fingerprint ??= ComputeFingerprint();

    private string? _fingerprint;

    private string ComputeFingerprint()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(layer, MellaJson.Compact));
        if (scoring is not null)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes("align:" + scoring.Fingerprint));
        }
        // Recorded fuse answers count like caption files: another answer in them is another caption.
        foreach (string file in CaptionFile.Expand(layer.Paths).Concat(layer.Fuse?.Answers.Where(File.Exists) ?? []))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file));
            using var stream = File.OpenRead(file);
            hash.AppendData(System.Security.Cryptography.SHA256.HashData(stream));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The layer as built before, if it is complete and its settings and files have not changed since.</summary>
    public CaptionLayerSummary? Current()
    {
        if (!File.Exists(run.CaptionCompletionPath(layer.Name)))
        {
            return null;
        }

        var built = JsonSerializer.Deserialize<CaptionLayerSummary>(File.ReadAllBytes(run.CaptionStatsPath(layer.Name)), MellaJson.Indented)!;
        return built.Fingerprint == Fingerprint() ? built : null;
    }

    /// <summary>Builds the layer over the rows of <paramref name="datasetShards"/>, unless it is complete and unchanged already.</summary>
    /// <param name="counters">Where the layer counts its lines and rejects as it goes: a progress display reads them.</param>
    public async Task<CaptionLayerSummary> RunAsync(IReadOnlyList<ShardInfo> datasetShards, int worldSize, CancellationToken cancellationToken, PipelineCounters? counters = null)
    {
        // A layer built from other settings or files is stale: without its marker the runner builds it again from scratch.
        if (File.Exists(run.CaptionCompletionPath(layer.Name)) && Current() is null)
        {
            run.DiscardCaptionLayer(layer.Name);
        }

        var result = await new StepRunner(run).RunAsync(new CaptionLayerStep(this, run, layer.Name, datasetShards, worldSize), counters ?? new PipelineCounters(), cancellationToken);
        var summary = result.Figures;
        if (!result.AlreadyComplete)
        {
            LogLayer(logger, layer.Name, summary.Lines, summary.Rows, summary.Rejected, summary.ImagesWithoutCaption);
        }

        return summary;
    }

    /// <summary>The step's body: reads the captions, matches them to the dataset's rows and writes the layer's shards.</summary>
    internal async Task<CaptionLayerSummary> BuildAsync(StepContext context, IReadOnlyList<ShardInfo> datasetShards, int worldSize, CancellationToken cancellationToken)
    {
        string fingerprint = Fingerprint();
        var counters = context.Counters.For(StageName);
        var files = CaptionFile.Expand(layer.Paths);
        var byImage = new Dictionary<string, List<CaptionLine>>(StringComparer.Ordinal);

        void Reject(string key, string origin, string reason, string? detail, OutcomeKind kind, string? url = null, string? pageUrl = null, string? lang = null) =>
            WriteReject(context, counters, key, origin, reason, detail, kind, url, pageUrl, lang);

        string? UrlOf(string match) => layer.MatchBy == CaptionMatch.Url ? match : null;

        void Accept(CaptionLine caption)
        {
            string text = TextNormalizer.Normalize(caption.Text);
            var (reason, detail) = Check(caption.Lang, text);
            if (reason is not null)
            {
                Reject(KeyOf(caption.Match, caption.Text), caption.Origin, reason, detail, OutcomeKind.Dropped, UrlOf(caption.Match), lang: caption.Lang);
                return;
            }

            if (!byImage.TryGetValue(caption.Match, out var list))
            {
                list = [];
                byImage[caption.Match] = list;
            }

            list.Add(caption with { Text = text });
        }

        // Which languages each image has pairs in (what generated captions are translated into, and what unpaired: drop checks),
        // and the native rows' alt texts (what the fuse step grounds on and the retention check compares with).
        var languages = await ImageLanguages.ReadAsync(run, datasetShards, cancellationToken, layer.MatchBy);
        var descriptions = new Dictionary<string, ImageDescription>(StringComparer.Ordinal);
        var retention = new RetentionTally();
        if (layer.Generate is { } generate)
        {
            var generator = new CaptionGenerator(generate, run, layer.Name);
            var (generated, failures) = await generator.GenerateAsync(datasetShards, languages, cancellationToken);
            foreach (var (image, description) in generator.Descriptions)
            {
                descriptions[image] = description;
            }

            foreach (var failure in failures)
            {
                counters.CountIn();
                Reject(KeyOf(failure.Image, failure.Origin), failure.Origin, failure.Reason, failure.Detail, OutcomeKind.Failed);
            }

            foreach (var caption in generated.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value))
            {
                counters.CountIn();
                Accept(caption);
            }

            LogGenerated(logger, layer.Name, generator.RequestsSent, generator.CachePath);
        }

        foreach (string file in files)
        {
            await foreach (var read in CaptionFile.ReadAsync(file, layer.MatchBy, cancellationToken))
            {
                counters.CountIn();
                if (read.Caption is not { } caption)
                {
                    Reject(PairKey.ForRawLine(System.Text.Encoding.UTF8.GetBytes(read.Origin)), read.Origin, read.Reason!, read.Detail, OutcomeKind.Failed);
                    continue;
                }

                // The image's first description is the one fused (a file repeats it on each translation's line).
                if (caption.Description is { } description && ImageOf(caption.Match, languages) is { } image)
                {
                    descriptions.TryAdd(image, new ImageDescription(description, caption.SourceLang ?? "en"));
                }

                Accept(caption);
            }
        }

        // The fused captions that pass their checks and the layer's, by the native row they are grounded on.
        var (fused, fuseUsage) = layer.Fuse is { } fuse
            ? await FuseAsync(fuse, context, counters, languages, descriptions, retention, cancellationToken)
            : ([], null);

        using var scorer = scoring?.CreateScorer();
        var pending = new List<PairRecord>();

        // Scored rows wait for a batch; the order they are written in stays the order they were made in.
        async Task FlushAsync(ParquetShardWriter shards)
        {
            var outcomes = scorer is null || pending.Count == 0
                ? pending.Select(StageOutcome<PairRecord>.Ok).ToArray()
                : await scoring!.ScoreBatch(scorer, pending, cancellationToken);
            for (int i = 0; i < pending.Count; i++)
            {
                var row = pending[i];
                if (outcomes[i] is { IsOk: false, Reason: { } reason } rejected)
                {
                    Reject(row.Key, row.Origin, reason, rejected.Detail, rejected.Kind, row.Url, row.PageUrl, row.Lang);
                    continue;
                }

                counters.CountOk();
                var kept = outcomes[i].Value!;
                if (kept.Source == PairSources.Mllm && languages.FirstNative(kept.Sha256!, kept.Lang) is { } native)
                {
                    // How much of the alt text's culture a translated caption of the same image kept.
                    retention.Add(kept.Lang, PairSources.Mllm, EntityRetention.Check(kept.Lang, native.Text, kept.Text));
                }

                await shards.WriteAsync(kept, cancellationToken);
            }

            pending.Clear();
        }

        // Stream the dataset's rows (images included) and give each matched image its captions, in shard order.
        var written = new HashSet<(string Sha256, string Lang, string Text)>();

        // A fused row: the native row's image and columns, the fused text, grounded on the native row; the same duplicate rule as mllm rows.
        async Task AddFusedAsync(ParquetShardWriter shards, PairRecord native, FusedCaption fusion)
        {
            if (!written.Add((native.Sha256!, fusion.Native.Lang, fusion.Text)))
            {
                Reject(fusion.Key, fusion.Origin, ReasonCodes.CaptionDuplicate, $"the same {fusion.Native.Lang} text for image {native.Sha256![..16]} comes earlier", OutcomeKind.Dropped, native.Url, native.PageUrl, fusion.Native.Lang);
                return;
            }

            pending.Add(native with
            {
                Key = fusion.Key,
                Origin = fusion.Origin,
                Script = Scripts.Detect(fusion.Text),
                Source = PairSources.Fused,
                Text = fusion.Text,
                CaptionModel = layer.Fuse!.Model,
                CaptionSourceLang = native.Lang,
                CaptionPromptId = layer.Fuse.PromptId,
                CaptionTranslator = null,
                GroundedFrom = native.Key,
                AlignScore = null,
                AlignModel = null,
            });
            if (pending.Count >= (scorer is null ? 1 : scoring!.BatchSize))
            {
                await FlushAsync(shards);
            }
        }

        var imagesWithCaption = new HashSet<string>(StringComparer.Ordinal);
        var allImages = new HashSet<string>(StringComparer.Ordinal);
        await using (var shards = new ParquetShardWriter(dataset.WriterOptions(run.ShardsDir, 0, RunDirectory.CaptionShardPrefix(layer.Name))))
        {
            foreach (var shard in datasetShards)
            {
                await foreach (var row in ShardReader.ReadAsync(Path.Combine(run.ShardsDir, shard.Path), cancellationToken))
                {
                    if (row.Sha256 is null)
                    {
                        continue; // read without its image (load_images off): nothing to caption
                    }

                    allImages.Add(row.Sha256);
                    if (row.Source == PairSources.Native && fused.Remove(row.Key, out var fusion))
                    {
                        await AddFusedAsync(shards, row, fusion);
                    }

                    string match = layer.MatchBy switch
                    {
                        CaptionMatch.Key => row.Key,
                        CaptionMatch.Url => row.Url ?? string.Empty,
                        _ => row.Sha256,
                    };
                    if (!byImage.Remove(match, out var captions))
                    {
                        continue;
                    }

                    imagesWithCaption.Add(row.Sha256);
                    foreach (var caption in captions)
                    {
                        string key = KeyOf(row.Sha256, caption.Text);
                        if (layer.Unpaired == UnpairedCaptions.Drop && !languages.HasNative(row.Sha256, caption.Lang))
                        {
                            Reject(key, caption.Origin, ReasonCodes.CaptionUnpaired, $"image {row.Sha256[..16]} has no native {caption.Lang} pair", OutcomeKind.Dropped, row.Url, row.PageUrl, caption.Lang);
                            continue;
                        }

                        if (!written.Add((row.Sha256, caption.Lang, caption.Text)))
                        {
                            Reject(key, caption.Origin, ReasonCodes.CaptionDuplicate, $"the same {caption.Lang} text for image {row.Sha256[..16]} comes earlier", OutcomeKind.Dropped, row.Url, row.PageUrl, caption.Lang);
                            continue;
                        }

                        pending.Add(row with
                        {
                            Key = key,
                            Origin = caption.Origin,
                            Lang = caption.Lang,
                            Script = Scripts.Detect(caption.Text),
                            Source = PairSources.Mllm,
                            Text = caption.Text,
                            CaptionModel = caption.Model,
                            CaptionSourceLang = caption.SourceLang,
                            CaptionPromptId = caption.PromptId,
                            CaptionTranslator = caption.Translator,
                            // The native row's alignment score is its caption's, not this one's; the image's safety score stays.
                            AlignScore = null,
                            AlignModel = null,
                        });
                        if (pending.Count >= (scorer is null ? 1 : scoring!.BatchSize))
                        {
                            await FlushAsync(shards);
                        }
                    }
                }
            }

            await FlushAsync(shards);
            foreach (var (match, captions) in byImage.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                // A caption naming a blocklisted image by its SHA-256 is withheld like the image itself: key and reason only.
                bool listed = layer.MatchBy == CaptionMatch.Sha256 && blocklisted?.Invoke(match) == true;
                foreach (var caption in captions)
                {
                    if (listed)
                    {
                        Reject(KeyOf(match, caption.Text), string.Empty, ReasonCodes.ImageBlocklisted, null, OutcomeKind.Dropped);
                        continue;
                    }

                    Reject(KeyOf(match, caption.Text), caption.Origin, ReasonCodes.CaptionImageUnknown,
                        $"no image in the dataset with {CaptionFile.MatchField(layer.MatchBy)} {match}", OutcomeKind.Dropped, UrlOf(match), lang: caption.Lang);
                }
            }

            await shards.CompleteAsync(cancellationToken);
            var stats = TaskStats.From(new TaskSlice(0, worldSize), context.Elapsed, context.Counters, shards.Shards);
            return new CaptionLayerSummary(
                layer.Name, fingerprint, files, stats.InputRecords, stats.Rows, stats.Dropped + stats.Failed, allImages.Count - imagesWithCaption.Count, stats,
                retention.ToList(), fuseUsage);
        }
    }

    /// <summary>
    /// The fuse step: every native row with a described image asked of the fuse endpoint; a failure or an answer that fails
    /// its checks (the fuser's, then the layer's text rules) is a reject; the rest wait, by native key, for the write pass.
    /// </summary>
    private async Task<(Dictionary<string, FusedCaption> Fused, FuseUsage Usage)> FuseAsync(
        CaptionFusionOptions fuse, StepContext context, StageCounters counters, ImageLanguages languages, IReadOnlyDictionary<string, ImageDescription> descriptions,
        RetentionTally retention, CancellationToken cancellationToken)
    {
        var fuser = new CaptionFuser(fuse, run, layer.Name, identifier, time);
        var result = await fuser.FuseAsync(languages.NativeRows, descriptions, retention, cancellationToken);
        foreach (var reject in result.Rejects)
        {
            counters.CountIn();
            WriteReject(context, counters, reject.Key, reject.Origin, reject.Reason, reject.Detail, reject.Kind, reject.Native.Url, reject.Native.PageUrl, reject.Native.Lang);
        }

        var fused = new Dictionary<string, FusedCaption>(StringComparer.Ordinal);
        foreach (var caption in result.ByNativeKey.Values.OrderBy(c => c.Origin, StringComparer.Ordinal))
        {
            counters.CountIn();
            var (reason, detail) = Check(caption.Native.Lang, caption.Text);
            if (reason is not null)
            {
                WriteReject(context, counters, caption.Key, caption.Origin, reason, detail, OutcomeKind.Dropped, caption.Native.Url, caption.Native.PageUrl, caption.Native.Lang);
                continue;
            }

            fused[caption.Native.Key] = caption;
        }

        LogFused(logger, layer.Name, result.Usage.Requests, result.Usage.PromptTokens, result.Usage.CompletionTokens, fuser.CachePath);
        return (fused, result.Usage);
    }

    /// <summary>
    /// A reject of the layer, counted and written. A caption's image URL is known once it is matched to a dataset row, or from
    /// the caption itself with match_by: url; its language is the one its line declares (what splits the coverage report's funnel by language).
    /// </summary>
    private void WriteReject(
        StepContext context, StageCounters counters, string key, string origin, string reason, string? detail, OutcomeKind kind, string? url, string? pageUrl, string? lang)
    {
        counters.CountReject(kind, reason);
        context.Rejects.Write(RejectRecord.Of(new UnparsedInput(key, origin, url, pageUrl, lang), StageName, kind, reason, detail));
    }

    /// <summary>The layer's text rules (<c>captions[].min_chars</c>, the pipeline's languages), configured once.</summary>
    private TextRuleList? _rules;

    /// <summary>Why a caption is not kept, or nulls: the layer's text rules, then (with <c>check_language</c>) language ID.</summary>
    private (string? Reason, string? Detail) Check(string lang, string text)
    {
        _rules ??= TextRules.ForCaptions(layer.MinChars, languages);
        if (_rules.Check(text, new TextContext(text, lang)) is { IsKept: false } drop)
        {
            return (drop.Reason, drop.Detail);
        }

        if (layer.CheckLanguage)
        {
            var guess = identifier().IdentifyNormalized(text);
            if (guess.Lang != LanguageGuess.Undetermined && guess.Lang != lang)
            {
                return (ReasonCodes.CaptionLangMismatch,
                    string.Create(CultureInfo.InvariantCulture, $"labelled {lang}, identified as {guess.Lang} ({guess.Confidence:F2})"));
            }
        }

        return (null, null);
    }

    /// <summary>The image a caption's match field names: itself with match_by sha256, else the row's or URL's image.</summary>
    private string? ImageOf(string match, ImageLanguages images) => layer.MatchBy switch
    {
        CaptionMatch.Key => images.ImageOfKey.GetValueOrDefault(match),
        CaptionMatch.Url => images.ImageOfUrl.GetValueOrDefault(match),
        _ => match,
    };

    private string KeyOf(string image, string rawText) => PairKey.For(PairSources.Mllm, "sha256:" + image, "layer:" + layer.Name, rawText);

    [LoggerMessage(Level = LogLevel.Information, Message = "caption layer '{Layer}': {Requests} requests sent to the endpoint (answers cached in {Cache})")]
    private static partial void LogGenerated(ILogger logger, string layer, long requests, string cache);

    [LoggerMessage(Level = LogLevel.Information, Message = "caption layer '{Layer}': fuse: {Requests} requests sent to the endpoint, {PromptTokens} prompt and {CompletionTokens} completion tokens (answers cached in {Cache})")]
    private static partial void LogFused(ILogger logger, string layer, long requests, long promptTokens, long completionTokens, string cache);

    [LoggerMessage(Level = LogLevel.Information, Message = "caption layer '{Layer}': {Lines} captions read, {Rows} rows (mllm and fused), {Rejected} rejected, {Missing} images without a caption")]
    private static partial void LogLayer(ILogger logger, string layer, long lines, long rows, long rejected, long missing);
}
