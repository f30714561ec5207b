using System.ComponentModel.DataAnnotations;

using MellaPipeline.Languages;

namespace MellaPipeline.Config;

/// <summary>
/// A pipeline file (<c>pipelines/*.yaml</c>), bound by <see cref="PipelineConfigLoader"/>. Keys are
/// the snake_case forms of these property names; <c>schemas/pipeline.schema.json</c> describes the
/// same contract for editors. Every default here is documented in the README's pipeline reference.
/// </summary>
public sealed class PipelineOptions : IValidatableObject
{
    /// <summary>Pipeline file format version; only 1 exists.</summary>
    [Range(1, 1)]
    public int Version { get; set; } = 1;

    /// <summary>Name of the pipeline; the default run directory is <c>runs/NAME</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9_.-]*$", ErrorMessage = "must be lowercase letters, digits, '.', '_' or '-'")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Where the pipeline reads from; or use <see cref="Inputs"/> for several sources.</summary>
    public InputOptions? Input { get; set; }

    /// <summary>Several sources read one after the other by every task (e.g. a crawl for native alt text and a pairs file of model captions).</summary>
    public List<InputOptions> Inputs { get; set; } = [];

    /// <summary>The sources in reading order: <see cref="Input"/> alone, or <see cref="Inputs"/>.</summary>
    public IReadOnlyList<InputOptions> InputList() => Input is not null ? [Input] : Inputs;

    /// <summary>Languages to keep (ISO 639-1); pairs in any other language are dropped as <c>lang_not_targeted</c>.</summary>
    [MinLength(1)]
    public List<string> Languages { get; set; } = [.. TargetLanguages.Codes];

    /// <summary>Number of tasks (world size) the input is split into; each writes its own shards.</summary>
    [Range(1, 1_000_000)]
    public int Tasks { get; set; } = 4;

    /// <summary>Tasks run at once on this machine; 0 means one per processor core.</summary>
    [Range(0, 1024)]
    public int Workers { get; set; }

    /// <summary>Records buffered between two stages before the upstream stage waits.</summary>
    [Range(1, 1_000_000)]
    public int ChannelCapacity { get; set; } = 256;

    /// <summary>Largest fraction of input records that may fail (not counting policy drops) before the run exits 1.</summary>
    [Range(0.0, 1.0)]
    public double FailureBudget { get; set; } = 0.25;

    public StagesOptions Stages { get; set; } = new();

    /// <summary>Caption layers: model-written captions merged as <c>mllm</c> rows once the dataset's images are known.</summary>
    public List<CaptionLayerOptions> Captions { get; set; } = [];

    public OutputOptions Output { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Input is null && Inputs.Count == 0)
        {
            yield return new ValidationResult("required key is missing (or give a list under 'inputs')", ["input"]);
        }
        else if (Input is not null && Inputs.Count > 0)
        {
            yield return new ValidationResult("give either 'input' or 'inputs', not both", ["inputs"]);
        }

        var layerNames = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Captions.Count; i++)
        {
            if (!layerNames.Add(Captions[i].Name))
            {
                yield return new ValidationResult($"a caption layer named '{Captions[i].Name}' comes earlier", [$"captions[{i}].name"]);
            }
        }

        for (int i = 0; i < Languages.Count; i++)
        {
            if (!TargetLanguages.IsTarget(Languages[i]))
            {
                yield return new ValidationResult(
                    $"'{Languages[i]}' is not a target language (expected one of {string.Join(", ", TargetLanguages.Codes)})",
                    [$"languages[{i}]"]);
            }
        }
    }
}

/// <summary>
/// One caption layer: captions an external batch run (vLLM, SGLang, an API) wrote for the
/// dataset's images, in JSONL or Parquet files (<c>schemas/captions.schema.json</c>), matched to
/// images by SHA-256, pair key or URL. Each layer's rows live in their own shards, so a layer can
/// be replaced without touching the native pairs or downloading anything again.
/// </summary>
public sealed class CaptionLayerOptions : IValidatableObject
{
    /// <summary>Layer name: its shards are <c>captions-NAME-NNNNN.parquet</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9_.-]*$", ErrorMessage = "must be lowercase letters, digits, '.', '_' or '-'")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Caption files (<c>.jsonl</c>, <c>.parquet</c>) or folders of them, relative to the pipeline file.</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>Which field of a caption names its image.</summary>
    public CaptionMatch MatchBy { get; set; } = CaptionMatch.Sha256;

    /// <summary>Identify each caption's language and reject it when it is not the one declared (a translation that came back in English).</summary>
    public bool CheckLanguage { get; set; } = true;

    /// <summary>Shortest caption kept, in grapheme clusters.</summary>
    [Range(1, 100_000)]
    public int MinChars { get; set; } = 10;

    /// <summary>
    /// What to do with a caption whose image has no native pair in the caption's language:
    /// <c>keep</c> it (an image with only a model caption in that language), or <c>drop</c> it
    /// (<c>caption_unpaired</c>), so that every <c>mllm</c> row has a <c>native</c> sibling.
    /// </summary>
    public UnpairedCaptions Unpaired { get; set; } = UnpairedCaptions.Keep;

    /// <summary>Instead of <see cref="Paths"/>: captions asked of an OpenAI-compatible endpoint for every image of the dataset.</summary>
    public CaptionGenerationOptions? Generate { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((Paths.Count == 0) == (Generate is null))
        {
            yield return new ValidationResult("give either 'paths' (caption files) or 'generate' (an endpoint), not both", ["paths"]);
        }

        if (Generate is not null && MatchBy != CaptionMatch.Sha256)
        {
            yield return new ValidationResult("generated captions are matched by sha256", ["match_by"]);
        }
    }
}

/// <summary>
/// Captions generated on demand: a multimodal model behind an OpenAI-compatible chat-completions
/// endpoint (vLLM, Ollama, llama.cpp server, OpenAI) describes each image with a versioned prompt,
/// and a model behind the same kind of endpoint translates the description into each language the
/// image has native captions in. Every answer is kept in a cache keyed by what was asked, so a
/// resumed or repeated run never asks twice.
/// </summary>
public sealed class CaptionGenerationOptions
{
    /// <summary>Base URL of the API, up to and including <c>/v1</c>.</summary>
    [Required]
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>Environment variable that holds the API key (local servers accept any).</summary>
    public string ApiKeyEnv { get; set; } = "OPENAI_API_KEY";

    /// <summary>The multimodal model that describes images.</summary>
    [Required]
    public string Model { get; set; } = string.Empty;

    /// <summary>Version id of <see cref="Prompt"/>, recorded in every row.</summary>
    public string PromptId { get; set; } = "describe-v1";

    [MaxLength(65536)]
    public string Prompt { get; set; } = "Describe this image in detail in English: the main subject, the setting, colours, any text or culturally specific objects. Answer with one paragraph.";

    /// <summary>Language the model writes in.</summary>
    public string SourceLang { get; set; } = "en";

    /// <summary>The model that translates descriptions (on <see cref="TranslateEndpoint"/>, or <see cref="Endpoint"/>).</summary>
    [Required]
    public string TranslateModel { get; set; } = string.Empty;

    public string TranslateEndpoint { get; set; } = string.Empty;

    /// <summary>Translation prompt; <c>{language}</c> is the target language's English name, <c>{text}</c> the description.</summary>
    [MaxLength(65536)]
    public string TranslatePrompt { get; set; } = "Translate the following image description into {language}. Answer with the translation only.\n\n{text}";

    /// <summary>Requests in flight at once.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 4;

    /// <summary>Time for one request (attempt).</summary>
    [Range(0.1, 3600.0)]
    public double TimeoutSeconds { get; set; } = 120;

    /// <summary>Retries of 408, 429 and 5xx answers and of network failures, with exponential backoff; <c>Retry-After</c> is honoured.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 3;

    [Range(16, 32_768)]
    public int MaxTokens { get; set; } = 512;

    /// <summary>Folder of the answer cache; relative to the run directory (default <c>cache</c>).</summary>
    public string CacheDir { get; set; } = "cache";
}

/// <summary>Whether a caption layer keeps captions of images that have no native pair in the caption's language.</summary>
public enum UnpairedCaptions
{
    Keep,
    Drop,
}

/// <summary>How a caption names its image.</summary>
public enum CaptionMatch
{
    /// <summary>The <c>sha256</c> of the stored image bytes (the dataset's <c>sha256</c> column).</summary>
    Sha256,

    /// <summary>The <c>key</c> of a dataset row: the caption goes with that row's image.</summary>
    Key,

    /// <summary>The image's <c>url</c>.</summary>
    Url,
}

/// <summary>Where the pipeline reads from.</summary>
public sealed class InputOptions : IValidatableObject
{
    /// <summary>
    /// Input format: <c>pairs</c> is JSONL of image-text pairs; <c>crawl</c> crawls the seed URLs
    /// listed in <see cref="Paths"/> for native alt text; <c>warc</c> reads WARC/ARC/WAT files.
    /// </summary>
    public InputKind Kind { get; set; } = InputKind.Pairs;

    /// <summary>
    /// Files or folders, relative to the pipeline file. <c>pairs</c>: every <c>*.jsonl</c> inside;
    /// <c>crawl</c>: seed lists (<c>.txt</c> one URL a line, <c>.jsonl</c> with <c>url</c>, <c>.csv</c> or <c>.parquet</c> with a <c>url</c> column);
    /// <c>warc</c>: <c>.warc</c>, <c>.arc</c>, <c>.wat</c> files, gzipped or not.
    /// </summary>
    [Required]
    [MinLength(1)]
    public List<string> Paths { get; set; } = [];

    /// <summary>How the crawler behaves (kind <c>crawl</c>; its limits also apply to image downloads).</summary>
    public CrawlOptions Crawl { get; set; } = new();

    /// <summary>Native alt-text rules (kinds <c>crawl</c> and <c>warc</c>).</summary>
    public AltTextOptions AltText { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Kind != InputKind.Crawl && (Crawl.ServeFolder.Length > 0 || Crawl.ServeAs.Length > 0))
        {
            yield return new ValidationResult("serving a local site needs input kind 'crawl'", ["crawl.serve_folder"]);
        }
    }
}

public enum InputKind
{
    Pairs,
    Crawl,
    Warc,
}

/// <summary>The polite crawler's settings.</summary>
public sealed class CrawlOptions : IValidatableObject
{
    /// <summary>User-Agent header; its first word is the product token robots.txt rules name. Empty: the built-in MellaPipeline agent.</summary>
    public string UserAgent { get; set; } = string.Empty;

    /// <summary>0: the seeds only; 1: also the same-site pages they link to; and so on.</summary>
    [Range(0, 50)]
    public int MaxDepth { get; set; } = 1;

    /// <summary>Pages fetched per seed site, the seed included.</summary>
    [Range(1, 10_000_000)]
    public int MaxPagesPerSite { get; set; } = 1000;

    /// <summary>Pages fetched at once within one task.</summary>
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Requests per second to one host (token bucket); robots.txt Crawl-delay can lower it.</summary>
    [Range(0.001, 10_000.0)]
    public double RequestsPerSecondPerHost { get; set; } = 1;

    /// <summary>Requests in flight to one host.</summary>
    [Range(1, 64)]
    public int ConcurrencyPerHost { get; set; } = 2;

    [Range(0.05, 3600.0)]
    public double AttemptTimeoutSeconds { get; set; } = 20;

    /// <summary>All attempts for one URL together.</summary>
    [Range(0.05, 86_400.0)]
    public double TotalTimeoutSeconds { get; set; } = 90;

    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; doubles with each retry, with jitter.</summary>
    [Range(0.0, 600.0)]
    public double RetryBaseDelaySeconds { get; set; } = 1;

    /// <summary>A longer Retry-After is not waited for: the URL is reported with its status instead.</summary>
    [Range(0.0, 86_400.0)]
    public double MaxRetryAfterSeconds { get; set; } = 60;

    [Range(0, 30)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Largest page accepted, after decompression.</summary>
    [ByteSize]
    [Range(1L << 10, 1L << 30)]
    public long MaxPageBytes { get; set; } = 5L << 20;

    /// <summary>Slowest average body throughput of a page or image, from the request's start, enforced after the body's first second; 0 turns it off.</summary>
    [ByteSize]
    [Range(0L, 1L << 30)]
    public long MinBytesPerSecond { get; set; } = 20L << 10;

    public bool RespectRobotsTxt { get; set; } = true;

    /// <summary>Non-public IP addresses the crawler may connect to anyway (e.g. <c>127.0.0.1</c> for a local site). Empty by default: loopback, private, link-local and multicast networks are refused.</summary>
    public List<string> AllowAddresses { get; set; } = [];

    /// <summary>A folder to serve on 127.0.0.1 for the run (relative to the pipeline file): a sample site to crawl.</summary>
    public string ServeFolder { get; set; } = string.Empty;

    /// <summary>The host name the served folder answers to on port 80 (seed URLs use it, so they stay the same whatever port is used).</summary>
    public string ServeAs { get; set; } = string.Empty;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (int i = 0; i < AllowAddresses.Count; i++)
        {
            if (!System.Net.IPAddress.TryParse(AllowAddresses[i], out _))
            {
                yield return new ValidationResult($"'{AllowAddresses[i]}' is not an IP address", [$"allow_addresses[{i}]"]);
            }
        }

        if ((ServeFolder.Length > 0) != (ServeAs.Length > 0))
        {
            yield return new ValidationResult("serve_folder and serve_as go together", [ServeFolder.Length > 0 ? "serve_as" : "serve_folder"]);
        }
        else if (ServeAs.Length > 0 && Uri.CheckHostName(ServeAs) != UriHostNameType.Dns)
        {
            yield return new ValidationResult($"'{ServeAs}' is not a host name", ["serve_as"]);
        }
    }
}

/// <summary>Rules for native alt text.</summary>
public sealed class AltTextOptions : IValidatableObject
{
    /// <summary>Shortest alt text kept, in grapheme clusters.</summary>
    [Range(1, 10_000)]
    public int MinChars { get; set; } = 5;

    /// <summary>Longest alt text kept, in grapheme clusters.</summary>
    [Range(1, 100_000)]
    public int MaxChars { get; set; } = 500;

    /// <summary>An alt text found on more than this many pages of one host is the site's boilerplate: later copies are dropped.</summary>
    [Range(1, 1_000_000)]
    public int DomainRepeatPages { get; set; } = 2;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinChars > MaxChars)
        {
            yield return new ValidationResult($"must not exceed max_chars ({MaxChars})", ["min_chars"]);
        }
    }
}

public sealed class StagesOptions
{
    public NormalizeTextOptions NormalizeText { get; set; } = new();

    public LoadImagesOptions LoadImages { get; set; } = new();

    public DedupExactOptions DedupExact { get; set; } = new();

    public DedupNearOptions DedupNear { get; set; } = new();
}

/// <summary>Caption clean-up and script checks.</summary>
public sealed class NormalizeTextOptions : IValidatableObject
{
    /// <summary>Shortest caption kept, in user-perceived characters (grapheme clusters).</summary>
    [Range(1, 100_000)]
    public int MinChars { get; set; } = 3;

    /// <summary>Longest caption kept, in user-perceived characters.</summary>
    [Range(1, 100_000)]
    public int MaxChars { get; set; } = 2000;

    /// <summary>Drop a pair whose caption's script cannot be its language's (e.g. Latin text labelled Russian).</summary>
    public bool RequireScriptMatch { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinChars > MaxChars)
        {
            yield return new ValidationResult($"must not exceed max_chars ({MaxChars})", ["min_chars"]);
        }
    }
}

/// <summary>Reading and checking image files.</summary>
public sealed class LoadImagesOptions : IValidatableObject
{
    /// <summary>Images read at once within one task.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Largest image file accepted (e.g. <c>20MB</c>).</summary>
    [ByteSize]
    [Range(1L, 1L << 30)]
    public long MaxBytes { get; set; } = 20L << 20;

    /// <summary>Smallest width and height accepted, in pixels.</summary>
    [Range(1, 65_535)]
    public int MinDimension { get; set; } = 16;

    /// <summary>Largest width or height accepted, in pixels; larger images are rejected before any decode.</summary>
    [Range(1, 65_535)]
    public int MaxDimension { get; set; } = 16_384;

    /// <summary>Longest side over shortest side above which an image is a banner or a strip, not a picture.</summary>
    [Range(1.0, 1000.0)]
    public double MaxAspectRatio { get; set; } = 4.0;

    /// <summary><c>bytes</c> puts the image in the shard; <c>reference</c> stores only its path.</summary>
    public ImageStorage Store { get; set; } = ImageStorage.Bytes;

    /// <summary>How the stored image is resized: not at all (the original bytes are kept unless <see cref="EncodeFormat"/> asks otherwise), to <see cref="ImageSize"/> on the short side, or cropped to a centred <see cref="ImageSize"/> square.</summary>
    public ResizeMode ResizeMode { get; set; } = ResizeMode.No;

    /// <summary>Target size in pixels for <see cref="ResizeMode"/>; images already smaller are not enlarged.</summary>
    [Range(16, 16_384)]
    public int ImageSize { get; set; } = 512;

    /// <summary>Format of a re-encoded image; <c>original</c> keeps the input's bytes when nothing else changes them.</summary>
    public StoredImageFormat EncodeFormat { get; set; } = StoredImageFormat.Original;

    /// <summary>JPEG and WebP quality of a re-encoded image.</summary>
    [Range(1, 100)]
    public int EncodeQuality { get; set; } = 95;

    /// <summary>The library that decodes images (see docs/IMAGE_DECODERS.md for why SkiaSharp is the default).</summary>
    public ImageDecoderKind Decoder { get; set; } = ImageDecoderKind.Skiasharp;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinDimension > MaxDimension)
        {
            yield return new ValidationResult($"must not exceed max_dimension ({MaxDimension})", ["min_dimension"]);
        }

        if (Store == ImageStorage.Reference && ResizeMode != ResizeMode.No)
        {
            yield return new ValidationResult("needs store: bytes (store: reference keeps images where they are, unchanged)", ["resize_mode"]);
        }

        if (Store == ImageStorage.Reference && EncodeFormat != StoredImageFormat.Original)
        {
            yield return new ValidationResult("needs store: bytes (store: reference keeps images where they are, unchanged)", ["encode_format"]);
        }
    }
}

public enum ImageStorage
{
    Bytes,
    Reference,
}

/// <summary>How a stored image is resized (img2dataset's names).</summary>
public enum ResizeMode
{
    No,
    KeepRatio,
    CenterCrop,
}

public enum StoredImageFormat
{
    Original,
    Jpeg,
    Png,
    Webp,
}

public enum ImageDecoderKind
{
    Skiasharp,
    Imagesharp,
}

/// <summary>Dropping repeated pairs (same key) within a task.</summary>
public sealed class DedupExactOptions
{
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Near-duplicate image clustering over every task's rows once all tasks are done: rows whose
/// images' perceptual hashes are within <see cref="Threshold"/> bits share a <c>dup_cluster</c>.
/// </summary>
public sealed class DedupNearOptions
{
    /// <summary>The smallest threshold with the best F1 on the shared near-duplicate ground truth (docs/BENCHMARKS.md).</summary>
    public const int DefaultThreshold = 6;

    public bool Enabled { get; set; } = true;

    /// <summary>Largest Hamming distance (of 64 bits) between two images of one cluster.</summary>
    [Range(0, 32)]
    public int Threshold { get; set; } = DefaultThreshold;

    /// <summary>Which rows of a cluster stay in the dataset.</summary>
    public NearDuplicateKeep Keep { get; set; } = NearDuplicateKeep.PerLanguage;
}

/// <summary>Which rows of a near-duplicate cluster the dataset keeps.</summary>
public enum NearDuplicateKeep
{
    /// <summary>
    /// One row per cluster, language and source (the largest image, then the longest caption, then
    /// the smallest key); the others become <c>image_near_duplicate</c> rejects. Every language's
    /// caption of a duplicated image stays, under the same <c>dup_cluster</c>.
    /// </summary>
    PerLanguage,

    /// <summary>Every row stays; clusters are only marked.</summary>
    All,
}

/// <summary>Parquet shard layout.</summary>
public sealed class OutputOptions : IValidatableObject
{
    /// <summary>A shard is closed after this many rows.</summary>
    [Range(1, 100_000_000)]
    public int ShardMaxRows { get; set; } = 10_000;

    /// <summary>A shard is closed once its encoded size reaches this (e.g. <c>512MB</c>).</summary>
    [ByteSize]
    [Range(1L << 10, 1L << 40)]
    public long ShardMaxBytes { get; set; } = 512L << 20;

    /// <summary>Rows are buffered in memory up to this size before a row group is written; bounds memory per task.</summary>
    [ByteSize]
    [Range(1L << 10, 4L << 30)]
    public long RowGroupMaxBytes { get; set; } = 64L << 20;

    /// <summary>Most rows in one row group.</summary>
    [Range(1, 10_000_000)]
    public int RowGroupMaxRows { get; set; } = 10_000;

    public ShardCompression Compression { get; set; } = ShardCompression.Zstd;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RowGroupMaxBytes > ShardMaxBytes)
        {
            yield return new ValidationResult($"must not exceed shard_max_bytes ({ShardMaxBytes})", ["row_group_max_bytes"]);
        }
    }
}

/// <summary>Shard compression codecs that DuckDB, Arrow and Hugging Face all read.</summary>
public enum ShardCompression
{
    Zstd,
    Snappy,
}

/// <summary>Marks a <see cref="long"/> option that accepts sizes such as <c>512MB</c>, <c>64 MiB</c> or <c>1000</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ByteSizeAttribute : Attribute;
