using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace MellaPipeline.TestSupport;

/// <summary>
/// URL lists for tests, in the layouts of the lists users feed: Parquet with LAION-2B-multi's
/// columns, img2dataset-style CSV / TSV / JSONL (optionally gzipped). Values are given as objects
/// (string, double, long, or null) per column.
/// </summary>
public static class UrlListWriter
{
    public static readonly IReadOnlyList<string> LaionColumns = ["URL", "TEXT", "LANGUAGE", "WIDTH", "HEIGHT", "similarity", "pwatermark", "punsafe"];

    /// <summary>Writes a Parquet file; columns whose values are all doubles (or null) become DOUBLE, all longs INT64, the rest strings.</summary>
    public static async Task WriteParquetAsync(string path, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, int rowGroupRows = int.MaxValue)
    {
        var fields = columns.Select((name, c) => rows.All(r => r[c] is null or double) && rows.Any(r => r[c] is double) ? new DataField<double?>(name)
            : rows.All(r => r[c] is null or long) && rows.Any(r => r[c] is long) ? new DataField<long?>(name)
            : (DataField)new DataField<string>(name, nullable: true)).ToArray();
        var schema = new ParquetSchema(fields);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy });
        foreach (var group in rows.Chunk(Math.Max(1, rowGroupRows)))
        {
            using var rowGroup = writer.CreateRowGroup();
            for (int c = 0; c < fields.Length; c++)
            {
                switch (fields[c])
                {
                    case DataField<double?> doubles:
                        await rowGroup.WriteAsync<double>(doubles, (ReadOnlyMemory<double?>)group.Select(r => (double?)r[c]).ToArray());
                        break;
                    case DataField<long?> longs:
                        await rowGroup.WriteAsync<long>(longs, (ReadOnlyMemory<long?>)group.Select(r => (long?)r[c]).ToArray());
                        break;
                    default:
                        await rowGroup.WriteAsync(fields[c], group.Select(r => r[c]?.ToString()).ToList()!);
                        break;
                }
            }
        }
    }

    /// <summary>RFC 4180 CSV (every field quoted, quotes doubled), or with <paramref name="separator"/> tab a TSV without quoting.</summary>
    public static void WriteDelimited(string path, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, char separator = ',')
    {
        string Field(object? value)
        {
            string text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            return separator == '\t' ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        }

        var builder = new StringBuilder();
        builder.Append(string.Join(separator, columns)).Append('\n');
        foreach (var row in rows)
        {
            builder.Append(string.Join(separator, row.Select(Field))).Append('\n');
        }

        Write(path, Encoding.UTF8.GetBytes(builder.ToString()));
    }

    public static void WriteJsonl(string path, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows) =>
        Write(path, Encoding.UTF8.GetBytes(string.Concat(rows.Select(row =>
            JsonSerializer.Serialize(columns.Select((c, i) => (c, row[i])).ToDictionary(p => p.c, p => p.Item2)) + "\n"))));

    /// <summary>Writes the bytes, gzipped when the path ends in <c>.gz</c>.</summary>
    private static void Write(string path, byte[] bytes)
    {
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
        {
            File.WriteAllBytes(path, bytes);
            return;
        }

        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(bytes);
    }

    /// <summary>
    /// Real sentences of the shared language-ID data (<c>lingua_sentences.tsv</c>), <paramref name="perLanguage"/>
    /// distinct ones of each language asked for, 25 to 140 characters long, in file order.
    /// </summary>
    public static IReadOnlyList<(string Lang, string Text)> Sentences(IReadOnlyList<string> languages, int perLanguage)
    {
        var taken = languages.ToDictionary(l => l, _ => 0, StringComparer.Ordinal);
        var sentences = new List<(string, string)>();
        foreach (string line in File.ReadLines(Path.Combine(RepoPaths.SharedData, "langid", "lingua_sentences.tsv")))
        {
            var parts = line.Split('\t', 2);
            if (parts.Length == 2 && taken.TryGetValue(parts[0], out int n) && n < perLanguage && parts[1].Length is >= 25 and <= 140)
            {
                taken[parts[0]] = n + 1;
                sentences.Add((parts[0], parts[1]));
            }
        }

        return sentences;
    }

    /// <summary>Distinct real photographs (JPEG, 20–210 KB) of the shared near-duplicate set, one per scene.</summary>
    public static IReadOnlyList<byte[]> Photos()
    {
        string root = Path.Combine(RepoPaths.SharedData, "images-neardup");
        string[] names =
        [
            "imagededup/base_images/ukbench00120.jpg", "imagededup/base_images/ukbench01380.jpg", "imagededup/base_images/ukbench08976.jpg",
            "imagededup/base_images/ukbench08996.jpg", "imagededup/base_images/ukbench09012.jpg", "imagededup/base_images/ukbench09040.jpg",
            "imagededup/base_images/ukbench09060.jpg", "imagededup/base_images/ukbench09268.jpg", "imagededup/base_images/ukbench09348.jpg",
            "imagededup/base_images/ukbench09380.jpg", "jenssegers-imagehash/forest/forest-high.jpg", "coenm-imagehash/Github_1.jpg",
        ];
        return names.Select(n => File.ReadAllBytes(Path.Combine(root, n))).ToArray();
    }
}
