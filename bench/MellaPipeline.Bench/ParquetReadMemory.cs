using System.Diagnostics;
using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace MellaPipeline.Bench;

/// <summary>
/// What reading a URL list's columns costs in memory with Parquet.Net, which decodes a whole
/// column chunk (one row group's values of one column) into one array: each chosen column of each
/// row group is read and held while the group's others are read, as a reader that walks a group's
/// rows must, and the managed heap and the process's resident set are reported after each column.
/// This is the floor of any row-group reader built on it, whatever it does with the values.
/// </summary>
internal static class ParquetReadMemory
{
    public static async Task<int> RunAsync(string path, IReadOnlyList<string> columns)
    {
        var inv = CultureInfo.InvariantCulture;
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = columns.Select(name => reader.Schema.DataFields.Single(f => f.Name == name)).ToArray();
        var clock = Stopwatch.StartNew();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var held = new List<object>();
            foreach (var field in fields)
            {
                held.Add(await ReadAsync(group, field));
                Console.WriteLine(string.Create(inv,
                    $"group={g} rows={group.RowCount} column={field.Name} seconds={clock.Elapsed.TotalSeconds:F1} managed_mb={GC.GetTotalMemory(false) / 1048576.0:F0} rss_mb={ProcessMemory.RssMegabytes():F0}"));
            }

            GC.KeepAlive(held);
        }

        Console.WriteLine(string.Create(inv, $"seconds={clock.Elapsed.TotalSeconds:F1} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        return 0;
    }

    private static async Task<object> ReadAsync(ParquetRowGroupReader group, DataField field)
    {
        if (field.ClrType == typeof(string))
        {
            var strings = new string?[group.RowCount];
            await group.ReadAsync(field, strings.AsMemory(), null);
            return strings;
        }

        return await group.ReadRawColumnDataBaseAsync(field);
    }
}
