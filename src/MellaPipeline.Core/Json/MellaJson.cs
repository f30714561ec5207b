using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MellaPipeline.Json;

/// <summary>The JSON conventions of every file the toolkit writes: snake_case names, readable non-ASCII text.</summary>
public static class MellaJson
{
    /// <summary>For files people read (stats, manifests, summaries): indented.</summary>
    public static readonly JsonSerializerOptions Indented = Create(indented: true);

    /// <summary>For JSONL records: one object per line.</summary>
    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            // Captions are mostly non-Latin: escaping them as \uXXXX would make rejects unreadable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
