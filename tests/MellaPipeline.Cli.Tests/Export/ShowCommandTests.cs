using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MellaPipeline.Datasets.Show;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests.Export;

/// <summary><c>mella show</c>: filters, limit, columns aligned in terminal cells whatever the script, and its refusals.</summary>
public partial class ShowCommandTests(ExportDataset data) : IClassFixture<ExportDataset>
{
    /// <summary>
    /// Terminal cells of a text, counted independently of the code under test: Hangul syllables and CJK ideographs two,
    /// combining marks (Thai vowels and tone marks, Arabic harakat) none, anything else one.
    /// </summary>
    private static int Cells(string text) => text.EnumerateRunes().Sum(r =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark ? 0
        : r.Value is >= 0xAC00 and <= 0xD7A3 or >= 0x4E00 and <= 0x9FFF or >= 0x1100 and <= 0x115F ? 2
        : 1);

    private static async Task<string[]> ShowAsync(params string[] args)
    {
        var result = await MellaProcess.RunAsync(["show", .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.TrimEnd('\n').Split('\n');
    }

    [Fact]
    public async Task Columns_line_up_in_terminal_cells_with_Korean_Thai_and_Arabic_captions()
    {
        var lines = await ShowAsync(data.RunDir);

        Assert.Equal(data.Rows + 1, lines.Length);
        Assert.Matches(@"^key\s+lang\s+script\s+source\s+caption\s+size\s+cluster$", lines[0]);
        int sizeColumn = Cells(lines[0][..lines[0].IndexOf("size", StringComparison.Ordinal)]);
        foreach (string line in lines.Skip(1))
        {
            var size = SizeCell().Match(line);
            Assert.True(size.Success, line);
            Assert.Equal(sizeColumn, Cells(line[..size.Index]));
            Assert.InRange(Cells(line), 1, ShowTable.PlainWidth);
        }

        Assert.Contains(lines, l => l.Contains("경복궁", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("วัดอรุณ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("قطة", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("40×30", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lang_source_and_where_filter_and_limit_stops()
    {
        var korean = await ShowAsync(data.RunDir, "--lang", "ko");
        var mllm = await ShowAsync(data.Shards, "--source", "mllm", "--limit", "2");
        var czech = await ShowAsync(data.RunDir, "--where", "script=Latn", "--where", "lang=cs");

        Assert.Equal(4, korean.Length);
        Assert.All(korean.Skip(1), l => Assert.Matches(@"^[0-9a-f]{32}\s+ko\s+Hang\s", l));
        Assert.Equal(3, mllm.Length);
        Assert.All(mllm.Skip(1), l => Assert.Matches(@"^[0-9a-f]{32}\s+\w\w\s+\w{4}\s+mllm\s", l));
        Assert.Equal(2, czech.Length);
        Assert.Contains("Karlův most", czech[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_prints_the_rows_with_whole_captions()
    {
        var result = await MellaProcess.RunAsync(["show", data.RunDir, "--json", "--limit", "3", "--lang", "th"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal("th", r.GetProperty("lang").GetString()));
        Assert.Contains(rows, r => r.GetProperty("text").GetString() == "วัดอรุณราชวรารามยามพระอาทิตย์ตก");
    }

    [Theory]
    [InlineData("--where: 'colour' is not a column (one of key, lang", "--where", "colour=red")]
    [InlineData("--where: 'lang' is not COLUMN=VALUE", "--where", "lang")]
    [InlineData("--lang: 'xx' is not one of ar, cs, hu, ko, ru, sr, th, vi", "--lang", "xx")]
    public async Task A_bad_filter_exits_2_with_one_line(string expected, params string[] options)
    {
        var result = await MellaProcess.RunAsync(["show", data.RunDir, .. options]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("경복궁 근정전 앞의 넓은 마당", 5, "경복…")]
    [InlineData("วัดอรุณราชวราราม", 4, "วัดอ…")]
    [InlineData("Hạ Long", 20, "Hạ Long")]
    public void A_caption_is_cut_at_a_grapheme_boundary_to_the_cells_left(string caption, int cells, string expected)
    {
        string cut = ShowTable.Cut(caption, cells);

        Assert.Equal(expected, cut);
        Assert.InRange(Cells(cut), 0, cells);
    }

    /// <summary>What must never reach the terminal from a cell: C0 and C1 controls, DEL, bidirectional controls and other format characters but ZWJ/ZWNJ.</summary>
    private static bool IsHostile(Rune r) =>
        r.Value is < 0x20 or (>= 0x7F and <= 0x9F) or 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) or 0x2028 or 0x2029 or 0xFEFF;

    [Fact]
    public async Task Control_escape_and_bidirectional_characters_in_a_caption_or_key_never_reach_the_terminal()
    {
        string run = data.NewOut();
        var rows = new[]
        {
            DatasetShards.Row("ru", "Площадь\u001b[31m ночью\u0007", imageSeed: 51),
            DatasetShards.Row("ar", "مسجد\u202E \u2066حسن\u2069\u200F", imageSeed: 52),
            DatasetShards.Row("vi", "Chợ\nBến\tThành\r\u009b2J", imageSeed: 53) with { Key = "key\u001b[2J\nsecond" },
        };
        await DatasetShards.WriteAsync(Path.Combine(run, "shards"), rows);

        var lines = await ShowAsync(run);

        Assert.Equal(rows.Length + 1, lines.Length);
        Assert.All(lines, l => Assert.DoesNotContain(l.EnumerateRunes(), IsHostile));
        Assert.Contains(lines, l => l.Contains("Площадь\uFFFD[31m ночью\uFFFD ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Chợ Bến Thành \uFFFD2J ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("key\uFFFD[2J second ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("مسجد\uFFFD \uFFFDحسن\uFFFD\uFFFD ", StringComparison.Ordinal));
        // Still aligned: the size column starts at the same cell on every line.
        int sizeColumn = Cells(lines[0][..lines[0].IndexOf("size", StringComparison.Ordinal)]);
        Assert.All(lines.Skip(1), l => Assert.Equal(sizeColumn, Cells(l[..SizeCell().Match(l).Index])));
    }

    [Theory]
    [InlineData("a\tb\nc\r\nd", "a b c  d")]
    [InlineData("\u001b[1mbold\u001b[0m", "\uFFFD[1mbold\uFFFD[0m")]
    [InlineData("abc\u202Eevil\u202C.txt", "abc\uFFFDevil\uFFFD.txt")]
    [InlineData("\u2067שלום\u2069 \u200Eok\u200F\uFEFF\u0085", "\uFFFDשלום\uFFFD \uFFFDok\uFFFD\uFFFD ")]
    [InlineData("می\u200Cخواهم क्\u200Dष", "می\u200Cخواهم क्\u200Dष")]
    [InlineData("경복궁 วัดอรุณ", "경복궁 วัดอรุณ")]
    public void Visible_replaces_what_would_move_the_cursor_or_reorder_the_line_and_keeps_the_joiners(string text, string expected)
    {
        Assert.Equal(expected, ShowTable.Visible(text));
    }

    [GeneratedRegex(@"(?<=\s)\d+×\d+(?=\s)")]
    private static partial Regex SizeCell();
}
