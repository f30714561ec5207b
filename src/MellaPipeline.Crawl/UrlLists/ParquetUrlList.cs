using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;

namespace MellaPipeline.Crawl.UrlLists;

/// <summary>
/// A URL list in Parquet (LAION, COYO, WIT parts; <c>mella extract --out x.parquet</c>), read a row
/// group at a time and only the columns its layout names. Tasks take ranges of rows
/// (<see cref="UrlListFiles"/>), so a file written as one row group still spreads over every task:
/// each reads the group's columns and makes rows of its own range only.
/// </summary>
public static class ParquetUrlList
{
    /// <summary>The file's top-level columns, or why it is not a Parquet file we can read.</summary>
    public static async Task<(IReadOnlyList<DataField> Fields, long Rows, string? Problem)> InspectAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
            long rows = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                rows += group.RowCount;
            }

            return (TopLevel(reader.Schema), rows, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            return ([], 0, $"not a readable Parquet file ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>Why a column of <paramref name="layout"/> cannot be read: a role column that is not text, a kept column of a type we do not carry; or null.</summary>
    public static string? TypeProblem(UrlListLayout layout, IReadOnlyList<DataField> fields)
    {
        foreach (string column in layout.Columns)
        {
            var field = fields.First(f => f.Name == column);
            bool kept = layout.Keep.Contains(column) && !new[] { layout.Url, layout.Caption, layout.Lang, layout.PageUrl, layout.Source }.Contains(column);
            if (kept ? !IsText(field) && !Numbers.Contains(field.ClrType) : !IsText(field))
            {
                return kept
                    ? $"column '{column}' (keep_columns) holds {field.ClrType.Name}; text, numbers, booleans and timestamps can be kept"
                    : $"column '{column}' holds {field.ClrType.Name}, not text";
            }
        }

        return null;
    }

    private static readonly Type[] Numbers = [typeof(double), typeof(float), typeof(long), typeof(int), typeof(short), typeof(byte), typeof(bool), typeof(decimal), typeof(DateTime)];

    /// <summary>A column of one row group as an array of its values (null where the row has none).</summary>
    private static async Task<Array> ReadValuesAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (IsText(field))
        {
            var text = new string?[rows];
            await group.ReadAsync(field, text.AsMemory(), null, cancellationToken);
            return text;
        }

        return type switch
        {
            _ when type == typeof(double) => await ValuesAsync<double>(group, field, rows, cancellationToken),
            _ when type == typeof(float) => await ValuesAsync<float>(group, field, rows, cancellationToken),
            _ when type == typeof(long) => await ValuesAsync<long>(group, field, rows, cancellationToken),
            _ when type == typeof(int) => await ValuesAsync<int>(group, field, rows, cancellationToken),
            _ when type == typeof(short) => await ValuesAsync<short>(group, field, rows, cancellationToken),
            _ when type == typeof(byte) => await ValuesAsync<byte>(group, field, rows, cancellationToken),
            _ when type == typeof(bool) => await ValuesAsync<bool>(group, field, rows, cancellationToken),
            _ when type == typeof(decimal) => await ValuesAsync<decimal>(group, field, rows, cancellationToken),
            _ when type == typeof(DateTime) => await ValuesAsync<DateTime>(group, field, rows, cancellationToken),
            _ => throw new InvalidDataException($"column '{field.Name}' holds {type.Name}"),
        };
    }

    private static async Task<Array> ValuesAsync<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
        where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[rows];
            await group.ReadAsync<T>(field, nullable.AsMemory(), null, cancellationToken);
            return nullable;
        }

        var values = new T[rows];
        await group.ReadAsync<T>(field, values.AsMemory(), null, cancellationToken);
        return values;
    }

    /// <summary>Rows [<paramref name="from"/>, <paramref name="to"/>) of the file (0-based, as DuckDB's <c>file_row_number</c>).</summary>
    public static async IAsyncEnumerable<UrlListRow> ReadAsync(
        string path, UrlListLayout layout, long from, long to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(path);
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        var fields = TopLevel(reader.Schema).ToDictionary(f => f.Name, StringComparer.Ordinal);
        long groupStart = 0;
        for (int g = 0; g < reader.RowGroupCount && groupStart < to; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            long groupEnd = groupStart + group.RowCount;
            if (groupEnd > from)
            {
                var values = new Dictionary<string, Array>(StringComparer.Ordinal);
                foreach (string column in layout.Columns)
                {
                    values[column] = await ReadValuesAsync(group, fields[column], checked((int)group.RowCount), cancellationToken);
                }

                for (long row = Math.Max(from, groupStart); row < Math.Min(to, groupEnd); row++)
                {
                    int i = (int)(row - groupStart);
                    yield return UrlListRow.From(layout, $"{name}:row {row}", column => Text(values[column].GetValue(i)), column => Json(values[column].GetValue(i)));
                }
            }

            groupStart = groupEnd;
        }
    }

    private static List<DataField> TopLevel(ParquetSchema schema) => schema.DataFields.Where(f => f.Path.ToList().Count == 1).ToList();

    // Parquet.Net gives UTF-8 byte-array columns as strings or as character memory, depending on how they were written.
    private static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        ReadOnlyMemory<char> m => m.Length == 0 ? null : m.ToString(),
        _ => value.ToString(),
    };

    private static JsonNode? Json(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        ReadOnlyMemory<char> m => JsonValue.Create(m.ToString()),
        bool b => JsonValue.Create(b),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
        float f => float.IsFinite(f) ? JsonValue.Create(f) : null,
        long l => JsonValue.Create(l),
        int n => JsonValue.Create(n),
        short n => JsonValue.Create(n),
        byte n => JsonValue.Create(n),
        decimal d => JsonValue.Create(d),
        DateTime t => JsonValue.Create(t.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        DateTimeOffset t => JsonValue.Create(t.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };
}
