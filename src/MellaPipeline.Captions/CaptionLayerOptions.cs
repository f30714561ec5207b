using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

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

    /// <summary>
    /// Grounded captions: each native row's alt text and its image's model description (from
    /// <see cref="Generate"/>, or the caption files' <c>description</c> field) are fused by a model
    /// into one caption in the alt text's language, a <c>fused</c> row.
    /// </summary>
    public CaptionFusionOptions? Fuse { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Fuse is not null && Paths.Count == 0 && Generate is null)
        {
            yield return new ValidationResult("fuse grounds on the descriptions of 'generate' or of the caption files' 'description' field ('paths'): give one of them", ["fuse"]);
            yield break;
        }

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
/// A model behind an OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp server,
/// OpenAI) and how it is asked: what caption generation and the alignment judge share. Every
/// answer is kept in a cache keyed by what was asked, so a resumed or repeated run never asks twice.
/// </summary>
public abstract class ChatEndpointOptions
{
    /// <summary>Base URL of the API, up to and including <c>/v1</c>.</summary>
    [Required]
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>Environment variable that holds the API key (local servers accept any).</summary>
    public string ApiKeyEnv { get; set; } = "OPENAI_API_KEY";

    /// <summary>The multimodal model that is shown the images.</summary>
    [Required]
    public string Model { get; set; } = string.Empty;

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

/// <summary>
/// Captions generated on demand: a multimodal model describes each image with a versioned prompt,
/// and a model behind the same kind of endpoint translates the description into each language the
/// image has native captions in.
/// </summary>
public sealed class CaptionGenerationOptions : ChatEndpointOptions
{
    /// <summary>Version id of <see cref="Prompt"/>, recorded in every row.</summary>
    public string PromptId { get; set; } = "describe-v1";

    [MaxLength(65536)]
    public string Prompt { get; set; } = "Describe this image in detail in English: the main subject, the setting, colours, any text or culturally specific objects. Answer with one paragraph.";

    /// <summary>Language the model writes in.</summary>
    public string SourceLang { get; set; } = "en";

    /// <summary>The model that translates descriptions (on <see cref="TranslateEndpoint"/>, or <see cref="ChatEndpointOptions.Endpoint"/>).</summary>
    [Required]
    public string TranslateModel { get; set; } = string.Empty;

    public string TranslateEndpoint { get; set; } = string.Empty;

    /// <summary>Translation prompt; <c>{language}</c> is the target language's English name, <c>{text}</c> the description.</summary>
    [MaxLength(65536)]
    public string TranslatePrompt { get; set; } = "Translate the following image description into {language}. Answer with the translation only.\n\n{text}";
}

/// <summary>
/// The fusion step of a caption layer: a model behind an OpenAI-compatible endpoint is given a
/// native row's alt text and the model description of its image, and writes one caption in the
/// alt text's language that keeps the alt text's names and adds the description's visual detail.
/// </summary>
public sealed class CaptionFusionOptions : ChatEndpointOptions
{
    /// <summary>The built-in prompt: the two inputs, then what the caption must keep and must not do.</summary>
    public const string DefaultPrompt =
        "You write one image caption in {language}. You are given two texts about the same image.\n" +
        "1. The alt text the web page gave the image, written by a person in {language}. It names what is in the picture: " +
        "people, places, buildings, dishes, objects, events. These names are facts.\n" +
        "2. A description of the image by a vision model, in {description_language}. It sees the visual detail " +
        "(colours, setting, layout, what is in the foreground and background) but does not know the names.\n\n" +
        "Write one caption in {language}, in the same script as the alt text, that keeps every name, place, dish, object and event " +
        "of the alt text spelled exactly as there, and adds the visual detail of the description that does not contradict the alt text. " +
        "Do not copy the alt text as it is, do not translate the names, do not invent anything neither text says. " +
        "Answer with the caption only: one or two sentences, no quotes, no explanation.\n\n" +
        "Alt text ({language}): {alt}\n\nDescription ({description_language}): {description}";

    /// <summary>Version id of <see cref="Prompt"/>, recorded in the <c>caption_prompt_id</c> of fused rows.</summary>
    public string PromptId { get; set; } = "fuse-v1";

    /// <summary>The fusion prompt: <c>{language}</c>, <c>{alt}</c>, <c>{description_language}</c> and <c>{description}</c> are filled in.</summary>
    [MaxLength(65536)]
    public string Prompt { get; set; } = DefaultPrompt;

    /// <summary>Share of the alt text's names (Keyword Accuracy's content words) the fused caption must keep, else <c>fused_entities_lost</c>.</summary>
    [Range(0.0, 1.0)]
    public double MinEntityShare { get; set; } = 1.0;

    /// <summary>A fused caption this similar to its alt text (normalised edit similarity) or more is a copy, <c>fused_copy</c>.</summary>
    [Range(0.0, 1.0)]
    public double MaxCopySimilarity { get; set; } = 0.9;

    /// <summary>Recorded answer caches (the format of the run's own), relative to the pipeline file: read before asking, never written.</summary>
    public List<string> Answers { get; set; } = [];
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
