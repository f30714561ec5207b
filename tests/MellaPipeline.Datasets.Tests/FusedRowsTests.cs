using System.Text.Json;
using MellaPipeline.Datasets.Export;
using MellaPipeline.Datasets.Show;
using MellaPipeline.Datasets.Splits;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Datasets.Tests;

/// <summary>
/// Rows of the third source, <c>fused</c> (a caption written from a native row's alt text and a
/// model's description of its image): a split keeps each on the side of its native row and reports
/// its stratum; an export carries its <c>grounded_from</c>.
/// </summary>
public class FusedRowsTests
{
    /// <summary>24 photos in the eight languages, each with a native row, a translated mllm row and a fused row grounded on the native one.</summary>
    private static List<PairRecord> Rows()
    {
        var rows = new List<PairRecord>();
        for (int image = 0; image < 24; image++)
        {
            var (lang, text) = Captions.All[(image * 2) % 16];
            var native = DatasetShards.Row(lang, $"{text} — {image}", imageSeed: image, pageUrl: $"https://news{image % 5}.example/{image}");
            rows.Add(native);
            rows.Add(DatasetShards.Row(lang, $"{Captions.All[((image * 2) + 1) % 16].Text} ({image})", imageSeed: image, source: PairSources.Mllm));
            rows.Add(DatasetShards.Row(lang, $"{text}: {Captions.All[((image * 2) + 1) % 16].Text} [{image}]", imageSeed: image, source: PairSources.Fused, groundedFrom: native.Key) with
            {
                CaptionModel = "qwen2.5-7b-instruct",
                CaptionPromptId = "fuse-v1",
                CaptionSourceLang = lang,
            });
        }

        return rows;
    }

    [Fact]
    public async Task A_split_keeps_every_fused_row_on_the_side_of_its_native_row_and_reports_the_fused_stratum()
    {
        using var dir = new TempDir();
        string dataset = dir.File("dataset");
        var rows = Rows();
        await DatasetShards.WriteAsync(dataset, rows, shardMaxRows: 7);
        string outDir = dir.File("split");

        var summary = await DatasetSplitter.SplitAsync(dataset, outDir, new SplitSettings(2, 1, 5, SplitGrouping.Cluster, Sft: false), null, CancellationToken.None);

        string train = DatasetShards.Sql(Path.Combine(outDir, "train")), eval = DatasetShards.Sql(Path.Combine(outDir, "eval"));
        var side = DuckDb.Query($"SELECT key, 'train' FROM {train} UNION ALL SELECT key, 'eval' FROM {eval}").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal(rows.Count, side.Count);
        var fused = DuckDb.Query($"SELECT key, grounded_from, 'train' FROM {train} WHERE source = 'fused' UNION ALL SELECT key, grounded_from, 'eval' FROM {eval} WHERE source = 'fused'")
            .Select(r => (Key: (string)r[0]!, GroundedFrom: (string)r[1]!, Side: (string)r[2]!)).ToList();
        Assert.Equal(24, fused.Count);
        Assert.All(fused, f => Assert.Equal(f.Side, side[f.GroundedFrom]));
        Assert.Contains(fused, f => f.Side == "eval");
        Assert.Contains(fused, f => f.Side == "train");

        // Each language has three photos, so a fused stratum of three rows: one in eval, as the minimum per source asks.
        var fusedStrata = summary.Strata.Where(s => s.Source == PairSources.Fused).ToList();
        Assert.Equal(8, fusedStrata.Count);
        Assert.All(fusedStrata, s => Assert.Equal((3L, 1L, 1L), (s.Rows, s.Quota, s.Eval)));
        Assert.True(summary.Check.Passed);
        var table = new StringWriter();
        summary.WriteTable(table);
        Assert.Contains(table.ToString().Split('\n'), line => line.StartsWith("ar    fused ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_exported_row_carries_grounded_from_and_a_native_one_carries_null()
    {
        var rows = Rows();
        using var dir = new TempDir();
        await DatasetShards.WriteAsync(dir.File("dataset"), rows.Take(3));
        var read = new List<PairRecord>();
        await foreach (var row in ShardReader.ReadAsync(ShardReader.FindShards(dir.File("dataset"))[0], CancellationToken.None))
        {
            read.Add(row);
        }

        using var fused = JsonDocument.Parse(RowJson.Document(read.Single(r => r.Source == PairSources.Fused)));
        using var native = JsonDocument.Parse(RowJson.Document(read.Single(r => r.Source == PairSources.Native)));

        Assert.Equal(rows[0].Key, fused.RootElement.GetProperty("grounded_from").GetString());
        Assert.Equal("fuse-v1", fused.RootElement.GetProperty("caption_prompt_id").GetString());
        Assert.False(native.RootElement.TryGetProperty("grounded_from", out var none) && none.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task Show_picks_the_fused_rows_and_the_fused_row_of_a_native_key()
    {
        var rows = Rows();
        using var dir = new TempDir();
        await DatasetShards.WriteAsync(dir.File("dataset"), rows, shardMaxRows: 10);

        var (bySource, _) = RowFilter.Parse([], [(Parquet.ShardColumns.Source, PairSources.Fused)]);
        var (byNative, _) = RowFilter.Parse([$"grounded_from={rows[3].Key}"]);
        var (fused, problem) = await DatasetShow.ReadAsync(dir.File("dataset"), bySource!, 100, CancellationToken.None);
        var (one, _) = await DatasetShow.ReadAsync(dir.File("dataset"), byNative!, 100, CancellationToken.None);

        Assert.Null(problem);
        Assert.Equal(rows.Where(r => r.Source == PairSources.Fused).Select(r => r.Key), fused!.Select(r => r.Key));
        Assert.Equal(rows[5].Key, Assert.Single(one!).Key);
    }
}
