using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Orchestration.Tests.Config;

/// <summary>
/// The pipeline file's contract is written three times for three readers: the option classes (the
/// loader binds them), <c>schemas/pipeline.schema.json</c> (editors) and README's key table
/// (people). These tests walk every section of the options by reflection — a section added later
/// is covered without touching this file — and hold the other two to it: the same keys at every
/// level, the same defaults, ranges and enum values.
/// </summary>
public class PipelineSchemaTests
{
    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "schemas", "pipeline.schema.json"))).RootElement;

    [Fact]
    public void Every_section_of_the_schema_has_exactly_the_options_keys()
    {
        var problems = new List<string>();
        foreach (var section in OptionsTree.Sections(typeof(PipelineOptions), ""))
        {
            var node = SchemaNode(section.Path);
            var schemaKeys = node.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
            var optionKeys = section.Properties.Select(p => OptionsTree.KeyOf(p)).Order(StringComparer.Ordinal);
            if (!schemaKeys.SequenceEqual(optionKeys))
            {
                problems.Add($"{Label(section.Path)}: schema [{string.Join(", ", schemaKeys)}] vs options [{string.Join(", ", optionKeys)}]");
            }

            if (!node.TryGetProperty("additionalProperties", out var extra) || extra.GetBoolean())
            {
                problems.Add($"{Label(section.Path)}: additionalProperties must be false");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains(OptionsTree.Sections(typeof(PipelineOptions), ""), s => s.Path == "stages.dedup_near");
        Assert.Contains(OptionsTree.Sections(typeof(PipelineOptions), ""), s => s.Path == "captions[].generate");
    }

    [Fact]
    public void Every_schema_default_range_and_enum_is_the_options_own()
    {
        var problems = new List<string>();
        foreach (var leaf in OptionsTree.Leaves(typeof(PipelineOptions), ""))
        {
            var node = SchemaNode(leaf.Key, resolveLast: false);
            var property = leaf.Property;
            if (node.TryGetProperty("default", out var schemaDefault))
            {
                if (!SameValue(schemaDefault, leaf.Default, property))
                {
                    problems.Add($"{leaf.Key}: schema default {schemaDefault.GetRawText()} vs options default {Describe(leaf.Default)}");
                }
            }
            else if (property.GetCustomAttribute<RequiredAttribute>() is null && !IsEmpty(leaf.Default) && !leaf.IsOptionalSection)
            {
                problems.Add($"{leaf.Key}: the schema gives no default; the options' is {Describe(leaf.Default)}");
            }

            // A size is a number or a string such as 512MB in the schema ($defs/byteSize): its range is the loader's to check.
            if (property.GetCustomAttribute<RangeAttribute>() is { } range && !property.PropertyType.IsEnum && property.GetCustomAttribute<ByteSizeAttribute>() is null)
            {
                double min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture), max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
                bool constant = node.TryGetProperty("const", out var only) && min == max && only.GetDouble() == min;
                if (!constant && (!node.TryGetProperty("minimum", out var schemaMin) || schemaMin.GetDouble() != min
                    || !node.TryGetProperty("maximum", out var schemaMax) || schemaMax.GetDouble() != max))
                {
                    problems.Add($"{leaf.Key}: options range {min}..{max}, schema {Bound(node, "minimum")}..{Bound(node, "maximum")}");
                }
            }

            if (property.PropertyType.IsEnum)
            {
                var names = Enum.GetNames(property.PropertyType).Select(SettingsFile.SnakeCase).Order(StringComparer.Ordinal);
                var schemaNames = node.TryGetProperty("enum", out var e) ? e.EnumerateArray().Select(v => v.GetString()!).Order(StringComparer.Ordinal).ToArray() : [];
                if (!names.SequenceEqual(schemaNames))
                {
                    problems.Add($"{leaf.Key}: options values [{string.Join(", ", names)}], schema [{string.Join(", ", schemaNames)}]");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void README_key_table_lists_every_option_with_its_default()
    {
        var rows = ReadmeRows();
        var options = OptionsTree.Leaves(typeof(PipelineOptions), "").ToDictionary(l => l.Key, StringComparer.Ordinal);
        var documented = rows.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var missing = options.Keys.Where(k => !documented.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var unknown = documented.Where(k => !options.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && unknown.Count == 0,
            $"README's pipeline key table: missing [{string.Join(", ", missing)}]; not an option [{string.Join(", ", unknown)}]");

        var problems = new List<string>();
        foreach (var (key, readmeDefault) in rows)
        {
            var leaf = options[key];
            if (readmeDefault == "required")
            {
                if (leaf.Property.GetCustomAttribute<RequiredAttribute>() is null)
                {
                    problems.Add($"{key}: README says required, the options give a default ({Describe(leaf.Default)})");
                }
            }
            else if (readmeDefault.StartsWith('`') && !SameValue(readmeDefault.Trim('`'), leaf.Default, leaf.Property))
            {
                problems.Add($"{key}: README default {readmeDefault} vs options default {Describe(leaf.Default)}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(rows.Count > 60, $"only {rows.Count} keys read from README's table: has its layout changed?");
    }

    /// <summary>
    /// The rows of the table under "## Pipeline files": a key cell may name several keys
    /// (<c>`a.b.x` / `y`</c> is <c>a.b.x</c> and <c>a.b.y</c>) with as many defaults in the same order.
    /// </summary>
    private static List<(string Key, string Default)> ReadmeRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
        int start = Array.FindIndex(lines, l => l.StartsWith("| key | default | meaning |", StringComparison.Ordinal));
        Assert.True(start >= 0, "README has no '| key | default | meaning |' table");
        var rows = new List<(string, string)>();
        for (int i = start + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            var cells = lines[i].Split('|', StringSplitOptions.TrimEntries);
            var keys = cells[1].Split(" / ").Select(k => k.Trim('`')).ToArray();
            var defaults = cells[2].Split(" / ");
            Assert.True(defaults.Length == keys.Length || defaults.Length == 1, $"README line {i + 1}: {keys.Length} keys but {defaults.Length} defaults");
            string prefix = keys[0].Contains('.') ? keys[0][..(keys[0].LastIndexOf('.') + 1)] : "";
            for (int k = 0; k < keys.Length; k++)
            {
                rows.Add((k == 0 ? keys[0] : prefix + keys[k], defaults.Length == 1 && k > 0 ? "—" : defaults[k].Trim()));
            }
        }

        return rows;
    }

    /// <summary>
    /// The schema node of a key path (<c>stages.dedup_near</c>, <c>captions[].generate.model</c>), following <c>$ref</c> and array items;
    /// a leaf's own node is kept with <paramref name="resolveLast"/> false, because its default sits beside its <c>$ref</c>.
    /// </summary>
    private static JsonElement SchemaNode(string path, bool resolveLast = true)
    {
        var node = Schema;
        var parts = path.Split('.', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            bool list = part.EndsWith("[]", StringComparison.Ordinal);
            Assert.True(node.TryGetProperty("properties", out var properties) && properties.TryGetProperty(part.TrimEnd('[', ']'), out node),
                $"schemas/pipeline.schema.json has no '{path}' (at '{part}')");
            node = resolveLast || i < parts.Length - 1 || list ? Resolve(node) : node;
            if (list)
            {
                node = Resolve(node.GetProperty("items"));
            }
        }

        return node;
    }

    private static JsonElement Resolve(JsonElement node) =>
        node.TryGetProperty("$ref", out var reference) ? Schema.GetProperty("$defs").GetProperty(reference.GetString()!.Split('/')[^1]) : node;

    private static bool SameValue(JsonElement schemaValue, object? value, PropertyInfo property) => schemaValue.ValueKind switch
    {
        JsonValueKind.Array => value is IEnumerable<string> list && list.SequenceEqual(schemaValue.EnumerateArray().Select(v => v.GetString()!)),
        JsonValueKind.String => SameValue(schemaValue.GetString()!, value, property),
        _ => SameValue(schemaValue.GetRawText(), value, property),
    };

    /// <summary>Whether a default written as text (README, schema) is the options' value: numbers by value, sizes in bytes, enums by their snake_case name.</summary>
    private static bool SameValue(string text, object? value, PropertyInfo property) => value switch
    {
        bool b => text == (b ? "true" : "false"),
        Enum e => text == SettingsFile.SnakeCase(e.ToString()),
        long l when property.GetCustomAttribute<ByteSizeAttribute>() is not null => ByteSize.TryParse(text, out long bytes) && bytes == l,
        int or long or double => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
            && d == Convert.ToDouble(value, CultureInfo.InvariantCulture),
        string s => text == s,
        IEnumerable<string> list => text == "[]" ? !list.Any() : text == "[" + string.Join(", ", list) + "]",
        _ => false,
    };

    private static bool IsEmpty(object? value) => value is null || value is string { Length: 0 } || value is System.Collections.ICollection { Count: 0 };

    private static string Describe(object? value) => value switch
    {
        null => "none",
        IEnumerable<string> list when value is not string => "[" + string.Join(", ", list) + "]",
        Enum e => SettingsFile.SnakeCase(e.ToString()),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Bound(JsonElement node, string name) => node.TryGetProperty(name, out var v) ? v.GetRawText() : "none";

    private static string Label(string path) => path.Length == 0 ? "(top level)" : path;

    /// <summary>The option classes as the loader sees them: sections (option objects) and leaves (values), keyed by their YAML path.</summary>
    private static class OptionsTree
    {
        public sealed record Section(string Path, IReadOnlyList<PropertyInfo> Properties);

        /// <param name="IsOptionalSection">A section that is absent unless written (<c>input</c>, <c>captions[].generate</c>): its keys' defaults are those of a fresh instance.</param>
        public sealed record Leaf(string Key, PropertyInfo Property, object? Default, bool IsOptionalSection);

        public static string KeyOf(PropertyInfo property) => SettingsFile.SnakeCase(property.Name);

        public static IEnumerable<Section> Sections(Type type, string path)
        {
            var properties = Bound(type);
            yield return new Section(path, properties);
            foreach (var property in properties)
            {
                if (ChildSection(type, property) is { } child)
                {
                    foreach (var section in Sections(child.Type, Join(path, KeyOf(property) + child.Suffix)))
                    {
                        yield return section;
                    }
                }
            }
        }

        public static IEnumerable<Leaf> Leaves(Type type, string path, object? instance = null)
        {
            instance ??= Activator.CreateInstance(type)!;
            foreach (var property in Bound(type))
            {
                string key = Join(path, KeyOf(property));
                if (ChildSection(type, property) is { } child)
                {
                    object? value = child.Suffix.Length == 0 ? property.GetValue(instance) : null;
                    foreach (var leaf in Leaves(child.Type, key + child.Suffix, value))
                    {
                        yield return value is null ? leaf with { IsOptionalSection = true } : leaf;
                    }
                }
                else
                {
                    yield return new Leaf(key, property, property.GetValue(instance), false);
                }
            }
        }

        private static List<PropertyInfo> Bound(Type type) =>
            [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)];

        /// <summary>
        /// The option class a property opens, if any; lists of sections are <c>key[]</c>. A list of a
        /// section type the parent also has as a single key (<c>inputs</c> beside <c>input</c>) is
        /// documented once, under the single key, so it counts as a value here.
        /// </summary>
        private static (Type Type, string Suffix)? ChildSection(Type parent, PropertyInfo property)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsSection(type))
            {
                return (type, "");
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) && IsSection(type.GetGenericArguments()[0]))
            {
                var item = type.GetGenericArguments()[0];
                bool alsoSingle = Bound(parent).Any(p => (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == item);
                return alsoSingle ? null : (item, "[]");
            }

            return null;
        }

        private static bool IsSection(Type type) => type.IsClass && type != typeof(string) && type.Name.EndsWith("Options", StringComparison.Ordinal);

        private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
    }
}
