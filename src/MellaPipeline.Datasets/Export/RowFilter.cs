using System.Globalization;
using MellaPipeline.Parquet;
using MellaPipeline.Records;

namespace MellaPipeline.Datasets.Export;

/// <summary>
/// <c>--where COLUMN=VALUE</c>, repeatable, of <c>mella export</c> and <c>mella show</c>: rows whose column equals the
/// value, every condition at once. A column is any value column of the shard schema (<see cref="ShardColumns.Leaves"/>;
/// the image's <c>path</c> is named <c>image_path</c>) but the image bytes; a value compares with the column's value as
/// text (numbers in invariant culture, floats as their shortest round-trip form), and an empty value matches null.
/// </summary>
public sealed class RowFilter
{
    private readonly IReadOnlyList<(ShardValueColumn Column, string Value)> _conditions;

    private RowFilter(IReadOnlyList<(ShardValueColumn, string)> conditions)
    {
        _conditions = conditions;
    }

    /// <summary>Keeps every row.</summary>
    public static RowFilter All { get; } = new([]);

    /// <summary>The columns the conditions read.</summary>
    public IEnumerable<ShardValueColumn> Columns => _conditions.Select(c => c.Column);

    /// <summary>The columns <c>--where</c> accepts, by their names there.</summary>
    public static IReadOnlyList<(string Name, ShardValueColumn Column)> Filterable { get; } =
        ShardColumns.Leaves.Where(c => !ReferenceEquals(c, ShardColumns.ImageBytes)).Select(c => (NameOf(c), c)).ToArray();

    /// <summary>A column's name outside the Parquet struct: the image's <c>path</c> is <c>image_path</c>.</summary>
    public static string NameOf(ShardValueColumn column) => ReferenceEquals(column, ShardColumns.ImagePath) ? "image_path" : column.Name;

    /// <summary>The filter the conditions describe, or one line saying which is wrong (the option named as <c>--where</c>).</summary>
    public static (RowFilter? Filter, string? Problem) Parse(IEnumerable<string> conditions, IEnumerable<(ShardValueColumn Column, string Value)>? extra = null)
    {
        var parsed = new List<(ShardValueColumn, string)>(extra ?? []);
        foreach (string condition in conditions)
        {
            int equals = condition.IndexOf('=');
            if (equals <= 0)
            {
                return (null, $"--where: '{Input.UserFile.Excerpt(condition, 40)}' is not COLUMN=VALUE");
            }

            string name = condition[..equals];
            var match = Filterable.FirstOrDefault(f => f.Name == name);
            if (match.Column is null)
            {
                return (null, $"--where: '{Input.UserFile.Excerpt(name, 40)}' is not a column (one of {string.Join(", ", Filterable.Select(f => f.Name))})");
            }

            parsed.Add((match.Column, condition[(equals + 1)..]));
        }

        return (new RowFilter(parsed), null);
    }

    /// <summary>True when every condition holds; <paramref name="valueOf"/> gives a column's value in the row.</summary>
    public bool Matches(Func<ShardValueColumn, object?> valueOf)
    {
        foreach (var (column, value) in _conditions)
        {
            if (Text(valueOf(column)) != value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when every condition holds for a whole record (as <c>mella export</c> reads them).</summary>
    public bool Matches(PairRecord record) => Matches(column => column.ValueOf(record));

    private static string Text(object? value) => value switch
    {
        null => "",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
