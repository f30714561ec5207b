using MellaPipeline.Config;
using MellaPipeline.Crawl.UrlLists;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Crawl.Tests;

/// <summary>URL-list files split between tasks: every row read by exactly one task, in file order, whatever the number of tasks.</summary>
public class UrlListTests
{
    private static readonly string[] Columns = ["url", "caption", "lang"];

    private static List<object?[]> Rows(int count) => Enumerable.Range(0, count)
        .Select(i => new object?[] { $"http://127.0.0.1/p/{i}.jpg", i % 7 == 0 ? $"Řádek {i}, \"v uvozovkách\"\nna dvou řádcích" : $"Fotografie číslo {i} z Prahy", "cs" })
        .ToList();

    private static async Task<List<string>> ReadAllRanksAsync(string folder, int world)
    {
        var input = new InputOptions { Kind = InputKind.Urls, Paths = [folder] };
        var files = UrlListFiles.Expand(input.Paths);
        var seen = new List<string>();
        for (int rank = 0; rank < world; rank++)
        {
            foreach (var share in await UrlListSlices.ForAsync(files, new TaskSlice(rank, world), CancellationToken.None))
            {
                var (columns, problem) = await UrlListFiles.ColumnsAsync(share.File, CancellationToken.None);
                Assert.Null(problem);
                var (layout, layoutProblem) = UrlListLayout.Resolve(input, columns);
                Assert.Null(layoutProblem);
                await foreach (var row in UrlListSlices.ReadAsync(share, layout!, columns, CancellationToken.None))
                {
                    Assert.Null(row.Problem);
                    seen.Add($"{share.File.Name}|{row.Url}|{row.Caption}");
                }
            }
        }

        return seen;
    }

    [Theory]
    [InlineData("list.parquet")]
    [InlineData("list.csv")]
    [InlineData("list.tsv")]
    [InlineData("list.jsonl")]
    [InlineData("list.csv.gz")]
    [InlineData("list.jsonl.gz")]
    public async Task Every_row_is_read_by_exactly_one_task_for_any_number_of_tasks(string name)
    {
        using var dir = new TempDir();
        var rows = Rows(500);
        if (name.StartsWith("list.tsv", StringComparison.Ordinal))
        {
            rows.ForEach(r => r[1] = ((string)r[1]!).Replace('\n', ' ')); // a TSV field holds no line break
        }

        string path = dir.File(name);
        if (name.EndsWith(".parquet", StringComparison.Ordinal))
        {
            await UrlListWriter.WriteParquetAsync(path, Columns, rows); // one row group: tasks must split inside it
        }
        else if (name.Contains(".jsonl", StringComparison.Ordinal))
        {
            UrlListWriter.WriteJsonl(path, Columns, rows);
        }
        else
        {
            UrlListWriter.WriteDelimited(path, Columns, rows, name.Contains(".tsv", StringComparison.Ordinal) ? '\t' : ',');
        }

        var expected = rows.Select(r => $"{name}|{r[0]}|{r[1]}").ToList();
        foreach (int world in new[] { 1, 2, 3, 7, 16 })
        {
            Assert.Equal(expected, await ReadAllRanksAsync(dir.Path, world));
        }
    }

    [Fact]
    public async Task Files_of_several_formats_in_one_folder_are_all_read_once()
    {
        using var dir = new TempDir();
        await UrlListWriter.WriteParquetAsync(dir.File("a.parquet"), Columns, Rows(130), rowGroupRows: 50);
        UrlListWriter.WriteDelimited(dir.File("b.csv"), Columns, Rows(90));
        UrlListWriter.WriteJsonl(dir.File("c.jsonl.gz"), Columns, Rows(3000));
        File.WriteAllText(dir.File("notes.txt"), "not a list");

        var once = await ReadAllRanksAsync(dir.Path, 1);
        var five = await ReadAllRanksAsync(dir.Path, 5);

        Assert.Equal(130 + 90 + 3000, once.Count);
        Assert.Equal(once.Order(StringComparer.Ordinal), five.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_layout_follows_the_settings_and_the_known_column_names()
    {
        var input = new InputOptions { Kind = InputKind.Urls, Paths = ["x"], KeepColumns = ["similarity"] };
        var (laion, problem) = UrlListLayout.Resolve(input, UrlListWriter.LaionColumns);
        Assert.Null(problem);
        Assert.Equal(("URL", "TEXT", "LANGUAGE"), (laion!.Url, laion.Caption, laion.Lang));

        var (extract, _) = UrlListLayout.Resolve(new InputOptions { Kind = InputKind.Urls }, ["page_url", "image_url", "alt_text", "alt_raw", "html_lang", "lang", "status"]);
        Assert.Equal(("image_url", "alt_text", "html_lang", "page_url", "status"), (extract!.Url, extract.Caption, extract.Lang, extract.PageUrl, extract.ExtractStatus));

        var (_, missing) = UrlListLayout.Resolve(new InputOptions { Kind = InputKind.Urls, CaptionColumn = "title" }, ["url", "caption"]);
        Assert.Equal("no column 'title' (caption_column); columns: url, caption", missing);
        var (_, noUrl) = UrlListLayout.Resolve(new InputOptions { Kind = InputKind.Urls }, ["link", "caption"]);
        Assert.StartsWith("no image URL column: none of 'url', 'URL' (set url_column)", noUrl);
    }

    [Fact]
    public void A_record_boundary_is_never_inside_a_quoted_field()
    {
        byte[] csv = "url,caption\n\"http://a/1\",\"jedna\ndva\"\nhttp://a/2,tři\n"u8.ToArray();
        using var stream = new MemoryStream(csv);
        int second = Array.IndexOf(csv, (byte)'\n') + 1;

        // A share starting inside the quoted line break begins at the next real record.
        var (start, end, linesBefore) = DelimitedUrlList.RecordBounds(stream, second + 14, csv.Length, quoted: true);

        Assert.Equal(System.Text.Encoding.UTF8.GetBytes("url,caption\n\"http://a/1\",\"jedna\ndva\"\n").Length, start);
        Assert.Equal(csv.Length, end);
        Assert.Equal(3, linesBefore);
    }
}
