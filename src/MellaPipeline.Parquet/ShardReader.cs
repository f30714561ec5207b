using System.Runtime.CompilerServices;
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
    public static IReadOnlyList<string> FindShards(string dataset)
    {
        if (File.Exists(dataset))
        {
            return [Path.GetFullPath(dataset)];
        }

        string folder = Directory.Exists(Path.Combine(dataset, "shards")) ? Path.Combine(dataset, "shards") : dataset;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{dataset}: no such dataset folder");
        }

        return Directory.EnumerateFiles(folder, "*.parquet").Order(StringComparer.Ordinal).ToArray();
    }

    public static async IAsyncEnumerable<PairRecord> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        string origin = Path.GetFileName(path);
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);

            async Task<string?[]> Strings(global::Parquet.Schema.DataField field)
            {
                var values = new string?[n];
                await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
                return values;
            }

            async Task<int[]> Ints(global::Parquet.Schema.DataField field)
            {
                var values = new int[n];
                await group.ReadAsync<int>(field, values.AsMemory(), null, cancellationToken);
                return values;
            }

            var key = await Strings(ShardSchema.Key);
            var lang = await Strings(ShardSchema.Lang);
            var script = await Strings(ShardSchema.Script);
            var source = await Strings(ShardSchema.Source);
            var text = await Strings(ShardSchema.Text);
            var imageBytes = new byte[]?[n];
            await group.ReadAsync(ShardSchema.ImageBytes, imageBytes.AsMemory(), null, cancellationToken);
            var imagePath = await Strings(ShardSchema.ImagePath);
            var url = await Strings(ShardSchema.Url);
            var pageUrl = await Strings(ShardSchema.PageUrl);
            var width = await Ints(ShardSchema.Width);
            var height = await Ints(ShardSchema.Height);
            var sha256 = await Strings(ShardSchema.Sha256);
            var phash = await Strings(ShardSchema.Phash);
            var dupCluster = await Strings(ShardSchema.DupCluster);
            var captionModel = await Strings(ShardSchema.CaptionModel);
            var captionSourceLang = await Strings(ShardSchema.CaptionSourceLang);

            for (int i = 0; i < n; i++)
            {
                yield return new PairRecord
                {
                    Key = key[i]!,
                    Origin = $"{origin}#{g}",
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
                };
            }
        }
    }
}
