using System.Reflection;
using System.Text;
using MellaPipeline.Config;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Parquet.Tests;

/// <summary>The column table is what the files, the readers and the schema documents hold.</summary>
public class ShardColumnsTests
{
    private const string WriteSchemasVariable = "MELLA_WRITE_SCHEMAS";

    /// <summary>A row whose every property has a value of its own, so a column wired to the wrong property shows.</summary>
    private static PairRecord Distinct(int i) => new()
    {
        Key = $"key-{i}",
        Origin = $"pairs.jsonl@{i * 100}",
        Lang = "ru",
        Script = "Cyrl",
        Source = "mllm",
        Text = $"Кошка на окне {i}",
        ImageBytes = [1, 2, 3, (byte)i],
        ImagePath = $"img-{i}.webp",
        Url = $"https://e.org/{i}.jpg",
        PageUrl = $"https://e.org/page/{i}",
        Width = 100 + i,
        Height = 200 + i,
        Sha256 = $"sha-{i}",
        Phash = $"phash-{i}",
        PhashWindows = i == 1 ? null : $"windows-{i}",
        DupCluster = $"cluster-{i}",
        CaptionModel = $"model-{i}",
        CaptionSourceLang = "en",
        OrigWidth = 300 + i,
        OrigHeight = 400 + i,
        ImageOps = $"resize=keep_ratio:{i}x{i}",
        CaptionPromptId = $"prompt-{i}",
        CaptionTranslator = $"translator-{i}",
        SourceMeta = $"{{\"similarity\": {i}}}",
        // Scores: distinct, and null in one row, so nullability is read back too.
        AlignScore = i == 2 ? null : 0.25f + i,
        AlignModel = $"pack-{i}@1",
        NsfwScore = i == 3 ? null : 0.5f + i,
    };

    private static async Task<string> WriteShard(TempDir dir, IEnumerable<PairRecord> rows)
    {
        await using var writer = new ParquetShardWriter(new ShardWriterOptions(dir.Path, 0, new OutputOptions { RowGroupMaxRows = 2 }, "unit"));
        foreach (var row in rows)
        {
            await writer.WriteAsync(row, default);
        }

        await writer.CompleteAsync(default);
        return Path.Combine(dir.Path, writer.Shards.Single().Path);
    }

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    [Fact]
    public void Every_PairRecord_property_has_exactly_one_leaf_column_named_after_it()
    {
        var properties = typeof(PairRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(properties, ShardColumns.Leaves.Select(c => c.Property.Name).Order(StringComparer.Ordinal));
        Assert.Equal(ShardColumns.All.SelectMany(c => c.Leaves), ShardColumns.Leaves);

        // A field inside a struct is named after both: image.bytes stores ImageBytes.
        Assert.All(ShardColumns.All, c => Assert.All(c.Leaves, leaf => Assert.Equal(leaf == c ? c.Name : $"{c.Name}_{leaf.Name}", SnakeCase(leaf.Property.Name))));
    }

    [Fact]
    public async Task DuckDB_sees_the_tables_columns_in_order_with_their_types_and_nullability()
    {
        using var dir = new TempDir();
        string file = await WriteShard(dir, Enumerable.Range(0, 3).Select(Distinct));

        // parquet_schema lists the root, then every field depth first: a struct, then its fields.
        var schema = DuckDb.Query($"SELECT name, type, converted_type, repetition_type FROM parquet_schema('{file}')").Skip(1)
            .Select(r => string.Join(' ', r.Select(v => v ?? "-")))
            .ToArray();
        var expected = ShardColumns.All.SelectMany(c => c is ImageColumn ? [c, .. c.Leaves] : new[] { c })
            .Select(c => $"{c.Name} {PhysicalType(c)} {ConvertedType(c)} {(c.Nullable ? "OPTIONAL" : "REQUIRED")}")
            .ToArray();
        var described = DuckDb.Query($"DESCRIBE SELECT * FROM read_parquet('{file}')").Select(r => $"{r[0]} {r[1]}").ToArray();

        Assert.Equal(expected, schema);
        Assert.Equal(ShardColumns.All.Select(c => $"{c.Name} {DuckDbType(c)}"), described);
    }

    private static string PhysicalType(ShardColumn c) => c switch
    {
        ImageColumn => "-",
        _ => c.ParquetType.Split(' ')[0],
    };

    /// <summary>The logical annotation Parquet.Net writes beside the physical type.</summary>
    private static string ConvertedType(ShardColumn c) => c switch
    {
        StringColumn => "UTF8",
        IntColumn => "INT_32",
        _ => "-",
    };

    private static string DuckDbType(ShardColumn c) => c switch
    {
        StringColumn => "VARCHAR",
        IntColumn => "INTEGER",
        FloatColumn => "FLOAT",
        BytesColumn => "BLOB",
        ImageColumn => $"STRUCT({string.Join(", ", c.Leaves.Select(f => $"{f.Name} {DuckDbType(f)}"))})",
        _ => throw new NotSupportedException(c.GetType().Name),
    };

    [Fact]
    public async Task Every_column_round_trips_through_the_reader_and_DuckDB()
    {
        using var dir = new TempDir();
        var rows = Enumerable.Range(0, 5).Select(Distinct).ToList();
        string file = await WriteShard(dir, rows);

        var read = new List<PairRecord>();
        await foreach (var row in ShardReader.ReadAsync(file))
        {
            read.Add(row);
        }

        Assert.Equal(rows.Select(r => r with { ImageBytes = null }), read.Select(r => r with { ImageBytes = null }));
        Assert.Equal(rows.Select(r => r.ImageBytes), read.Select(r => r.ImageBytes));

        // DuckDB, another reader, agrees with every column's getter.
        var leafPaths = ShardColumns.All.SelectMany(c => c.Leaves.Select(leaf => leaf == c ? c.Name : $"{c.Name}.{leaf.Name}")).ToArray();
        var duck = DuckDb.Query($"SELECT {string.Join(", ", leafPaths)} FROM read_parquet('{file}')");
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(ShardColumns.Leaves.Select(c => Value(c, rows[i])), duck[i].Select(v => v is byte[] b ? Convert.ToHexString(b) : v));
        }
    }

    private static object? Value(ShardValueColumn column, PairRecord row) => column switch
    {
        StringColumn s => s.Get(row),
        IntColumn n => n.Get(row),
        FloatColumn f => f.Get(row),
        BytesColumn b => b.Get(row) is { } bytes ? Convert.ToHexString(bytes) : null,
        _ => throw new NotSupportedException(column.GetType().Name),
    };

    [Fact]
    public async Task Projections_read_only_their_columns_and_agree_with_the_full_rows()
    {
        using var dir = new TempDir();
        var rows = Enumerable.Range(0, 5).Select(Distinct).ToList();
        string file = await WriteShard(dir, rows);

        var image = await ShardReader.ReadImageRowsAsync(file).ToListAsync();
        var coverage = await ShardReader.ReadCoverageRowsAsync(file).ToListAsync();
        var split = await ShardReader.ReadSplitRowsAsync(file).ToListAsync();
        var reference = await ShardReader.ReadReferenceRowsAsync(file).ToListAsync();

        Assert.Equal(rows.Select(r => new ShardImageRow(r.Key, r.Lang, r.Source, r.Text, r.OrigWidth, r.OrigHeight, r.Sha256!, r.Phash, r.DupCluster) { PhashWindows = r.PhashWindows }), image);
        Assert.Equal(rows.Select(r => new CoverageRow(r.Lang, r.Source, r.Script, r.Text, r.Sha256!, r.DupCluster, r.PageUrl, r.Url, r.Width, r.Height, r.AlignScore, r.NsfwScore)), coverage);
        Assert.Equal(rows.Select(r => new SplitRow(r.Key, r.Lang, r.Source, r.DupCluster, r.Sha256!, r.PageUrl, r.Url)), split);
        Assert.Equal(rows.Select(r => new ReferenceRow(r.Key, r.Lang, r.Source, r.Text)), reference);
    }

    [Fact]
    public async Task A_shard_written_before_phash_windows_existed_reads_with_null_windows()
    {
        using var dir = new TempDir();
        var rows = Enumerable.Range(0, 5).Select(Distinct).ToList();
        // The columns clustering reads, as a shard of schema version 4 had them: no phash_windows.
        string older = await WriteColumns(dir, "older.parquet", rows, [ShardColumns.Key, ShardColumns.Lang, ShardColumns.Source, ShardColumns.Text, ShardColumns.OrigWidth, ShardColumns.OrigHeight, ShardColumns.Sha256, ShardColumns.Phash, ShardColumns.DupCluster]);

        var image = await ShardReader.ReadImageRowsAsync(older).ToListAsync();

        Assert.Equal(rows.Select(r => new ShardImageRow(r.Key, r.Lang, r.Source, r.Text, r.OrigWidth, r.OrigHeight, r.Sha256!, r.Phash, r.DupCluster)), image);
        Assert.All(image, r => Assert.Null(r.PhashWindows));
    }

    [Fact]
    public async Task Only_phash_windows_may_be_missing_another_nullable_column_missing_is_an_error()
    {
        using var dir = new TempDir();
        var rows = Enumerable.Range(0, 5).Select(Distinct).ToList();
        // phash is a nullable string column too, but one every shard has had: its absence is a broken file, not an old one.
        string broken = await WriteColumns(dir, "broken.parquet", rows, [ShardColumns.Key, ShardColumns.Lang, ShardColumns.Source, ShardColumns.Text, ShardColumns.OrigWidth, ShardColumns.OrigHeight, ShardColumns.Sha256, ShardColumns.PhashWindows, ShardColumns.DupCluster]);

        Assert.True(ShardColumns.Phash.Nullable);
        var error = await Assert.ThrowsAsync<global::Parquet.ParquetException>(async () => await ShardReader.ReadImageRowsAsync(broken).ToListAsync());
        Assert.Contains("'phash'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A shard of only <paramref name="columns"/>, as an older or a damaged writer would leave it.</summary>
    private static async Task<string> WriteColumns(TempDir dir, string name, List<PairRecord> rows, ShardValueColumn[] columns)
    {
        string path = Path.Combine(dir.Path, name);
        await using var stream = File.Create(path);
        await using var writer = await global::Parquet.ParquetWriter.CreateAsync(new global::Parquet.Schema.ParquetSchema(columns.Select(c => c.DataField).ToArray()), stream);
        using var group = writer.CreateRowGroup();
        foreach (var column in columns)
        {
            await (column is IntColumn n
                ? group.WriteAsync((global::Parquet.Schema.DataField<int>)n.DataField, (ReadOnlyMemory<int>)rows.Select(n.Get).ToArray(), null, null, CancellationToken.None)
                : group.WriteAsync((global::Parquet.Schema.DataField<string>)column.DataField, rows.Select(((StringColumn)column).Get).ToArray()));
        }

        return path;
    }

    [Fact]
    public void The_huggingface_features_are_the_tables_columns()
    {
        Assert.Equal(
            "{\"info\":{\"features\":{" + string.Join(',', ShardColumns.All.Select(c => $"\"{c.Name}\":{c.HuggingFaceFeature().ToJsonString()}")) + "}}}",
            ShardSchema.HuggingFaceFeaturesJson());
        Assert.Equal("{\"_type\":\"Image\"}", ShardColumns.Image.HuggingFaceFeature().ToJsonString());
        Assert.Equal("{\"dtype\":\"int32\",\"_type\":\"Value\"}", ShardColumns.Width.HuggingFaceFeature().ToJsonString());
    }

    [Fact]
    public void Schema_documents_are_generated_from_the_table()
    {
        string markdownPath = Path.Combine(RepoPaths.Root, "schemas", "shard.md");
        string jsonPath = Path.Combine(RepoPaths.Root, "schemas", "shard.schema.json");
        string markdown = File.ReadAllText(markdownPath);
        string expectedMarkdown = ShardSchemaDocuments.WithMarkdownTable(markdown);
        string expectedJson = ShardSchemaDocuments.JsonSchema();

        if (Environment.GetEnvironmentVariable(WriteSchemasVariable) == "1")
        {
            File.WriteAllText(markdownPath, expectedMarkdown, new UTF8Encoding(false));
            File.WriteAllText(jsonPath, expectedJson, new UTF8Encoding(false));
            markdown = expectedMarkdown;
        }

        string regenerate = $"schemas/shard.md and schemas/shard.schema.json are generated from ShardColumns: regenerate them with " +
            $"{WriteSchemasVariable}=1 dotnet test tests/MellaPipeline.Parquet.Tests -c Release --filter FullyQualifiedName~Schema_documents_are_generated_from_the_table";
        Assert.True(expectedMarkdown == markdown, $"{regenerate} (shard.md differs)");
        Assert.True(File.Exists(jsonPath) && expectedJson == File.ReadAllText(jsonPath), $"{regenerate} (shard.schema.json differs)");
    }
}
