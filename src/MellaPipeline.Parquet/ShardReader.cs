using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using MellaPipeline.Input;
using MellaPipeline.Records;
using Parquet;
using C = MellaPipeline.Parquet.ShardColumns;

namespace MellaPipeline.Parquet;

/// <summary>Reads dataset shards back into <see cref="PairRecord"/>s, one row group at a time.</summary>
public static class ShardReader
{
    /// <summary>
    /// The shard files of a dataset given as a run directory, its <c>shards/</c> folder or one
    /// <c>.parquet</c> file, in name order (which is rank, then sequence).
    /// </summary>
    /// <exception cref="InvalidDataException">The dataset is a FIFO or device (never opened: a FIFO would block).</exception>
    public static IReadOnlyList<string> FindShards(string dataset)
    {
        switch (UserFile.KindOf(dataset))
        {
            case UserFileKind.RegularFile:
                return [Path.GetFullPath(dataset)];
            case UserFileKind.Special:
                throw new InvalidDataException(UserFile.NotRegularFile(dataset));
        }

        string folder = Directory.Exists(Path.Combine(dataset, "shards")) ? Path.Combine(dataset, "shards") : dataset;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{dataset}: no such dataset folder");
        }

        return Directory.EnumerateFiles(folder, "*.parquet").Where(f => UserFile.KindOf(f) == UserFileKind.RegularFile).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// A record from every column of a row: one initializer that sets each column's property,
    /// compiled once from the table so that a new column needs no line here.
    /// </summary>
    private static readonly Func<ShardRow, PairRecord> MakeRecord = CompileMakeRecord();

    private static Func<ShardRow, PairRecord> CompileMakeRecord()
    {
        var row = Expression.Parameter(typeof(ShardRow), "row");
        var record = Expression.MemberInit(Expression.New(typeof(PairRecord)), C.Leaves.Select(c => c.Bind(row)));
        return Expression.Lambda<Func<ShardRow, PairRecord>>(record, row).Compile();
    }

    /// <summary>Every column of every row.</summary>
    public static IAsyncEnumerable<PairRecord> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(path, C.Leaves, MakeRecord, cancellationToken);

    /// <summary>
    /// What near-duplicate clustering needs of each row, without the image bytes: read column by
    /// column, so a shard's images are never loaded.
    /// </summary>
    public static IAsyncEnumerable<ShardImageRow> ReadImageRowsAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(path, [C.Key, C.Lang, C.Source, C.Text, C.OrigWidth, C.OrigHeight, C.Sha256, C.Phash, C.DupCluster, C.PhashWindows],
            r => new ShardImageRow(r.Get(C.Key)!, r.Get(C.Lang)!, r.Get(C.Source)!, r.Get(C.Text)!, r.Get(C.OrigWidth), r.Get(C.OrigHeight), r.Get(C.Sha256) ?? r.Get(C.Key)!, r.Get(C.Phash), r.Get(C.DupCluster)) { PhashWindows = r.Get(C.PhashWindows) },
            cancellationToken);

    /// <summary>What <c>mella coverage</c> counts of each row, without the image bytes.</summary>
    public static IAsyncEnumerable<CoverageRow> ReadCoverageRowsAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(path, [C.Lang, C.Source, C.Script, C.Text, C.Sha256, C.DupCluster, C.PageUrl, C.Url, C.Width, C.Height, C.AlignScore, C.NsfwScore],
            r => new CoverageRow(r.Get(C.Lang)!, r.Get(C.Source)!, r.Get(C.Script)!, r.Get(C.Text)!, ImageIdentity(r.Get(C.Sha256), r.Get(C.Url) ?? r.Get(C.Text)!), r.Get(C.DupCluster)!, r.Get(C.PageUrl), r.Get(C.Url), r.Get(C.Width), r.Get(C.Height), r.Get(C.AlignScore), r.Get(C.NsfwScore)),
            cancellationToken);

    /// <summary>What <c>mella split</c> groups and stratifies each row by, without the text or the image.</summary>
    public static IAsyncEnumerable<SplitRow> ReadSplitRowsAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(path, [C.Key, C.Lang, C.Source, C.DupCluster, C.PageUrl, C.Url, C.Sha256],
            r => new SplitRow(r.Get(C.Key)!, r.Get(C.Lang)!, r.Get(C.Source)!, r.Get(C.DupCluster)!, ImageIdentity(r.Get(C.Sha256), r.Get(C.Url) ?? r.Get(C.Key)!), r.Get(C.PageUrl), r.Get(C.Url)),
            cancellationToken);

    /// <summary>
    /// What stands for a row's image where images are counted or grouped: its <c>sha256</c>, or for a
    /// row read without its image (<c>load_images.enabled: false</c>) the SHA-256 of its URL, so rows
    /// naming the same URL still count as one image and land on the same side of a split.
    /// </summary>
    private static string ImageIdentity(string? sha256, string url) =>
        sha256 ?? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url)));

    /// <summary>What <c>mella eval</c> needs of a held-out row — key, language, source, caption — without the image.</summary>
    public static IAsyncEnumerable<ReferenceRow> ReadReferenceRowsAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(path, [C.Key, C.Lang, C.Source, C.Text],
            r => new ReferenceRow(r.Get(C.Key)!, r.Get(C.Lang)!, r.Get(C.Source)!, r.Get(C.Text)!),
            cancellationToken);

    /// <summary>The pipeline name and perceptual-hash algorithm a shard's key-value metadata records.</summary>
    public static async Task<(string Pipeline, string PhashAlgorithm, string SchemaVersion)> ReadMetadataAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        var metadata = reader.CustomMetadata;
        return (
            metadata.GetValueOrDefault(ShardSchema.PipelineMetadataKey) ?? "",
            metadata.GetValueOrDefault(ShardSchema.PhashAlgorithmMetadataKey) ?? ShardSchema.NoPhashAlgorithm,
            metadata.GetValueOrDefault(ShardSchema.SchemaVersionMetadataKey) ?? "");
    }

    /// <summary>
    /// <see cref="ReadMetadataAsync"/> of a shard a command is about to read row by row: one written under another
    /// shard schema version is refused, naming the shard and both versions.
    /// </summary>
    /// <exception cref="InvalidDataException">The shard's schema version is not <see cref="ShardSchema.Version"/>.</exception>
    public static async Task<(string Pipeline, string PhashAlgorithm)> ReadCurrentMetadataAsync(string path, CancellationToken cancellationToken = default)
    {
        var (pipeline, phashAlgorithm, version) = await ReadMetadataAsync(path, cancellationToken);
        if (version != ShardSchema.Version)
        {
            throw new InvalidDataException($"{path}: shard schema version '{version}', this mella reads version {ShardSchema.Version}");
        }

        return (pipeline, phashAlgorithm);
    }

    /// <summary>A shard's row count, from its footer.</summary>
    public static async Task<long> CountRowsAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        long rows = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            rows += group.RowCount;
        }

        return rows;
    }

    /// <summary>
    /// Rows of a shard, one row group at a time: reads the <paramref name="columns"/> of a row
    /// group (and no other, so a projection without the image never loads it) and makes each of
    /// its rows with <paramref name="row"/>.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadRowsAsync<T>(
        string path, IReadOnlyList<ShardValueColumn> columns, Func<ShardRow, T> row, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        // Only phash_windows, by its full path, may be missing: any other absent column stays the read error it is.
        bool windowsMissing = !reader.Schema.GetDataFields().Any(f => f.Path.ToList() is [var only] && only == ShardColumns.PhashWindows.Name);
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int count = checked((int)group.RowCount);
            var values = new Array?[ShardColumns.Leaves.Count];
            foreach (var column in columns)
            {
                // A shard written before phash_windows existed reads as if every value were null.
                values[column.Ordinal] = windowsMissing && ReferenceEquals(column, ShardColumns.PhashWindows)
                    ? new string?[count]
                    : await column.ReadAsync(group, count, cancellationToken);
            }

            for (int i = 0; i < count; i++)
            {
                yield return row(new ShardRow(values, i));
            }
        }
    }
}

/// <summary>One row of a row group as <see cref="ShardReader"/> read it: the values of the columns it was asked for.</summary>
public readonly struct ShardRow
{
    private readonly Array?[] _values;
    private readonly int _index;

    internal ShardRow(Array?[] values, int index)
    {
        _values = values;
        _index = index;
    }

    /// <exception cref="InvalidOperationException">The column was not among those read.</exception>
    public T Get<T>(ShardValueColumn<T> column) =>
        _values[column.Ordinal] is T[] values
            ? values[_index]
            : throw new InvalidOperationException($"column '{column.Name}' was not read for this projection");

    /// <summary>A column's value whatever its type, for code that picks columns by name (<c>--where</c>).</summary>
    /// <exception cref="InvalidOperationException">The column was not among those read.</exception>
    public object? GetValue(ShardValueColumn column) =>
        _values[column.Ordinal] is { } values
            ? values.GetValue(_index)
            : throw new InvalidOperationException($"column '{column.Name}' was not read for this projection");
}

/// <summary>The columns of a shard row that near-duplicate clustering decides on; the size is the image's original size.</summary>
/// <param name="Sha256">The image's SHA-256, or the row's key for a row read without its image (its own cluster).</param>
/// <param name="DupCluster">Empty for a freshly staged row; a row staged again from a finished dataset (a transient retry) brings its cluster id.</param>
public sealed record ShardImageRow(string Key, string Lang, string Source, string Text, int OrigWidth, int OrigHeight, string Sha256, string? Phash, string? DupCluster = null)
{
    /// <summary>The row's <c>phash_windows</c>; null in shards written before the column existed.</summary>
    public string? PhashWindows { get; init; }
}

/// <summary>The columns of a shard row that coverage statistics count; <c>Sha256</c> is the image's identity (see <c>ImageIdentity</c>).</summary>
public sealed record CoverageRow(
    string Lang, string Source, string Script, string Text, string Sha256, string DupCluster, string? PageUrl, string? Url, int Width, int Height,
    float? AlignScore = null, float? NsfwScore = null);

/// <summary>The columns of a shard row that <c>mella split</c> groups and stratifies by; <c>Sha256</c> is the image's identity (see <c>ImageIdentity</c>).</summary>
public sealed record SplitRow(string Key, string Lang, string Source, string DupCluster, string Sha256, string? PageUrl, string? Url);

/// <summary>The columns of a shard row that scoring reads as a reference.</summary>
public sealed record ReferenceRow(string Key, string Lang, string Source, string Text);
