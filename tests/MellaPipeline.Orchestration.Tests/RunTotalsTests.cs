using System.IO.Compression;
using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Orchestration.Tests;

/// <summary>The totals the progress display counts against, from real files: Parquet footers, line counts of JSONL and TSV files.</summary>
public class RunTotalsTests
{
    private static readonly int[] AllOfThree = [0, 1, 2];

    /// <summary>A pairs file of <paramref name="lines"/> multilingual lines with a blank line after every tenth (the reader skips blank lines).</summary>
    private static string WritePairs(string folder, int lines)
    {
        string path = Path.Combine(folder, "pairs.jsonl");
        using var writer = new StreamWriter(path);
        for (int i = 0; i < lines; i++)
        {
            var (lang, text) = TestSupport.Captions.All[i % TestSupport.Captions.All.Count];
            writer.WriteLine(JsonSerializer.Serialize(new { image_path = $"images/{i}.png", url = $"https://img.example/{i}.jpg", lang, text }));
            if (i % 10 == 9)
            {
                writer.WriteLine();
            }
        }

        return path;
    }

    [Fact]
    public async Task A_pairs_file_counts_its_lines_and_the_ranks_shares_add_up_to_them()
    {
        using var dir = new TempDir();
        InputOptions[] inputs = [new() { Kind = InputKind.Pairs, Paths = [WritePairs(dir.Path, 1_234)] }];

        Assert.Equal(new ProgressTotal(1_234), await RunTotals.MapRecordsAsync(inputs, AllOfThree, 3, CancellationToken.None));
        long shares = 0;
        foreach (int rank in AllOfThree)
        {
            long share = (await RunTotals.MapRecordsAsync(inputs, [rank], 3, CancellationToken.None))!.Value.Count;
            Assert.InRange(share, 300, 500);
            shares += share;
        }

        Assert.Equal(1_234, shares);
        Assert.Equal(new FileInfo(inputs[0].Paths[0]).Length, RunTotals.MapTextBytes(inputs));
    }

    [Fact]
    public async Task A_parquet_url_list_counts_its_rows_from_the_footer_and_a_tsv_its_lines()
    {
        using var dir = new TempDir();
        string parquet = dir.File("laion.parquet");
        var rows = Enumerable.Range(0, 2_500).Select(i => new object?[] { $"https://img.example/{i}.jpg", TestSupport.Captions.All[i % TestSupport.Captions.All.Count].Text }).ToArray();
        await UrlListWriter.WriteParquetAsync(parquet, ["URL", "TEXT"], rows, rowGroupRows: 1_000);
        Assert.Equal(2_500L, DuckDb.Long(DuckDb.Scalar($"SELECT count(*) FROM read_parquet('{parquet}')")));
        string tsv = dir.File("urls.tsv");
        File.WriteAllLines(tsv, ["url\tcaption", .. Enumerable.Range(0, 40).Select(i => $"https://img.example/t{i}.jpg\t{TestSupport.Captions.All[i % TestSupport.Captions.All.Count].Text}")]);
        InputOptions[] inputs = [new() { Kind = InputKind.Urls, Paths = [parquet, tsv] }];

        // The TSV's header line counts as a record: an estimate the map phase's end makes exact.
        Assert.Equal(new ProgressTotal(2_500 + 41), await RunTotals.MapRecordsAsync(inputs, AllOfThree, 3, CancellationToken.None));
        Assert.Equal(new ProgressTotal(1_250), await RunTotals.MapRecordsAsync([new() { Kind = InputKind.Urls, Paths = [parquet] }], [1], 2, CancellationToken.None));
        Assert.Equal(new FileInfo(tsv).Length, RunTotals.MapTextBytes(inputs));
    }

    [Fact]
    public async Task A_crawl_or_a_gzipped_list_has_no_total_and_beside_countable_inputs_leaves_a_lower_bound()
    {
        using var dir = new TempDir();
        string gz = dir.File("urls.tsv.gz");
        await using (var file = File.Create(gz))
        await using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var writer = new StreamWriter(zip))
        {
            await writer.WriteLineAsync("url\tcaption\nhttps://img.example/0.jpg\tKarlův most v mlze");
        }

        InputOptions[] gzipped = [new() { Kind = InputKind.Urls, Paths = [gz] }];
        string pairs = WritePairs(dir.Path, 5);
        string parquet = dir.File("laion.parquet");
        await UrlListWriter.WriteParquetAsync(parquet, ["URL", "TEXT"], [.. Enumerable.Range(0, 47).Select(i => new object?[] { $"https://img.example/{i}.jpg", "Đồi chè buổi sáng" })]);
        InputOptions crawl = new() { Kind = InputKind.Crawl, Paths = [] };

        Assert.Null(await RunTotals.MapRecordsAsync(gzipped, AllOfThree, 3, CancellationToken.None));
        Assert.Null(await RunTotals.MapRecordsAsync([crawl], AllOfThree, 3, CancellationToken.None));
        Assert.Null(RunTotals.MapTextBytes(gzipped));
        Assert.Null(RunTotals.MapTextBytes([crawl]));

        // The demo's mix: the pairs and the Parquet list are counted, the crawl is named as what is not.
        InputOptions[] mixed = [crawl, new() { Kind = InputKind.Pairs, Paths = [pairs] }, new() { Kind = InputKind.Urls, Paths = [parquet] }, gzipped[0]];
        Assert.Equal(new ProgressTotal(5 + 47, "2 of 4 inputs; a crawl's and a gzipped list's are not known"), await RunTotals.MapRecordsAsync(mixed, AllOfThree, 3, CancellationToken.None));
        Assert.Equal(new FileInfo(pairs).Length, RunTotals.MapTextBytes(mixed));
    }

    [Fact]
    public async Task A_caption_layer_counts_the_lines_of_its_files()
    {
        using var dir = new TempDir();
        string captions = dir.File("captions.jsonl");
        File.WriteAllLines(captions, Enumerable.Range(0, 17).Select(i => JsonSerializer.Serialize(new { key = $"k{i}", lang = "cs", text = "Na fotografii je kamenný most nad řekou.", model = "m" })));
        var layer = new CaptionLayerOptions { Name = "v1", Paths = [captions] };

        Assert.Equal(17, await RunTotals.CaptionLinesAsync(layer, CancellationToken.None));
        Assert.Equal(new FileInfo(captions).Length, RunTotals.CaptionTextBytes(layer));
    }

    [Fact]
    public async Task A_caption_layer_s_count_agrees_with_the_lines_its_reader_hands_the_layer()
    {
        using var dir = new TempDir();
        string jsonl = dir.File("captions.jsonl");
        var lines = TestSupport.Captions.All.Select((c, i) => JsonSerializer.Serialize(new { key = $"k{i}", lang = c.Lang, text = c.Text, model = "m" })).ToList();
        File.WriteAllText(jsonl, string.Join("\r\n", lines.Take(5)) + "\n\n   \t\n{not json\n\r\n" + string.Join("\n", lines.Skip(5)) + "\n");
        string parquet = dir.File("more.parquet");
        await UrlListWriter.WriteParquetAsync(parquet, ["key", "lang", "text", "model"], [.. Enumerable.Range(0, 9).Select(i => new object?[] { $"p{i}", "ko", "한강 위의 다리", "m" })]);
        File.WriteAllText(dir.File("broken.parquet"), "not parquet");
        var layer = new CaptionLayerOptions { Name = "v1", Paths = [dir.Path], MatchBy = CaptionMatch.Key };

        // What the layer counts in: one for each item the caption reader yields (a caption, a malformed line, an unreadable file).
        long read = 0;
        foreach (string file in MellaPipeline.Captions.CaptionFile.Expand(layer.Paths))
        {
            await foreach (var _ in MellaPipeline.Captions.CaptionFile.ReadAsync(file, layer.MatchBy, CancellationToken.None))
            {
                read++;
            }
        }

        Assert.Equal(lines.Count + 1 + 9 + 1, read);
        Assert.Equal(read, await RunTotals.CaptionLinesAsync(layer, CancellationToken.None));
    }

    [Fact]
    public async Task The_fast_line_count_agrees_with_the_tasks_reader_on_every_byte_range()
    {
        using var dir = new TempDir();
        string path = dir.File("mixed.jsonl");
        string[] parts = ["{\"text\": \"Karlův most\"}\r\n", "   \t\n", "\r\n", "\r\r\n", "\n", "{\"text\": \"Зимний лес\"}\n", " \r\n", "ตลาดน้ำ\r", "\n\n", "x"];
        File.WriteAllText(path, string.Concat(Enumerable.Repeat(string.Concat(parts), 7)));
        long size = new FileInfo(path).Length;

        foreach (int world in new[] { 1, 2, 3, 7, 50 })
        {
            for (int rank = 0; rank < world; rank++)
            {
                long lo = Input.LineRangeReader.Share(size, rank, world), hi = Input.LineRangeReader.Share(size, rank + 1, world);
                long expected = 0;
                await foreach (var _ in Input.LineRangeReader.ReadAsync([path], rank, world))
                {
                    expected++;
                }

                Assert.Equal(expected, lo < hi ? RunTotals.CountLines(path, lo, hi, CancellationToken.None) : 0);
            }
        }

        Assert.Equal(29, RunTotals.CountLines(path, 0, size, CancellationToken.None)); // each "x" runs on into the next part's first line
    }
}
