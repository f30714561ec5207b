using System.Text.Json.Serialization;

namespace MellaPipeline.Records;

/// <summary>
/// The entity retention check of one language × source of a caption layer
/// (<c>reduce/captions-NAME.json</c> <c>retention</c>): its captions checked against the alt text of
/// a native row of the same image and language, how many kept every name of that alt text, and the
/// names in all and kept. For <c>mllm</c> rows this says how often translation loses the culture the
/// alt text names; for <c>fused</c> answers, how often the fusion did before its rejects.
/// </summary>
/// <param name="Checked">Captions that had a native alt text of their image and language to be checked against.</param>
/// <param name="AllKept">Of those, captions that kept every name of the alt text (an alt text without names counts as kept).</param>
/// <param name="Names">Names (content words) of the alt texts, summed over the captions checked.</param>
/// <param name="Kept">Of those names, the ones the captions held.</param>
public sealed record CaptionRetention(
    [property: JsonPropertyName("lang")] string Lang,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("checked")] long Checked,
    [property: JsonPropertyName("all_kept")] long AllKept,
    [property: JsonPropertyName("names")] long Names,
    [property: JsonPropertyName("kept")] long Kept)
{
    /// <summary>The share of captions that kept every name, 0–1; null when none was checked.</summary>
    [JsonIgnore]
    public double? AllKeptShare => Checked == 0 ? null : (double)AllKept / Checked;

    /// <summary>The share of names kept, 0–1; null without names.</summary>
    [JsonIgnore]
    public double? NamesKeptShare => Names == 0 ? null : (double)Kept / Names;
}
