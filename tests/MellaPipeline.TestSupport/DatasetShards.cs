using System.Security.Cryptography;
using MellaPipeline.Config;
using MellaPipeline.Languages;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runs;

namespace MellaPipeline.TestSupport;

/// <summary>
/// Finished dataset shards written in-process by the real <see cref="ParquetShardWriter"/>, for
/// tests of what reads a dataset (coverage, split, caption layers) without running <c>mella</c>.
/// </summary>
public static class DatasetShards
{
    /// <summary>A row with a real PNG (drawn from <paramref name="imageSeed"/>), its SHA-256 and a cluster id; the key is the pair key of its fields.</summary>
    /// <param name="groundedFrom">For a <c>fused</c> row: the key of the native row it was written from.</param>
    public static PairRecord Row(
        string lang, string text, int imageSeed, string? cluster = null, string? pageUrl = null, string source = PairSources.Native, string? url = null,
        int width = 64, int height = 48, string? groundedFrom = null)
    {
        byte[] image = SyntheticPng.Create(width, height, imageSeed);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(image));
        url ??= $"https://img.example/{imageSeed}.png";
        return new PairRecord
        {
            Key = PairKey.For(source, url, pageUrl, text + "#" + lang),
            Origin = $"pairs.jsonl@{imageSeed}",
            Lang = lang,
            Script = Scripts.Detect(text),
            Source = source,
            Text = text,
            ImageBytes = image,
            Url = url,
            PageUrl = pageUrl,
            Width = width,
            Height = height,
            Sha256 = sha256,
            DupCluster = cluster ?? sha256,
            OrigWidth = width,
            OrigHeight = height,
            GroundedFrom = groundedFrom,
        };
    }

    /// <summary>Writes <paramref name="rows"/> in order into <paramref name="folder"/> as shards of at most <paramref name="shardMaxRows"/> rows.</summary>
    public static async Task<IReadOnlyList<ShardInfo>> WriteAsync(string folder, IEnumerable<PairRecord> rows, int shardMaxRows = 1000, int rank = 0, string? prefix = null)
    {
        Directory.CreateDirectory(folder);
        var output = new OutputOptions { ShardMaxRows = shardMaxRows, RowGroupMaxRows = Math.Min(shardMaxRows, 10_000) };
        await using var writer = new ParquetShardWriter(new ShardWriterOptions(folder, rank, output, "test", FilePrefix: prefix));
        foreach (var row in rows)
        {
            await writer.WriteAsync(row, CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);
        return writer.Shards;
    }

    /// <summary>DuckDB's <c>read_parquet</c> over the shards of a folder (all of them, or those <paramref name="pattern"/> names).</summary>
    public static string Sql(string folder, string pattern = "*.parquet") => $"read_parquet('{Path.Combine(folder, pattern)}')";
}
