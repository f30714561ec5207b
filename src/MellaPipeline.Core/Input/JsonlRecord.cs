using System.Text.Json;

namespace MellaPipeline.Input;

/// <summary>
/// One JSON object from one line of a user's JSONL file (pairs, caption files, eval references and
/// predictions), with its string fields read the same way everywhere. A line that is not an
/// object, and a field that is not a string, is a problem in our words (<see cref="JsonText"/>),
/// never an exception and never an echo of the input's bytes.
/// </summary>
public sealed class JsonlRecord : IDisposable
{
    private readonly JsonDocument _document;

    private JsonlRecord(JsonDocument document)
    {
        _document = document;
    }

    /// <summary>The problem of a line that is JSON but not an object (an array, a number, a string).</summary>
    public const string NotAnObject = "not a JSON object";

    public JsonElement Root => _document.RootElement;

    /// <summary>The object on a line read by <see cref="LineRangeReader"/>, or null and why not (too long, not UTF-8, not JSON, not an object).</summary>
    public static JsonlRecord? Parse(InputLine line, out string? problem)
    {
        if (line.TooLong)
        {
            problem = $"line longer than {LineRangeReader.MaxLineBytes} bytes";
            return null;
        }

        if (!System.Text.Unicode.Utf8.IsValid(line.Bytes.Span))
        {
            problem = "line is not valid UTF-8";
            return null;
        }

        return Parse(() => JsonDocument.Parse(line.Bytes), out problem);
    }

    /// <summary>The object on a line already decoded (<see cref="UserFile.ReadLines"/>), or null and why not.</summary>
    public static JsonlRecord? Parse(string line, out string? problem) => Parse(() => JsonDocument.Parse(line), out problem);

    private static JsonlRecord? Parse(Func<JsonDocument> parse, out string? problem)
    {
        JsonDocument document;
        try
        {
            document = parse();
        }
        catch (JsonException ex)
        {
            problem = JsonText.NotJson(ex);
            return null;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            problem = NotAnObject;
            return null;
        }

        problem = null;
        return new JsonlRecord(document);
    }

    /// <summary>
    /// The string field <paramref name="name"/>: null when absent or JSON null; null and a
    /// <paramref name="problem"/> (the first one wins) when it is another type or holds a lone surrogate.
    /// </summary>
    /// <param name="label">How messages name the field; <c>'name'</c> unless given.</param>
    public string? String(string name, ref string? problem, string? label = null) =>
        Root.TryGetProperty(name, out var value) ? StringOf(value, label ?? $"'{name}'", ref problem) : null;

    /// <summary>A JSON value as text, as <see cref="String"/> reads a field (for array items).</summary>
    public static string? StringOf(JsonElement value, string label, ref string? problem)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problem ??= $"{label} must be a string";
            return null;
        }

        // A lone surrogate escape (\ud800) is valid JSON but not text.
        if (!JsonText.TryGetString(value, out string? text))
        {
            problem ??= $"{label} is not valid Unicode text (a lone surrogate)";
        }

        return text;
    }

    public void Dispose() => _document.Dispose();
}
