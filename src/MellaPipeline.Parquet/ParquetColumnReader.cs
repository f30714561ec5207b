using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace MellaPipeline.Parquet;

/// <summary>Reads one string column of any Parquet file, a row group at a time (for seed lists and similar side inputs).</summary>
public static class ParquetColumnReader
{
    // Parquet.Net describes UTF-8 byte-array columns as strings or as character memory depending on how they were written.
    private static bool IsString(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    /// <summary>Why the file cannot give that string column, or null when it can.</summary>
    public static async Task<string?> ProblemWithAsync(string path, string column, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
            var field = reader.Schema.DataFields.FirstOrDefault(f => f.Name == column && f.Path.ToList().Count == 1);
            return field is null ? $"no column '{column}'"
                : !IsString(field) ? $"column '{column}' holds {field.ClrType.Name}, not strings"
                : null;
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
        var field = reader.Schema.DataFields.FirstOrDefault(f => f.Name == column && f.Path.ToList().Count == 1)
            ?? throw new InvalidDataException($"{Path.GetFileName(path)}: no column '{column}' (columns: {string.Join(", ", reader.Schema.DataFields.Select(f => f.Name))})");
        if (!IsString(field))
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: column '{column}' holds {field.ClrType.Name}, not strings");
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
