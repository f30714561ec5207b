using System.ComponentModel.DataAnnotations;

namespace MellaPipeline.Config;

/// <summary>
/// <c>stages.decontaminate</c>: in the reduce, rows whose image is within <see cref="Threshold"/>
/// bits of an evaluation benchmark's image (<c>benchmark_near_duplicate</c>) or whose caption
/// shares a word <see cref="Ngram"/>-gram with a benchmark caption (<c>benchmark_text_overlap</c>)
/// are dropped, so a model trained on the dataset is not evaluated on what it saw. Off unless
/// <see cref="Against"/> or <see cref="AgainstText"/> names something.
/// </summary>
public sealed class DecontaminateOptions
{
    /// <summary>Folders of benchmark images and/or hash files in <c>mella phash</c>'s format (<c>HEX16&lt;TAB&gt;ID</c>), relative to the pipeline file.</summary>
    public List<string> Against { get; set; } = [];

    /// <summary>Largest Hamming distance (of 64 pHash bits) to a benchmark image that counts as the same image.</summary>
    [Range(0, 16)]
    public int Threshold { get; set; } = 10;

    /// <summary>Files of benchmark captions (one per line, or JSONL with <c>text</c>), relative to the pipeline file.</summary>
    public List<string> AgainstText { get; set; } = [];

    /// <summary>Words in the n-grams a caption may not share with a benchmark caption.</summary>
    [Range(1, 64)]
    public int Ngram { get; set; } = 13;

    public bool IsOn() => Against.Count > 0 || AgainstText.Count > 0;
}

/// <summary>
/// <c>stages.dedup_captions</c>: in the reduce, captions of one language and source repeated with
/// small edits (templated shop alts, stock-photo boilerplate) are clustered by MinHash LSH over word
/// <see cref="Shingle"/>-grams, verified by their exact Jaccard similarity; one row per cluster stays,
/// the others are <c>caption_near_duplicate</c>.
/// </summary>
public sealed class DedupCaptionsOptions
{
    public bool Enabled { get; set; }

    /// <summary>Smallest Jaccard similarity of two captions' shingle sets that makes them near duplicates.</summary>
    [Range(0.0, 1.0)]
    public double Threshold { get; set; } = 0.8;

    /// <summary>Words per shingle (Thai: ICU words); a shorter caption is one shingle of all its words.</summary>
    [Range(1, 16)]
    public int Shingle { get; set; } = 5;

    public bool IsOn() => Enabled;
}
