using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

/// <summary>
/// A targets file for <c>mella coverage --targets</c>: what a dataset must hold, per language and
/// source (<c>pipelines/mella-targets.yaml</c> is the MELLA-sized one).
/// </summary>
public sealed class CoverageTargets
{
    [MinLength(1)]
    public List<CoverageTarget> Targets { get; set; } = [];

    /// <summary>Reads a targets file under the settings-file rules (regular file, size, depth and string caps).</summary>
    /// <exception cref="ConfigException">The file cannot be used; the message is one line naming it.</exception>
    public static CoverageTargets Load(string path) => SettingsFile.Load<CoverageTargets>(path, "targets (targets: [...])");
}

/// <summary>One target, applied to every language and source it selects (<c>*</c> = all).</summary>
public sealed class CoverageTarget : IValidatableObject
{
    [Required]
    public string Name { get; set; } = string.Empty;

    /// <summary>A language code, or <c>*</c> for each of the eight.</summary>
    public string Lang { get; set; } = "*";

    /// <summary><c>native</c>, <c>mllm</c>, or <c>*</c> for each.</summary>
    public string Source { get; set; } = "*";

    [Range(0L, long.MaxValue)]
    public long MinPairs { get; set; }

    [Range(0L, long.MaxValue)]
    public long MinImages { get; set; }

    /// <summary>Largest share of pairs the ten most frequent web domains may hold (1 = no limit).</summary>
    [Range(0.0, 1.0)]
    public double MaxTop10DomainShare { get; set; } = 1.0;

    /// <summary>Smallest median confidence language ID may give the stored language of a sample of the captions (0 = not checked; needs the sample).</summary>
    [Range(0.0, 1.0)]
    public double MinMedianConfidence { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Lang != "*" && !Languages.TargetLanguages.IsTarget(Lang))
        {
            yield return new ValidationResult($"'{Lang}' is not a target language (or '*')", ["lang"]);
        }

        if (Source != "*" && !Records.PairSources.All.Contains(Source))
        {
            yield return new ValidationResult($"must be one of {string.Join(", ", Records.PairSources.All.Select(s => $"'{s}'"))} or '*' (got '{Source}')", ["source"]);
        }
    }
}
