using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace MellaPipeline.Parquet;

/// <summary>Reads one string column of any Parquet file, a row group at a time (for seed lists and similar side inputs).</summary>
public static class ParquetColumnReader
{
    /// <summary>The top-level string column of that name, or why there is none.</summary>
    private static (DataField? Field, string? Problem) Find(ParquetReader reader, string column)
    {
        var field = reader.Schema.DataFields.FirstOrDefault(f => f.Name == column && f.Path.ToList().Count == 1);
        if (field is null)
        {
            return (null, $"no column '{column}' (columns: {string.Join(", ", reader.Schema.DataFields.Select(f => f.Name))})");
        }

        // Parquet.Net describes UTF-8 byte-array columns as strings or as character memory depending on how they were written.
        return field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>)
            ? (field, null)
            : (null, $"column '{column}' holds {field.ClrType.Name}, not strings");
    }

    /// <summary>Names of the file's top-level string columns, or why the file cannot be read.</summary>
    public static async Task<(IReadOnlySet<string> Columns, string? Problem)> StringColumnsAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
            var names = reader.Schema.DataFields.Select(f => f.Name).Where(name => Find(reader, name).Field is not null).ToHashSet(StringComparer.Ordinal);
            return (names, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return (new HashSet<string>(), $"not a readable Parquet file: {e.Message}");
        }
    }

    /// <summary>Why the file cannot give that string column, or null when it can.</summary>
    public static async Task<string?> ProblemWithAsync(string path, string column, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
            return Find(reader, column).Problem;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return $"not a readable Parquet file: {e.Message}";
        }
    }

    /// <summary>The column's values in row order.</summary>
    /// <exception cref="InvalidDataException">The file has no top-level string column of that name.</exception>
    public static async IAsyncEnumerable<string?> ReadStringsAsync(string path, string column, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        var (field, problem) = Find(reader, column);
        if (field is null)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {problem}");
        }

        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var values = new string?[checked((int)group.RowCount)];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            foreach (var value in values)
            {
                yield return value;
            }
        }
    }
}
