namespace MellaPipeline.Records;

/// <summary>
/// The caption sources: the two of the dual-source strategy (SPEC §1), and the captions a caption
/// layer's fusion step writes from both.
/// </summary>
public static class PairSources
{
    /// <summary>Alt text that a native web page gave the image.</summary>
    public const string Native = "native";

    /// <summary>A caption written by a multimodal LLM and translated into the target language.</summary>
    public const string Mllm = "mllm";

    /// <summary>
    /// A caption an LLM wrote in the alt text's language from the native alt text and the model's
    /// description of the same image: the alt text's names, the description's visual detail. Only a
    /// caption layer's <c>fuse</c> step makes these rows (their <c>grounded_from</c> names the native row).
    /// </summary>
    public const string Fused = "fused";

    /// <summary>Every source a dataset row can have, in the order reports list them.</summary>
    public static readonly IReadOnlyList<string> All = [Native, Mllm, Fused];

    /// <summary>Where <paramref name="source"/> stands in <see cref="All"/>, the order every table lists sources in; any other after them.</summary>
    public static int OrderOf(string source)
    {
        for (int i = 0; i < All.Count; i++)
        {
            if (All[i] == source)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    /// <summary>Whether an input file may declare <paramref name="source"/>: native or mllm (fused rows are made by a caption layer, never read).</summary>
    public static bool IsKnown(string? source) => source is Native or Mllm;
}
