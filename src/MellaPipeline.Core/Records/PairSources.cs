namespace MellaPipeline.Records;

/// <summary>The two caption sources of the dual-source strategy (SPEC §1).</summary>
public static class PairSources
{
    /// <summary>Alt text that a native web page gave the image.</summary>
    public const string Native = "native";

    /// <summary>A caption written by a multimodal LLM and translated into the target language.</summary>
    public const string Mllm = "mllm";

    public static bool IsKnown(string? source) => source is Native or Mllm;
}
