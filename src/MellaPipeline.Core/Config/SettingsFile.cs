using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using MellaPipeline.Input;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MellaPipeline.Config;

/// <summary>
/// Reads a settings file (a pipeline file, a coverage targets file) strictly into its option
/// classes: unknown keys, wrong types, out-of-range values and missing required keys are all
/// errors that name the file, the line and the key, found before anything runs. Keys are the
/// snake_case forms of the options' property names; the options classes belong to their features
/// (a pipeline file's root is Orchestration's <c>PipelineOptions</c>).
/// </summary>
public static partial class SettingsFile
{
    /// <summary>Deepest nesting of mappings and lists a settings file may have (real ones need fewer than ten).</summary>
    public const int MaxDepth = 64;

    /// <summary>Longest string value a key may have unless its option allows more (<see cref="MaxLengthAttribute"/>, e.g. prompts).</summary>
    public const int MaxStringLength = 4096;

    /// <summary>Reads and binds any settings file (e.g. coverage targets) under the same rules as a pipeline file.</summary>
    public static T Load<T>(string path, string expected) => Parse<T>(ReadSettingsFile(path, "file"), path, expected);

    /// <summary>The text of a settings file: a regular file of at most <see cref="UserFile.MaxSettingsBytes"/> of UTF-8.</summary>
    public static string ReadSettingsFile(string path, string what) =>
        UserFile.ReadAllText(path, out string? problem) ?? throw new ConfigException(path, null, null, $"cannot read {what}: {problem}");

    /// <summary>
    /// Binds and validates any settings file the same strict way as a pipeline file (snake_case keys,
    /// unknown keys, types and ranges are errors naming file, line and key).
    /// </summary>
    public static T Parse<T>(string yaml, string displayName, string expected)
    {
        var stream = new YamlStream();
        var parser = new PositionTrackingParser(new Parser(new StringReader(yaml)));
        var prescan = new PositionTrackingParser(new Parser(new StringReader(yaml)));
        try
        {
            // The representation model recurses once per level and expands aliases: check the event
            // stream first, so a 40,000-deep file or a "billion laughs" is an error, not a crash.
            PreScan(prescan, displayName);
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            throw new ConfigException(displayName, (int)ex.Start.Line, null, $"not valid YAML: {FirstLine(ex.InnerException?.Message ?? ex.Message)}");
        }
        catch (InvalidOperationException)
        {
            // Some scanner errors (e.g. an unclosed flow list) surface without a position.
            throw new ConfigException(displayName, Math.Max(parser.LastLine, prescan.LastLine), null, "not valid YAML: unclosed [ ], { } or quote near here");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigException(displayName, 1, null, $"expected a mapping of {expected}");
        }

        var binder = new Binder(displayName);
        return (T)binder.BindObject(root, typeof(T), keyPath: null);
    }

    /// <summary>Refuses what the binder must never see: nesting deeper than <see cref="MaxDepth"/>, aliases, a second document.</summary>
    private static void PreScan(IParser parser, string displayName)
    {
        int depth = 0;
        int documents = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart when ++depth > MaxDepth:
                    throw new ConfigException(displayName, (int)parser.Current.Start.Line, null, $"nested deeper than {MaxDepth} levels");
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
                case YamlDotNet.Core.Events.AnchorAlias alias:
                    throw new ConfigException(displayName, (int)alias.Start.Line, null, "aliases (*name) are not supported: write the value out");
                case YamlDotNet.Core.Events.DocumentStart when ++documents > 1:
                    throw new ConfigException(displayName, (int)parser.Current.Start.Line, null, "a second YAML document (---) is not supported: one file holds one document");
            }
        }
    }

    /// <summary>The first line of <paramref name="yaml"/> holding <paramref name="value"/>, to point an error at it.</summary>
    public static int? FindLine(string yaml, string value)
    {
        var lines = yaml.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(value, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        return null;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    /// <summary>The key of an option property: <c>MaxPageBytes</c> is <c>max_page_bytes</c>.</summary>
    public static string SnakeCase(string pascal) => SnakeCaseBoundary().Replace(pascal, "$1_$2").ToLowerInvariant();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex SnakeCaseBoundary();

    /// <summary>Remembers where the parser last was, for errors that carry no position.</summary>
    private sealed class PositionTrackingParser(IParser inner) : IParser
    {
        public int LastLine { get; private set; } = 1;

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            bool moved = inner.MoveNext();
            if (inner.Current is { } current)
            {
                LastLine = (int)current.End.Line;
            }

            return moved;
        }
    }

    private sealed class Binder(string file)
    {
        public object BindObject(YamlMappingNode node, Type type, string? keyPath)
        {
            object instance = Activator.CreateInstance(type)!;
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite)
                .ToDictionary(p => SnakeCase(p.Name), StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);

            foreach (var (keyNode, valueNode) in node.Children)
            {
                string key = keyNode is YamlScalarNode { Value: { } k } ? k : throw Error(keyNode, keyPath, "keys must be plain names");
                string childPath = Join(keyPath, key);
                if (!properties.TryGetValue(key, out var property))
                {
                    throw Error(keyNode, childPath, $"unknown key (expected one of: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))})");
                }

                seen.Add(key);
                property.SetValue(instance, BindValue(valueNode, property.PropertyType, property, childPath));
            }

            foreach (var (key, property) in properties)
            {
                if (property.GetCustomAttribute<RequiredAttribute>() is not null && !seen.Contains(key))
                {
                    throw Error(node, Join(keyPath, key), "required key is missing");
                }
            }

            Validate(instance, node, keyPath);
            return instance;
        }

        private object? BindValue(YamlNode node, Type type, PropertyInfo property, string keyPath)
        {
            int maxLength = property.GetCustomAttribute<MaxLengthAttribute>()?.Length ?? MaxStringLength;
            type = Nullable.GetUnderlyingType(type) ?? type; // a nullable number is absent unless written
            if (type == typeof(string))
            {
                return Text(node, keyPath, maxLength);
            }

            if (type == typeof(List<string>))
            {
                if (node is not YamlSequenceNode sequence)
                {
                    throw Error(node, keyPath, "expected a list, e.g. [a, b]");
                }

                var list = new List<string>();
                int index = 0;
                foreach (var item in sequence)
                {
                    list.Add(Text(item, $"{keyPath}[{index++}]", maxLength));
                }

                return list;
            }

            if (type.IsEnum)
            {
                string value = Scalar(node, keyPath, "a name");
                var names = Enum.GetNames(type).ToDictionary(SnakeCase, n => n, StringComparer.Ordinal);
                return names.TryGetValue(value, out var name)
                    ? Enum.Parse(type, name)
                    : throw Error(node, keyPath, $"'{value}' is not one of: {string.Join(", ", names.Keys)}");
            }

            if (type == typeof(bool))
            {
                string value = Scalar(node, keyPath, "true or false");
                return value switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw Error(node, keyPath, $"expected true or false, got '{value}'"),
                };
            }

            if (type == typeof(int))
            {
                string value = Scalar(node, keyPath, "a whole number");
                return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n)
                    ? n
                    : throw Error(node, keyPath, $"expected a whole number, got '{value}'");
            }

            if (type == typeof(long))
            {
                string value = Scalar(node, keyPath, "a whole number");
                if (property.GetCustomAttribute<ByteSizeAttribute>() is not null)
                {
                    return ByteSize.TryParse(value, out long bytes)
                        ? bytes
                        : throw Error(node, keyPath, $"expected a size such as 512MB, 64MiB or 1000, got '{value}'");
                }

                return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)
                    ? n
                    : throw Error(node, keyPath, $"expected a whole number, got '{value}'");
            }

            if (type == typeof(double))
            {
                string value = Scalar(node, keyPath, "a number");
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
                    ? d
                    : throw Error(node, keyPath, $"expected a number, got '{value}'");
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) && type.GetGenericArguments()[0].IsClass)
            {
                if (node is not YamlSequenceNode items)
                {
                    throw Error(node, keyPath, "expected a list of mappings");
                }

                var list = (System.Collections.IList)Activator.CreateInstance(type)!;
                int index = 0;
                foreach (var item in items)
                {
                    string itemPath = $"{keyPath}[{index++}]";
                    list.Add(item is YamlMappingNode itemMapping
                        ? BindObject(itemMapping, type.GetGenericArguments()[0], itemPath)
                        : throw Error(item, itemPath, "expected a mapping of settings"));
                }

                return list;
            }

            if (type.IsClass)
            {
                return node is YamlMappingNode mapping
                    ? BindObject(mapping, type, keyPath)
                    : throw Error(node, keyPath, "expected a mapping of settings");
            }

            throw new InvalidOperationException($"No binding for option type {type} at {keyPath}.");
        }

        /// <summary>A string value, bounded so that no option can carry megabytes into a run.</summary>
        private string Text(YamlNode node, string keyPath, int maxLength)
        {
            string value = Scalar(node, keyPath, "a string");
            return value.Length <= maxLength ? value : throw Error(node, keyPath, $"longer than {maxLength} characters");
        }

        private string Scalar(YamlNode node, string keyPath, string expected)
        {
            if (node is not YamlScalarNode scalar)
            {
                throw Error(node, keyPath, $"expected {expected}, got a {(node is YamlSequenceNode ? "list" : "mapping")}");
            }

            if (scalar.Value is null || (scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "" or "~" or "null"))
            {
                throw Error(node, keyPath, $"expected {expected}, got nothing");
            }

            return scalar.Value;
        }

        private void Validate(object instance, YamlMappingNode node, string? keyPath)
        {
            var results = new List<ValidationResult>();
            var context = new ValidationContext(instance);
            // Nested options are validated when they are bound, so only this level's rules run here.
            foreach (var property in instance.GetType().GetProperties())
            {
                context.MemberName = property.Name;
                var value = property.GetValue(instance);
                foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
                {
                    if (attribute is RequiredAttribute && value is not string)
                    {
                        continue;
                    }

                    var result = attribute.GetValidationResult(value, context);
                    if (result != ValidationResult.Success)
                    {
                        string key = SnakeCase(property.Name);
                        var location = FindKeyNode(node, key);
                        throw Error(location?.Value ?? node, Join(keyPath, key), Describe(attribute, value, result!));
                    }
                }
            }

            if (instance is IValidatableObject validatable)
            {
                foreach (var result in validatable.Validate(context))
                {
                    string member = result.MemberNames.FirstOrDefault() ?? string.Empty;
                    string baseKey = member.Split('[')[0];
                    var location = FindKeyNode(node, baseKey);
                    YamlNode at = location?.Value ?? node;
                    if (location?.Value is YamlSequenceNode sequence && member.Contains('[', StringComparison.Ordinal))
                    {
                        int index = int.Parse(member.Split('[', ']')[1], CultureInfo.InvariantCulture);
                        if (index < sequence.Children.Count)
                        {
                            at = sequence.Children[index];
                        }
                    }

                    throw Error(at, Join(keyPath, member), result.ErrorMessage ?? "invalid value");
                }
            }
        }

        private static string Describe(ValidationAttribute attribute, object? value, ValidationResult result) => attribute switch
        {
            RangeAttribute range => $"must be between {range.Minimum} and {range.Maximum} (got {FormatValue(value)})",
            MinLengthAttribute min => $"needs at least {min.Length} item{(min.Length == 1 ? string.Empty : "s")}",
            RequiredAttribute => "must not be empty",
            RegularExpressionAttribute => $"{result.ErrorMessage} (got '{value}')",
            _ => result.ErrorMessage ?? "invalid value",
        };

        private static string FormatValue(object? value) => value switch
        {
            IEnumerable and not string => "a list",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value?.ToString() ?? "nothing",
        };

        private static KeyValuePair<YamlNode, YamlNode>? FindKeyNode(YamlMappingNode node, string key)
        {
            foreach (var pair in node.Children)
            {
                if (pair.Key is YamlScalarNode { Value: var k } && k == key)
                {
                    return pair;
                }
            }

            return null;
        }

        private ConfigException Error(YamlNode node, string? keyPath, string problem) =>
            new(file, (int)node.Start.Line, keyPath, problem);

        private static string Join(string? parent, string key) => parent is null ? key : $"{parent}.{key}";
    }
}

/// <summary>Parses sizes written as <c>512MB</c>, <c>64 MiB</c>, <c>10kb</c> or a plain number of bytes (1 MB = 2²⁰ bytes).</summary>
public static partial class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            return false;
        }

        long unit = match.Groups[2].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => 0,
        };
        double value = number * unit;
        if (unit == 0 || value < 0 || value > long.MaxValue)
        {
            return false;
        }

        bytes = (long)value;
        return true;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$")]
    private static partial Regex SizePattern();
}
