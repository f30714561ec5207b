using System.Runtime.CompilerServices;
using MellaPipeline.Input;
using MellaPipeline.Records;
using Parquet;

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

    public static IAsyncEnumerable<PairRecord> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync<PairRecord>(path, async columns =>
        {
            var key = await columns.StringsAsync(ShardSchema.Key);
            var lang = await columns.StringsAsync(ShardSchema.Lang);
            var script = await columns.StringsAsync(ShardSchema.Script);
            var source = await columns.StringsAsync(ShardSchema.Source);
            var text = await columns.StringsAsync(ShardSchema.Text);
            var imageBytes = await columns.BytesAsync(ShardSchema.ImageBytes);
            var imagePath = await columns.StringsAsync(ShardSchema.ImagePath);
            var url = await columns.StringsAsync(ShardSchema.Url);
            var pageUrl = await columns.StringsAsync(ShardSchema.PageUrl);
            var width = await columns.IntsAsync(ShardSchema.Width);
            var height = await columns.IntsAsync(ShardSchema.Height);
            var sha256 = await columns.StringsAsync(ShardSchema.Sha256);
            var phash = await columns.StringsAsync(ShardSchema.Phash);
            var dupCluster = await columns.StringsAsync(ShardSchema.DupCluster);
            var captionModel = await columns.StringsAsync(ShardSchema.CaptionModel);
            var captionSourceLang = await columns.StringsAsync(ShardSchema.CaptionSourceLang);
            var origin = await columns.StringsAsync(ShardSchema.Origin);
            var origWidth = await columns.IntsAsync(ShardSchema.OrigWidth);
            var origHeight = await columns.IntsAsync(ShardSchema.OrigHeight);
            var imageOps = await columns.StringsAsync(ShardSchema.ImageOps);
            var captionPromptId = await columns.StringsAsync(ShardSchema.CaptionPromptId);
            var captionTranslator = await columns.StringsAsync(ShardSchema.CaptionTranslator);
            return i => new PairRecord
            {
                Key = key[i]!,
                Origin = origin[i]!,
                Lang = lang[i]!,
                Script = script[i]!,
                Source = source[i]!,
                Text = text[i]!,
                ImageBytes = imageBytes[i],
                ImagePath = imagePath[i],
                Url = url[i],
                PageUrl = pageUrl[i],
                Width = width[i],
                Height = height[i],
                Sha256 = sha256[i]!,
                Phash = phash[i],
                DupCluster = dupCluster[i]!,
                CaptionModel = captionModel[i],
                CaptionSourceLang = captionSourceLang[i],
                OrigWidth = origWidth[i],
                OrigHeight = origHeight[i],
                ImageOps = imageOps[i],
                CaptionPromptId = captionPromptId[i],
                CaptionTranslator = captionTranslator[i],
            };
        }, cancellationToken);

    /// <summary>
    /// What near-duplicate clustering needs of each row, without the image bytes: read column by
    /// column, so a shard's images are never loaded.
    /// </summary>
    public static IAsyncEnumerable<ShardImageRow> ReadImageRowsAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync<ShardImageRow>(path, async columns =>
        {
            var key = await columns.StringsAsync(ShardSchema.Key);
            var lang = await columns.StringsAsync(ShardSchema.Lang);
            var source = await columns.StringsAsync(ShardSchema.Source);
            var text = await columns.StringsAsync(ShardSchema.Text);
            var width = await columns.IntsAsync(ShardSchema.OrigWidth);
            var height = await columns.IntsAsync(ShardSchema.OrigHeight);
            var sha256 = await columns.StringsAsync(ShardSchema.Sha256);
            var phash = await columns.StringsAsync(ShardSchema.Phash);
            return i => new ShardImageRow(key[i]!, lang[i]!, source[i]!, text[i]!, width[i], height[i], sha256[i]!, phash[i]);
        }, cancellationToken);

    /// <summary>What <c>mella coverage</c> counts of each row, without the image bytes.</summary>
    public static IAsyncEnumerable<CoverageRow> ReadCoverageRowsAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync<CoverageRow>(path, async columns =>
        {
            var lang = await columns.StringsAsync(ShardSchema.Lang);
            var source = await columns.StringsAsync(ShardSchema.Source);
            var script = await columns.StringsAsync(ShardSchema.Script);
            var text = await columns.StringsAsync(ShardSchema.Text);
            var sha256 = await columns.StringsAsync(ShardSchema.Sha256);
            var cluster = await columns.StringsAsync(ShardSchema.DupCluster);
            var pageUrl = await columns.StringsAsync(ShardSchema.PageUrl);
            var url = await columns.StringsAsync(ShardSchema.Url);
            var width = await columns.IntsAsync(ShardSchema.Width);
            var height = await columns.IntsAsync(ShardSchema.Height);
            return i => new CoverageRow(lang[i]!, source[i]!, script[i]!, text[i]!, sha256[i]!, cluster[i]!, pageUrl[i], url[i], width[i], height[i]);
        }, cancellationToken);

    /// <summary>What <c>mella split</c> groups and stratifies each row by, without the text or the image.</summary>
    public static IAsyncEnumerable<SplitRow> ReadSplitRowsAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync<SplitRow>(path, async columns =>
        {
            var key = await columns.StringsAsync(ShardSchema.Key);
            var lang = await columns.StringsAsync(ShardSchema.Lang);
            var source = await columns.StringsAsync(ShardSchema.Source);
            var cluster = await columns.StringsAsync(ShardSchema.DupCluster);
            var pageUrl = await columns.StringsAsync(ShardSchema.PageUrl);
            var url = await columns.StringsAsync(ShardSchema.Url);
            var sha256 = await columns.StringsAsync(ShardSchema.Sha256);
            return i => new SplitRow(key[i]!, lang[i]!, source[i]!, cluster[i]!, sha256[i]!, pageUrl[i], url[i]);
        }, cancellationToken);

    /// <summary>What <c>mella eval</c> needs of a held-out row — key, language, source, caption — without the image.</summary>
    public static IAsyncEnumerable<ReferenceRow> ReadReferenceRowsAsync(string path, CancellationToken cancellationToken = default) =>
        ReadRowsAsync<ReferenceRow>(path, async columns =>
        {
            var key = await columns.StringsAsync(ShardSchema.Key);
            var lang = await columns.StringsAsync(ShardSchema.Lang);
            var source = await columns.StringsAsync(ShardSchema.Source);
            var text = await columns.StringsAsync(ShardSchema.Text);
            return i => new ReferenceRow(key[i]!, lang[i]!, source[i]!, text[i]!);
        }, cancellationToken);

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
    /// Rows of a shard, one row group at a time: <paramref name="readGroup"/> reads the columns it
    /// needs of a row group and returns how to make row i of it.
    /// </summary>
    private static async IAsyncEnumerable<T> ReadRowsAsync<T>(
        string path, Func<RowGroupColumns, Task<Func<int, T>>> readGroup, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var columns = new RowGroupColumns(group, cancellationToken);
            var row = await readGroup(columns);
            for (int i = 0; i < columns.Count; i++)
            {
                yield return row(i);
            }
        }
    }

    private sealed class RowGroupColumns(ParquetRowGroupReader group, CancellationToken cancellationToken)
    {
        public int Count { get; } = checked((int)group.RowCount);

        public async Task<string?[]> StringsAsync(global::Parquet.Schema.DataField field)
        {
            var values = new string?[Count];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            return values;
        }

        public async Task<byte[]?[]> BytesAsync(global::Parquet.Schema.DataField field)
        {
            var values = new byte[]?[Count];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            return values;
        }

        public async Task<int[]> IntsAsync(global::Parquet.Schema.DataField field)
        {
            var values = new int[Count];
            await group.ReadAsync<int>(field, values.AsMemory(), null, cancellationToken);
            return values;
        }
    }
}

/// <summary>The columns of a shard row that near-duplicate clustering decides on; the size is the image's original size.</summary>
public sealed record ShardImageRow(string Key, string Lang, string Source, string Text, int OrigWidth, int OrigHeight, string Sha256, string? Phash);

/// <summary>The columns of a shard row that coverage statistics count.</summary>
public sealed record CoverageRow(string Lang, string Source, string Script, string Text, string Sha256, string DupCluster, string? PageUrl, string? Url, int Width, int Height);

/// <summary>The columns of a shard row that <c>mella split</c> groups and stratifies by.</summary>
public sealed record SplitRow(string Key, string Lang, string Source, string DupCluster, string Sha256, string? PageUrl, string? Url);

/// <summary>The columns of a shard row that scoring reads as a reference.</summary>
public sealed record ReferenceRow(string Key, string Lang, string Source, string Text);
