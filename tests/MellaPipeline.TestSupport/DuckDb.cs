using DuckDB.NET.Data;

namespace MellaPipeline.TestSupport;

/// <summary>Reads Parquet files with DuckDB, an independent reader, so tests never check the writer with itself.</summary>
public static class DuckDb
{
    public static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Normalize(reader.GetValue(i));
            }

            rows.Add(row);
        }

        return rows;
    }

    public static object? Scalar(string sql) => Query(sql).Single()[0];

    /// <summary>A count as a long: DuckDB answers BIGINT or HUGEINT (BigInteger) depending on the function.</summary>
    public static long Long(object? value) =>
        value is System.Numerics.BigInteger big ? (long)big : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A glob DuckDB reads: every shard under a dataset's <c>shards/</c> folder.</summary>
    public static string Shards(string runDir) => $"read_parquet('{Path.Combine(runDir, "shards", "*.parquet")}')";

    private static object? Normalize(object value) => value switch
    {
        Stream stream => ReadAll(stream),
        _ => value,
    };

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
