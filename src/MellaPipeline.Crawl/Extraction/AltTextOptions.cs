using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace MellaPipeline.Config;

/// <summary>Rules for native alt text: 5 to 500 characters by default.</summary>
public sealed class AltTextOptions() : TextLengthOptions(5, 500)
{
    /// <summary>An alt text found on more than this many pages of one host is the site's boilerplate: later copies are dropped.</summary>
    [Range(1, 1_000_000)]
    [JsonPropertyOrder(1)] // after the limits in config.json, where the key always stood
    public int DomainRepeatPages { get; set; } = 2;
}
