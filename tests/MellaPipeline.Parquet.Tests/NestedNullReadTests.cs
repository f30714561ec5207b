using MellaPipeline.TestSupport;

namespace MellaPipeline.Parquet.Tests;

/// <summary>
/// Rows stored by reference (no image bytes) between rows with images: each row reads back its own bytes and path, as
/// DuckDB reads them, not its neighbour's (Parquet.Net reads a field of a struct densely; the reader puts values back).
/// </summary>
public class NestedNullReadTests
{
    [Fact]
    public async Task Image_bytes_and_path_read_back_in_their_own_rows_around_rows_stored_by_reference()
    {
        using var dir = new TempDir();
        var rows = Enumerable.Range(0, 7).Select(i => DatasetShards.Row("cs", $"Fotografie číslo {i} z Prahy", imageSeed: i + 1)).ToList();
        foreach (int i in new[] { 1, 4, 5 })
        {
            rows[i] = rows[i] with { ImageBytes = null, ImagePath = rows[i].Url };
        }

        rows[2] = rows[2] with { ImagePath = "photo-2.png" };
        await DatasetShards.WriteAsync(dir.Path, rows, shardMaxRows: 1000);

        var read = new List<Records.PairRecord>();
        foreach (var shard in ShardReader.FindShards(dir.Path))
        {
            await foreach (var record in ShardReader.ReadAsync(shard))
            {
                read.Add(record);
            }
        }

        var duck = DuckDb.Query($"SELECT key, image.bytes, image.path FROM {DatasetShards.Sql(dir.Path)}").ToDictionary(r => (string)r[0]!);
        Assert.Equal(rows.Count, read.Count);
        foreach (var record in read)
        {
            var expected = rows.Single(r => r.Key == record.Key);
            Assert.Equal(expected.ImageBytes, record.ImageBytes);
            Assert.Equal(expected.ImagePath, record.ImagePath);
            Assert.Equal((byte[]?)duck[record.Key][1], record.ImageBytes);
            Assert.Equal((string?)duck[record.Key][2], record.ImagePath);
        }
    }

    [Fact]
    public async Task Image_leaves_of_a_shard_written_by_duckdb_with_null_structs_and_null_leaves_read_as_duckdb_reads_them()
    {
        using var dir = new TempDir();
        string ours = Path.Combine(dir.Path, "ours"), theirs = Path.Combine(dir.Path, "theirs.parquet");
        var rows = Enumerable.Range(0, 8).Select(i => DatasetShards.Row("hu", $"Budapesti fénykép {i}: a Lánchíd", imageSeed: i + 1)).ToList();
        await DatasetShards.WriteAsync(ours, rows);

        // Another tool's shard: DuckDB rewrites it with a null image struct (definition level 0) in rows 1 and 6, a null
        // bytes leaf (level 1) in rows 2 and 5, a null path in row 3.
        DuckDb.Query($$"""
            COPY (SELECT * REPLACE (CASE
                WHEN key IN ('{{rows[1].Key}}', '{{rows[6].Key}}') THEN NULL
                WHEN key IN ('{{rows[2].Key}}', '{{rows[5].Key}}') THEN {'bytes': NULL::BLOB, 'path': 'https://img.example/' || key || '.png'}
                WHEN key = '{{rows[3].Key}}' THEN {'bytes': image.bytes, 'path': NULL::VARCHAR}
                ELSE image END AS image)
            FROM {{DatasetShards.Sql(ours)}} ORDER BY key) TO '{{theirs}}' (FORMAT parquet)
            """);
        await AssertLeavesAsDuckDbReadsThem(theirs, nullStructs: 2, nullBytes: 4);
    }

    private static Dictionary<string, global::Parquet.Schema.DataField> ImageLeaves(global::Parquet.ParquetReader reader) =>
        reader.Schema.GetDataFields().Where(f => f.Path.ToList() is [var parent, _] && parent == ShardColumns.Image.Name).ToDictionary(f => f.Path.ToList()[1]);

    /// <summary>The image leaves, read by the fields of the file's own schema (as the report's gallery reads them), equal DuckDB's view.</summary>
    private static async Task AssertLeavesAsDuckDbReadsThem(string file, int nullStructs, int nullBytes)
    {
        var duck = DuckDb.Query($"SELECT key, image.bytes, image.path, image IS NULL FROM read_parquet('{file}')").ToDictionary(r => (string)r[0]!);
        Assert.Equal(nullStructs, duck.Values.Count(r => (bool)r[3]!));
        Assert.Equal(nullBytes, duck.Values.Count(r => r[1] is null));

        await using var reader = await global::Parquet.ParquetReader.CreateAsync(file);
        using var group = reader.OpenRowGroupReader(0);
        int count = (int)group.RowCount;
        var fields = ImageLeaves(reader);
        var keys = await NestedValues.ReadAsync<string>(group, reader.Schema.GetDataFields().Single(f => f.Path.ToList() is ["key"]), count, CancellationToken.None);
        var bytes = await NestedValues.ReadAsync<byte[]>(group, fields["bytes"], count, CancellationToken.None);
        var paths = await NestedValues.ReadAsync<string>(group, fields["path"], count, CancellationToken.None);
        Assert.Equal(duck.Count, count);
        Assert.Equal(
            string.Join(" ", keys.Select(k => $"{(duck[k!][1] is byte[] b ? b.Length : -1)}/{duck[k!][2] ?? "-"}")),
            string.Join(" ", Enumerable.Range(0, count).Select(i => $"{(bytes[i] is byte[] b ? b.Length : -1)}/{paths[i] ?? "-"}")));
        for (int i = 0; i < count; i++)
        {
            Assert.Equal((byte[]?)duck[keys[i]!][1], bytes[i]);
            Assert.Equal((string?)duck[keys[i]!][2], paths[i]);
        }
    }
}
