using System.Text.Json.Serialization;

namespace MellaPipeline.Config;

/// <summary>Caption clean-up and script checks of the <c>pairs</c> input: 3 to 2000 characters by default.</summary>
public sealed class NormalizeTextOptions() : TextLengthOptions(3, 2000)
{
    /// <summary>Drop a pair whose caption's script cannot be its language's (e.g. Latin text labelled Russian).</summary>
    // After the limits in config.json, where the key always stood (a derived class's keys would come first).
    [JsonPropertyOrder(1)]
    public bool RequireScriptMatch { get; set; } = true;
}
