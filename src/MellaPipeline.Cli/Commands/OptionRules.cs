using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using MellaPipeline.Input;

namespace MellaPipeline.Cli.Commands;

/// <summary>
/// What values an option accepts. Each rule replaces the option's parser, so that converting the text and checking its
/// range are one step with one message in our words (System.CommandLine's own messages name .NET types, and a
/// validator that reads a value which failed to convert throws). <see cref="MellaCommandLine"/> prints the message
/// after the option's name: <c>mella: --workers: 'abc' is not a whole number</c>.
/// </summary>
internal static class OptionRules
{
    /// <summary>Longest excerpt of a typed value a message repeats.</summary>
    private const int ExcerptLength = 40;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> WholeNumber(this Option<int> option, int min, int max) => Parsed(option, result => (int)ParseWhole(result, min, max));

    /// <inheritdoc cref="WholeNumber(Option{int}, int, int)"/>
    public static Option<int?> WholeNumber(this Option<int?> option, int min, int max) => Parsed(option, result => (int)ParseWhole(result, min, max));

    /// <inheritdoc cref="WholeNumber(Option{int}, int, int)"/>
    public static Option<long> WholeNumber(this Option<long> option, long min, long max) => Parsed(option, result => ParseWhole(result, min, max));

    /// <summary>A finite number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<double> Number(this Option<double> option, double min, double max) => Parsed(option, result => ParseNumber(result, min, max));

    /// <inheritdoc cref="Number(Option{double}, double, double)"/>
    public static Option<double?> Number(this Option<double?> option, double min, double max) => Parsed(option, result => ParseNumber(result, min, max));

    /// <summary>One of <paramref name="allowed"/>, exactly as written there.</summary>
    /// <typeparam name="T"><see cref="string"/>, with or without a null default (generic only for that).</typeparam>
    public static Option<T> OneOf<T>(this Option<T> option, IReadOnlyList<string> allowed)
        where T : class?
    {
        option.CompletionSources.Add(allowed.ToArray());
        return Checked(option, text => allowed.Contains(text, StringComparer.Ordinal) ? null : $"{Quote(text)} is not one of {string.Join(", ", allowed)}");
    }

    /// <summary>Text of at most <paramref name="maxLength"/> characters.</summary>
    /// <typeparam name="T"><see cref="string"/>, with or without a null default (generic only for that).</typeparam>
    public static Option<T> Text<T>(this Option<T> option, int maxLength)
        where T : class? =>
        Checked(option, text => text.Length > maxLength ? $"{Quote(text)} is longer than {maxLength} characters" : null);

    /// <summary>A typed value for a message: quoted, control characters escaped, cut to a short excerpt.</summary>
    public static string Quote(string text) => $"'{Excerpt(text, ExcerptLength)}'";

    /// <summary>Text for a message: control characters escaped (so that it stays one line), cut to <paramref name="length"/> characters and an ellipsis.</summary>
    public static string Excerpt(string text, int length) => UserFile.Excerpt(text, length);

    private static Option<T> Parsed<T>(Option<T> option, Func<ArgumentResult, T> parse)
    {
        option.CustomParser = parse;
        return option;
    }

    /// <summary>The text as typed, refused with the message <paramref name="problem"/> gives for it, if any.</summary>
    private static Option<T> Checked<T>(Option<T> option, Func<string, string?> problem)
        where T : class? =>
        Parsed(option, result =>
        {
            string text = Typed(result);
            if (problem(text) is { } message)
            {
                result.AddError(message);
            }

            return (T)(object)text;
        });

    private static long ParseWhole(ArgumentResult result, long min, long max)
    {
        string text = Typed(result);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            // Digits too many for a long are a number all the same: say it is too large, not that it is no number.
            var unsigned = text.StartsWith('-') || text.StartsWith('+') ? text.AsSpan(1) : text.AsSpan();
            bool digits = unsigned.Length > 0 && !unsigned.ContainsAnyExceptInRange('0', '9');
            result.AddError(digits ? OutOfRange(text, min, max) : $"{Quote(text)} is not a whole number");
            return min;
        }

        if (value < min || value > max)
        {
            result.AddError(OutOfRange(text, min, max));
            return min;
        }

        return value;
    }

    private static double ParseNumber(ArgumentResult result, double min, double max)
    {
        string text = Typed(result);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            result.AddError($"{Quote(text)} is not a number");
            return min;
        }

        if (value < min || value > max)
        {
            result.AddError(OutOfRange(text, min, max));
            return min;
        }

        return value;
    }

    private static string OutOfRange(string text, IFormattable min, IFormattable max) =>
        $"{Quote(text)} is out of range ({min.ToString(null, CultureInfo.InvariantCulture)} to {max.ToString(null, CultureInfo.InvariantCulture)})";

    /// <summary>The value as typed; the last one when the option is repeated (a later value overrides an earlier one).</summary>
    private static string Typed(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
}
