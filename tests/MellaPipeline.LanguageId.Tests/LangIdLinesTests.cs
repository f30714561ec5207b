using System.Text.Json;
using MellaPipeline.Input;
using MellaPipeline.TestSupport;

namespace MellaPipeline.LanguageId.Tests;

/// <summary>What <c>mella langid</c> writes, run in-process: one result line per input line, aligned with the input.</summary>
public class LangIdLinesTests(LanguageIdentifierFixture fixture) : IClassFixture<LanguageIdentifierFixture>
{
    [Fact]
    public async Task A_file_gives_one_line_per_line_even_for_blank_and_too_long_lines()
    {
        using var dir = new TempDir();
        string path = dir.File("texts.txt");
        string tooLong = new('x', UserFile.MaxLineBytes + 1);
        File.WriteAllText(path, "\uFEFFМанастир Студеница у долини реке Ибар\n\n" + tooLong + "\nPhở bò Hà Nội với hành lá và rau thơm\n");
        var output = new StringWriter();
        var reported = new List<int>();
        var lines = new LangIdLines(fixture.Identifier, new LanguageHints(null, null), output);

        await lines.WriteFileAsync(path, number => { reported.Add(number); return Task.CompletedTask; }, CancellationToken.None);

        var results = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal(new[] { "sr", "und", "und", "vi" }, results.Select(r => r.GetProperty("lang").GetString()));
        Assert.Equal(new[] { "lang", "script", "confidence" }, results[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { 3 }, reported);
    }

    [Fact]
    public async Task Progress_is_reported_every_so_many_lines_and_a_reader_is_read_to_its_end()
    {
        var output = new StringWriter();
        var progress = new List<long>();
        var lines = new LangIdLines(fixture.Identifier, new LanguageHints(null, null), output)
        {
            Progress = count => { progress.Add(count); return Task.CompletedTask; },
        };

        await lines.WriteLinesAsync(new StringReader(string.Concat(Enumerable.Repeat("\n", LangIdLines.ProgressEvery + 1))), CancellationToken.None);

        Assert.Equal(LangIdLines.ProgressEvery + 1, lines.Count);
        Assert.Equal(new long[] { LangIdLines.ProgressEvery }, progress);
        Assert.Equal(LangIdLines.ProgressEvery + 1, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
