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
}
