using System.Text.Json;

namespace MellaPipeline.Input;

/// <summary>
/// What every reader of user JSON lines says about them. JsonException messages quote the
/// offending character and GetString's errors name UTF-16 internals, so neither reaches a user:
/// details say where, never what (no input byte is echoed).
/// </summary>
public static class JsonText
{
    /// <summary><c>not valid JSON at byte N</c> (N counted from the start of the line).</summary>
    public static string NotJson(JsonException ex) =>
        ex.BytePositionInLine is { } at ? $"not valid JSON at byte {at}" : "not valid JSON";

    /// <summary>A JSON string as .NET text, or false when it holds a lone surrogate escape (<c>\ud800</c>), which no string can encode.</summary>
    public static bool TryGetString(JsonElement value, out string? text)
    {
        try
        {
            text = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }
}
