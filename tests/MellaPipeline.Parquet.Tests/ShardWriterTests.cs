using System.Security.Cryptography;
using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Parquet.Tests;

public class ShardWriterTests
{
    private static PairRecord Row(int i, int imageSize = 24, bool withBytes = true)
    {
        var (lang, text) = Captions.All[i % Captions.All.Count];
        byte[] png = SyntheticPng.Create(imageSize + i % 7, imageSize, i);
        bool mllm = i % 3 == 0;
        string sha = Convert.ToHexStringLower(SHA256.HashData(png));
        return new PairRecord
        {
            Key = PairKey.For(mllm ? "mllm" : "native", $"https://e.org/{i}.jpg", null, text),
            Origin = $"test@{i}",
            Lang = lang,
            Script = Languages.Scripts.Detect(text),
            Source = mllm ? "mllm" : "native",
            Text = $"{text} #{i}",
            ImageBytes = withBytes ? png : null,
            ImagePath = $"{i}.png",
            Url = $"https://e.org/{i}.jpg",
            PageUrl = i % 5 == 0 ? null : "https://e.org/page",
            Width = imageSize + i % 7,
            Height = imageSize,
            Sha256 = sha,
            Phash = null,
            DupCluster = sha[..16],
            CaptionModel = mllm ? "test-captioner" : null,
            CaptionSourceLang = mllm ? "en" : null,
            OrigWidth = (imageSize + i % 7) * 2,
            OrigHeight = imageSize * 2,
            ImageOps = i % 4 == 0 ? "orient=6;resize=keep_ratio:48x48" : null,
        };
    }

    private static async Task<(ParquetShardWriter Writer, List<PairRecord> Rows)> Write(string dir, int count, OutputOptions output, Func<int, PairRecord>? make = null)
    {
        var writer = new ParquetShardWriter(new ShardWriterOptions(dir, Rank: 3, output, "unit"));
        var rows = Enumerable.Range(0, count).Select(make ?? (i => Row(i))).ToList();
        await using (writer)
        {
            foreach (var row in rows)
            {
                await writer.WriteAsync(row, default);
            }

            await writer.CompleteAsync(default);
        }

        return (writer, rows);
    }

    private static string Glob(string dir) => $"read_parquet('{Path.Combine(dir, "*.parquet")}')";

    [Fact]
    public async Task DuckDB_reads_the_spec_columns_with_their_types()
    {
        using var dir = new TempDir();
        await Write(dir.Path, 10, new OutputOptions());

        var columns = DuckDb.Query($"DESCRIBE SELECT * FROM {Glob(dir.Path)}")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);

        Assert.Equal(ShardSchema.ColumnNames, columns.Keys.ToArray());
        Assert.Equal("STRUCT(bytes BLOB, path VARCHAR)", columns["image"]);
        Assert.Equal("INTEGER", columns["width"]);
        Assert.Equal("INTEGER", columns["height"]);
        Assert.All(new[] { "key", "lang", "script", "source", "text", "url", "page_url", "sha256", "phash", "dup_cluster", "caption_model", "caption_source_lang" },
            c => Assert.Equal("VARCHAR", columns[c]));
    }

    [Fact]
    public async Task Rows_round_trip_through_DuckDB_with_decodable_images_and_exact_text()
    {
        using var dir = new TempDir();
        var (_, rows) = await Write(dir.Path, 40, new OutputOptions { ShardMaxRows = 15 });

        var read = DuckDb.Query($"SELECT key, lang, source, text, image.bytes, image.path, width, height, sha256, page_url, caption_model FROM {Glob(dir.Path)}")
            .ToDictionary(r => (string)r[0]!);

        Assert.Equal(rows.Count, read.Count);
        foreach (var row in rows)
        {
            var r = read[row.Key];
            Assert.Equal((row.Lang, row.Source, row.Text), ((string)r[1]!, (string)r[2]!, (string)r[3]!));
            var bytes = (byte[])r[4]!;
            Assert.Equal(row.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            using var bitmap = SKBitmap.Decode(bytes);
            Assert.Equal((row.Width, row.Height), (bitmap.Width, bitmap.Height));
            Assert.Equal((row.Width, row.Height), ((int)r[6]!, (int)r[7]!));
            Assert.Equal(row.ImagePath, r[5]);
            Assert.Equal(row.PageUrl, r[9]);
            Assert.Equal(row.CaptionModel, r[10]);
        }
    }

    [Fact]
    public async Task Every_file_carries_the_huggingface_features_and_schema_metadata()
    {
        using var dir = new TempDir();
        await Write(dir.Path, 3, new OutputOptions());
        string file = Directory.EnumerateFiles(dir.Path, "*.parquet").Single();

        var metadata = DuckDb.Query($"SELECT decode(key), decode(value) FROM parquet_kv_metadata('{file}')")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);

        using var features = JsonDocument.Parse(metadata["huggingface"]);
        var f = features.RootElement.GetProperty("info").GetProperty("features");
        Assert.Equal("Image", f.GetProperty("image").GetProperty("_type").GetString());
        Assert.Equal("int32", f.GetProperty("width").GetProperty("dtype").GetString());
        Assert.Equal("string", f.GetProperty("text").GetProperty("dtype").GetString());
        Assert.Equal(ShardSchema.ColumnNames, f.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(ShardSchema.Version, metadata["mella.schema_version"]);
        Assert.Equal("none", metadata["mella.phash_algorithm"]);
        Assert.Equal("none", metadata["mella.phash_windows_algorithm"]);
        Assert.Equal("unit", metadata["mella.pipeline"]);
    }

    [Fact]
    public async Task Shards_are_bounded_by_rows_named_by_rank_and_sequence_and_described_exactly()
    {
        using var dir = new TempDir();
        var (writer, rows) = await Write(dir.Path, 25, new OutputOptions { ShardMaxRows = 10, RowGroupMaxRows = 4 });

        Assert.Equal(["part-00003-00000.parquet", "part-00003-00001.parquet", "part-00003-00002.parquet"],
            Directory.EnumerateFiles(dir.Path).Select(f => Path.GetFileName(f)!).Order().ToArray());
        Assert.Equal([10L, 10L, 5L], writer.Shards.Select(s => s.Rows).ToArray());
        foreach (var shard in writer.Shards)
        {
            string path = Path.Combine(dir.Path, shard.Path);
            Assert.Equal(shard.Rows, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM read_parquet('{path}')")));
            Assert.Equal(new FileInfo(path).Length, shard.Bytes);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), shard.Sha256);
            long fromDuck = DuckDb.Query($"SELECT lang, source, count(*) FROM read_parquet('{path}') GROUP BY ALL").Sum(r => Convert.ToInt64(r[2]));
            Assert.Equal(shard.Rows, fromDuck);
            Assert.Equal(shard.Rows, shard.Counts.Total);
        }

        // Row groups of at most 4 rows.
        Assert.All(DuckDb.Query($"SELECT row_group_num_rows FROM parquet_metadata('{Path.Combine(dir.Path, "*.parquet")}')"),
            r => Assert.InRange(Convert.ToInt64(r[0]), 1, 4));
        Assert.Equal(rows.Count, (int)writer.Shards.Sum(s => s.Rows));
    }

    [Fact]
    public async Task Shards_stay_under_the_byte_bound()
    {
        using var dir = new TempDir();
        const long bound = 20 << 10;
        var (writer, rows) = await Write(dir.Path, 60, new OutputOptions { ShardMaxBytes = bound, RowGroupMaxBytes = 8 << 10 }, i => Row(i, imageSize: 64));

        Assert.True(writer.Shards.Count >= 3, $"expected several shards, got {writer.Shards.Count}");
        Assert.All(writer.Shards, s => Assert.True(s.Bytes <= bound, $"{s.Path} has {s.Bytes} bytes > {bound}"));
        Assert.Equal(rows.Count, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {Glob(dir.Path)}")));
    }

    [Fact]
    public async Task Snappy_shards_and_images_by_reference_are_readable()
    {
        using var dir = new TempDir();
        await Write(dir.Path, 12, new OutputOptions { Compression = ShardCompression.Snappy }, i => Row(i, withBytes: false));

        var rows = DuckDb.Query($"SELECT image.bytes IS NULL, image.path FROM {Glob(dir.Path)}");
        var codecs = DuckDb.Query($"SELECT DISTINCT compression FROM parquet_metadata('{Path.Combine(dir.Path, "*.parquet")}') WHERE path_in_schema NOT LIKE '%bytes'");

        Assert.Equal(12, rows.Count);
        Assert.All(rows, r => Assert.True((bool)r[0]!));
        Assert.Equal("SNAPPY", Assert.Single(codecs)[0]);
    }

    [Theory]
    [InlineData(ShardCompression.Zstd, "ZSTD")]
    [InlineData(ShardCompression.Snappy, "SNAPPY")]
    public async Task Encoded_images_are_stored_uncompressed_and_every_other_column_with_the_shard_codec(ShardCompression compression, string codec)
    {
        using var dir = new TempDir();
        var (_, rows) = await Write(dir.Path, 30, new OutputOptions { Compression = compression, RowGroupMaxRows = 8 });

        var chunks = DuckDb.Query($"SELECT path_in_schema, compression FROM parquet_metadata('{Path.Combine(dir.Path, "*.parquet")}')");
        var images = DuckDb.Query($"SELECT image.bytes FROM {Glob(dir.Path)} ORDER BY key");

        Assert.Equal(4 * ShardColumns.Leaves.Count, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(((string)c[0]!).EndsWith("bytes", StringComparison.Ordinal) ? "UNCOMPRESSED" : codec, c[1]));
        Assert.Equal(rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.ImageBytes), images.Select(r => (byte[])r[0]!));
    }

    [Fact]
    public async Task The_writers_own_reader_returns_what_was_written()
    {
        using var dir = new TempDir();
        var (_, rows) = await Write(dir.Path, 21, new OutputOptions { ShardMaxRows = 8 });

        var read = new List<PairRecord>();
        foreach (var shard in ShardReader.FindShards(dir.Path))
        {
            await foreach (var row in ShardReader.ReadAsync(shard))
            {
                read.Add(row);
            }
        }

        Assert.Equal(rows.Select(r => r with { Origin = "" }), read.Select(r => r with { Origin = "" }), new RowComparer());
    }

    [Fact]
    public async Task Disposing_without_completing_leaves_no_shard_behind()
    {
        using var dir = new TempDir();
        await using (var writer = new ParquetShardWriter(new ShardWriterOptions(dir.Path, 0, new OutputOptions { RowGroupMaxRows = 2 }, "unit")))
        {
            for (int i = 0; i < 5; i++)
            {
                await writer.WriteAsync(Row(i), default);
            }
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Manifest_lists_shards_and_adds_up_their_counts()
    {
        var ru = new LanguageSourceCounts();
        ru.Add("ru", "native", 3);
        var th = new LanguageSourceCounts();
        th.Add("th", "mllm", 2);
        th.Add("ru", "native", 1);

        var manifest = DatasetManifest.FromShards("p", "none", [new ShardInfo("a", 3, 10, "x", ru), new ShardInfo("b", 3, 20, "y", th)]);
        using var dir = new TempDir();
        manifest.Write(dir.File("manifest.json"));
        var read = DatasetManifest.Read(dir.File("manifest.json"));

        Assert.Equal((6L, 30L), (read.Rows, read.Bytes));
        Assert.Equal(4, read.Counts["ru"]["native"]);
        Assert.Equal(2, read.Counts["th"]["mllm"]);
        Assert.Equal(["a", "b"], read.Shards.Select(s => s.Path).ToArray());
    }

    private sealed class RowComparer : IEqualityComparer<PairRecord>
    {
        public bool Equals(PairRecord? x, PairRecord? y) =>
            x is not null && y is not null
            && (x with { ImageBytes = null }) == (y with { ImageBytes = null })
            && (x.ImageBytes ?? []).AsSpan().SequenceEqual(y.ImageBytes ?? []);

        public int GetHashCode(PairRecord obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }
}
