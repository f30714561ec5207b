using System.Globalization;
using System.Text.Json;

namespace MellaPipeline.Quality.Packs;

/// <summary>A key of pack.json that cannot be used: its dotted path (<c>image.mean</c>) and what is wrong.</summary>
internal sealed class PackKeyException(string key, string problem) : Exception(problem)
{
    public string Key { get; } = key;
}

/// <summary>
/// One JSON object of pack.json read strictly: every key is read at most once through a typed
/// getter, and <see cref="RejectUnknownKeys"/> refuses any key nobody asked for (a misspelt
/// <c>attention_mask</c> must not silently become "no mask"). Duplicate keys are refused too.
/// </summary>
internal sealed class PackJsonObject
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly string _path;

    public PackJsonObject(JsonElement element, string path)
    {
        _path = path;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PackKeyException(path.Length == 0 ? "(top level)" : path, "must be an object");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!_values.TryAdd(property.Name, property.Value))
            {
                throw new PackKeyException(KeyOf(property.Name), "appears twice");
            }
        }
    }

    public string KeyOf(string name) => _path.Length == 0 ? name : _path + "." + name;

    public bool Has(string name) => _values.ContainsKey(name);

    public string String(string name) => OptionalString(name) ?? throw Missing(name);

    public string? OptionalString(string name)
    {
        if (Take(name) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new PackKeyException(KeyOf(name), "must be a non-empty string");
    }

    public int Int(string name, int min, int max) => OptionalInt(name, min, max) ?? throw Missing(name);

    public int? OptionalInt(string name, int min, int max)
    {
        if (Take(name) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= min && number <= max
            ? number
            : throw new PackKeyException(KeyOf(name), string.Create(CultureInfo.InvariantCulture, $"must be a whole number from {min} to {max}"));
    }

    public bool OptionalBool(string name, bool fallback)
    {
        if (Take(name) is not { } value)
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new PackKeyException(KeyOf(name), "must be true or false"),
        };
    }

    /// <summary>Exactly <paramref name="count"/> finite numbers.</summary>
    public double[] Floats(string name, int count, bool positive)
    {
        var value = Take(name) ?? throw Missing(name);
        string need = string.Create(CultureInfo.InvariantCulture, $"must be a list of {count} {(positive ? "positive " : "")}numbers");
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != count)
        {
            throw new PackKeyException(KeyOf(name), need);
        }

        var result = new double[count];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out double number) || !double.IsFinite(number) || (positive && number <= 0))
            {
                throw new PackKeyException(KeyOf(name), need);
            }

            result[i++] = number;
        }

        return result;
    }

    /// <summary>One of <paramref name="allowed"/>'s names.</summary>
    public T Choice<T>(string name, IReadOnlyDictionary<string, T> allowed, T? fallback = default, bool required = true)
        where T : struct
    {
        if (OptionalString(name) is not { } text)
        {
            return required ? throw Missing(name) : fallback ?? default;
        }

        return allowed.TryGetValue(text, out var choice)
            ? choice
            : throw new PackKeyException(KeyOf(name), $"must be one of {string.Join(", ", allowed.Keys)}");
    }

    public PackJsonObject Object(string name) => OptionalObject(name) ?? throw Missing(name);

    public PackJsonObject? OptionalObject(string name) => Take(name) is { } value ? new PackJsonObject(value, KeyOf(name)) : null;

    /// <summary>A JSON object's entries as strings, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> StringMap(string name)
    {
        var map = Object(name);
        var result = new List<KeyValuePair<string, string>>();
        foreach (string key in map._values.Keys.ToArray())
        {
            result.Add(new(key, map.String(key)));
        }

        return result;
    }

    public void RejectUnknownKeys()
    {
        foreach (string name in _values.Keys)
        {
            if (!_read.Contains(name))
            {
                throw new PackKeyException(KeyOf(name), "unknown key");
            }
        }
    }

    private JsonElement? Take(string name)
    {
        if (!_values.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            _read.Add(name);
            return null;
        }

        _read.Add(name);
        return value;
    }

    private PackKeyException Missing(string name) => new(KeyOf(name), "missing");
}
