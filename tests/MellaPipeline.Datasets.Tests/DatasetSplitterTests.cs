using System.Security.Cryptography;
using System.Text.Json;
using MellaPipeline.Datasets.Splits;
using MellaPipeline.Json;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Datasets.Tests;

/// <summary>
/// <see cref="DatasetSplitter"/> in-process on real shards: both sides written with every row
/// once, read back by DuckDB, the check and <c>split.json</c> as the step's figures and marker.
/// </summary>
public class DatasetSplitterTests
{
    /// <summary>48 photos in the eight languages, each photo captioned twice (two languages, one cluster), on six web hosts.</summary>
    private static List<PairRecord> Rows()
    {
        var rows = new List<PairRecord>();
        for (int image = 0; image < 48; image++)
        {
            string page = $"https://news{image % 6}.example/{image}";
            foreach (var caption in new[] { Captions.All[image % 16], Captions.All[(image + 3) % 16] })
            {
                rows.Add(DatasetShards.Row(caption.Lang, $"{caption.Text} — {image}", imageSeed: image, pageUrl: page));
            }
        }

        return rows;
    }

    /// <summary>The rows written as one shard, and where a split of them goes.</summary>
    private static async Task<(string Dataset, string OutDir)> DatasetAsync(TempDir dir)
    {
        await DatasetShards.WriteAsync(dir.File("dataset"), Rows());
        return (dir.File("dataset"), dir.File("split"));
    }

    private static SplitSettings Settings(bool sft = true) => new(2, null, 11, SplitGrouping.Cluster, sft);

    [Fact]
    public async Task Every_row_lands_once_on_one_side_no_cluster_crosses_and_split_json_comes_last()
    {
        using var dir = new TempDir();
        string dataset = dir.File("dataset");
        var rows = Rows();
        await DatasetShards.WriteAsync(dataset, rows, shardMaxRows: 17);
        string outDir = dir.File("split");

        var summary = await DatasetSplitter.SplitAsync(dataset, outDir, Settings(), null, CancellationToken.None);

        string train = DatasetShards.Sql(Path.Combine(outDir, "train")), eval = DatasetShards.Sql(Path.Combine(outDir, "eval"));
        var written = DuckDb.Query($"SELECT key FROM {train} UNION ALL SELECT key FROM {eval}").Select(r => (string)r[0]!).Order(StringComparer.Ordinal);
        Assert.Equal(rows.Select(r => r.Key).Order(StringComparer.Ordinal), written);
        Assert.Equal(0L, DuckDb.Long(DuckDb.Scalar($"SELECT count(*) FROM (SELECT dup_cluster FROM {train} INTERSECT SELECT dup_cluster FROM {eval})")));

        // Per language: a quota of 2, and what split.json says went to eval is what the eval side holds; the eval rows keep their images.
        var evalPerLanguage = DuckDb.Query($"SELECT lang, count(*) FROM {eval} GROUP BY 1").ToDictionary(r => (string)r[0]!, r => DuckDb.Long(r[1]));
        Assert.Equal(8, summary.Strata.Count);
        Assert.All(summary.Strata, s => Assert.Equal((2L, s.Eval), (s.Quota, evalPerLanguage.GetValueOrDefault(s.Lang))));
        Assert.True(summary.Eval.Rows >= 8, "every language has eval rows");
        var bytes = DuckDb.Query($"SELECT key, image.bytes FROM {eval}").ToDictionary(r => (string)r[0]!, r => (byte[])r[1]!);
        Assert.All(bytes, row => Assert.Equal(rows.Single(r => r.Key == row.Key).ImageBytes, row.Value));

        Assert.True(summary.Check.Passed);
        Assert.Equal((96L, evalPerLanguage.Values.Sum()), (summary.Rows, summary.Eval.Rows));
        var recorded = JsonSerializer.Deserialize<SplitSummary>(File.ReadAllBytes(Path.Combine(outDir, SplitSummary.FileName)), MellaJson.Indented)!;
        Assert.Equal((summary.Train, summary.Eval, summary.Check, summary.Sft), (recorded.Train, recorded.Eval, recorded.Check, recorded.Sft));
        Assert.Equal(new SftSummary(summary.Train.Rows, summary.Eval.Rows, 48, 0, 0), summary.Sft);
    }

    [Fact]
    public async Task An_interrupted_split_is_discarded_and_written_again()
    {
        using var dir = new TempDir();
        var (dataset, outDir) = await DatasetAsync(dir);

        // What a split killed before split.json leaves: a side's shard and a half-written SFT file.
        Directory.CreateDirectory(Path.Combine(outDir, "train"));
        File.WriteAllText(Path.Combine(outDir, "train", "train-00007.parquet"), "cut short");
        Directory.CreateDirectory(Path.Combine(outDir, "sft"));
        File.WriteAllText(Path.Combine(outDir, "sft", "train.jsonl.tmp"), "{\"id\":");

        var summary = await DatasetSplitter.SplitAsync(dataset, outDir, Settings(sft: false), null, CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(outDir, "train", "train-00007.parquet")));
        Assert.False(Directory.Exists(Path.Combine(outDir, "sft")));
        Assert.Equal(summary.Train.Rows, DuckDb.Long(DuckDb.Scalar($"SELECT count(*) FROM {DatasetShards.Sql(Path.Combine(outDir, "train"))}")));
        Assert.True(summary.Check.Passed);
        Assert.Null(summary.Sft);
    }

    [Fact]
    public async Task The_check_fails_when_a_side_is_tampered_with()
    {
        using var dir = new TempDir();
        var (dataset, outDir) = await DatasetAsync(dir);
        var summary = await DatasetSplitter.SplitAsync(dataset, outDir, Settings(sft: false), null, CancellationToken.None);
        string train = Path.Combine(outDir, "train"), eval = Path.Combine(outDir, "eval");

        File.Copy(Directory.GetFiles(eval, "*.parquet")[0], Path.Combine(train, "leaked-00000.parquet"));
        var check = await DatasetSplitter.CheckAsync(train, eval, summary.Strata, SplitGrouping.Cluster, CancellationToken.None);

        Assert.False(check.Passed);
        Assert.False(check.RowsAddUp);
        Assert.Equal(summary.Eval.Rows, check.KeysInBoth);
        Assert.Equal(summary.GroupsInEval, check.ClustersInBoth);
        Assert.Equal(summary.GroupsInEval, check.ImagesInBoth);
    }
}
