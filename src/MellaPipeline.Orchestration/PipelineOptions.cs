using System.ComponentModel.DataAnnotations;
using MellaPipeline.Languages;

namespace MellaPipeline.Config;

/// <summary>
/// A pipeline file (<c>pipelines/*.yaml</c>), read by <see cref="Orchestration.PipelineFile"/>. Keys are
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

        // A safety check that would see no image is refused rather than passing every row unchecked.
        var load = Stages.LoadImages;
        if (!load.Enabled && Stages.Safety.IsOn())
        {
            yield return new ValidationResult("needs stages.load_images.enabled: the blocklist and the classifier check images that are read", ["stages.safety"]);
        }
        else if (load.Store == ImageStorage.Reference && Stages.Safety.Model.Length > 0)
        {
            yield return new ValidationResult("needs stages.load_images.store: bytes: the classifier scores the stored image", ["stages.safety.model"]);
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

public sealed class StagesOptions
{
    public NormalizeTextOptions NormalizeText { get; set; } = new();

    public LoadImagesOptions LoadImages { get; set; } = new();

    public DedupExactOptions DedupExact { get; set; } = new();

    public DedupNearOptions DedupNear { get; set; } = new();

    public SafetyOptions Safety { get; set; } = new();

    public AlignOptions Align { get; set; } = new();

    public DecontaminateOptions Decontaminate { get; set; } = new();

    public DedupCaptionsOptions DedupCaptions { get; set; } = new();
}
