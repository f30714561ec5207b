using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

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
