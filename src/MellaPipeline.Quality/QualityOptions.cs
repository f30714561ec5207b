using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

/// <summary>
/// <c>stages.align</c>: an image–text alignment score for every row (<c>align_score</c>,
/// <c>align_model</c>), from an ONNX model pack (<see cref="Model"/>, e.g. a multilingual CLIP) or
/// an MLLM judge (<see cref="Judge"/>); off unless one of them is given. Scores are kept whether or
/// not <see cref="MinScore"/> drops anything, so a threshold can be chosen later from the coverage report.
/// </summary>
public sealed class AlignOptions : IValidatableObject
{
    /// <summary>Folder of an alignment model pack (<c>pack.json</c>, image and text encoders, tokenizer), relative to the pipeline file.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>Instead of <see cref="Model"/>: an MLLM behind an OpenAI-compatible endpoint judges whether the caption describes the image.</summary>
    public JudgeOptions? Judge { get; set; }

    /// <summary>Rows scored per model call (one image tensor, one text tensor) or per round of judge requests.</summary>
    [Range(1, 1024)]
    public int BatchSize { get; set; } = 32;

    /// <summary>ONNX Runtime intra-op threads per task; 0 lets ONNX Runtime choose.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>Per-language lowest score kept (<c>{default: 0.2, th: 0.17}</c>); rows below are <c>alignment_low</c>. None: every row is kept with its score.</summary>
    public LanguageThresholds? MinScore { get; set; }

    public bool IsOn() => Model.Length > 0 || Judge is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Model.Length > 0 && Judge is not null)
        {
            yield return new ValidationResult("give either 'model' (a model pack) or 'judge' (an endpoint), not both", ["model"]);
        }

        if (MinScore is not null && !IsOn())
        {
            yield return new ValidationResult("needs 'model' or 'judge' to score with", ["min_score"]);
        }
    }
}

/// <summary>The MLLM judge of <c>stages.align.judge</c>: asked, with the image, whether the caption describes it, and answering a score from 0 to 1.</summary>
public sealed class JudgeOptions : ChatEndpointOptions
{
    public const string DefaultPrompt =
        "Does the following caption, written in {language}, describe this image? Judge the content, not the language or the style. " +
        "Answer only with a JSON object {\"score\": S}, where S is a number from 0 (unrelated) to 1 (an accurate description).\n\nCaption: {caption}";

    public JudgeOptions() => MaxTokens = 64;

    /// <summary>Version id of <see cref="Prompt"/>: part of <c>align_model</c> and of every cache key.</summary>
    public string PromptId { get; set; } = "align-judge-v1";

    /// <summary>The judge's prompt; <c>{caption}</c> is the row's text, <c>{language}</c> its language's English name.</summary>
    [MaxLength(65536)]
    public string Prompt { get; set; } = DefaultPrompt;
}

/// <summary>
/// <c>stages.safety</c>: an image safety classifier pack (<c>nsfw_score</c>, rows above
/// <see cref="MaxScore"/> are <c>image_unsafe</c>) and hash blocklists (<c>image_blocklisted</c>:
/// never stored, nothing but the key and reason written anywhere); off unless one is given.
/// </summary>
public sealed class SafetyOptions
{
    /// <summary>Folder of an image classifier pack (<c>pack.json</c> of kind <c>image_classifier</c>), relative to the pipeline file.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>Highest <c>nsfw_score</c> kept.</summary>
    [Range(0.0, 1.0)]
    public double MaxScore { get; set; } = 0.5;

    [Range(1, 1024)]
    public int BatchSize { get; set; } = 32;

    /// <summary>ONNX Runtime intra-op threads per task; 0 lets ONNX Runtime choose.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>Files of SHA-256 (64 hex digits, of the image as downloaded) and/or pHash (16 hex digits) values, one per line.</summary>
    public List<string> Blocklist { get; set; } = [];

    /// <summary>Largest Hamming distance at which an image's pHash matches a blocklisted one.</summary>
    [Range(0, 16)]
    public int BlocklistThreshold { get; set; } = 4;

    public bool IsOn() => Model.Length > 0 || Blocklist.Count > 0;
}

/// <summary>A threshold per target language, with a default for the languages not named (<c>{default: 0.2, th: 0.17}</c>).</summary>
public sealed class LanguageThresholds
{
    [Range(-1.0, 1.0)] public double? Default { get; set; }
    [Range(-1.0, 1.0)] public double? Ar { get; set; }
    [Range(-1.0, 1.0)] public double? Cs { get; set; }
    [Range(-1.0, 1.0)] public double? Hu { get; set; }
    [Range(-1.0, 1.0)] public double? Ko { get; set; }
    [Range(-1.0, 1.0)] public double? Ru { get; set; }
    [Range(-1.0, 1.0)] public double? Sr { get; set; }
    [Range(-1.0, 1.0)] public double? Th { get; set; }
    [Range(-1.0, 1.0)] public double? Vi { get; set; }

    /// <summary>The threshold of <paramref name="lang"/>: its own, else the default, else none.</summary>
    public double? For(string lang) => lang switch
    {
        "ar" => Ar,
        "cs" => Cs,
        "hu" => Hu,
        "ko" => Ko,
        "ru" => Ru,
        "sr" => Sr,
        "th" => Th,
        "vi" => Vi,
        _ => null,
    } ?? Default;
}
