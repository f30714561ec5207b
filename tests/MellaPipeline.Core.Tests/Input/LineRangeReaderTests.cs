using System.Text;
using MellaPipeline.Input;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Input;

public class LineRangeReaderTests
{
    private static async Task<List<(string File, long Offset, string Text)>> ReadAll(IReadOnlyList<string> files, int rank, int world)
    {
        var lines = new List<(string, long, string)>();
        await foreach (var line in LineRangeReader.ReadAsync(files, rank, world))
        {
            lines.Add((line.File, line.Offset, Encoding.UTF8.GetString(line.Bytes.Span)));
        }

        return lines;
    }

    private static List<(string File, long Offset, string Text)> Expected(IReadOnlyList<string> files)
    {
        var expected = new List<(string, long, string)>();
        foreach (var file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            int start = 0;
            for (int i = 0; i <= bytes.Length; i++)
            {
                if (i == bytes.Length || bytes[i] == (byte)'\n')
                {
                    string text = Encoding.UTF8.GetString(bytes, start, i - start).TrimEnd('\r');
                    if (text.Trim(' ', '\t').Length > 0)
                    {
                        expected.Add((file, start, text));
                    }

                    start = i + 1;
                }
            }
        }

        return expected;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(50)]
    public async Task Every_line_goes_to_exactly_one_task_in_input_order(int world)
    {
        using var dir = new TempDir();
        var random = new Random(world);
        var files = new List<string>();
        for (int f = 0; f < 3; f++)
        {
            var builder = new StringBuilder();
            int lines = random.Next(0, 40);
            for (int i = 0; i < lines; i++)
            {
                var (_, text) = Captions.All[random.Next(Captions.All.Count)];
                builder.Append(text, 0, random.Next(0, text.Length)).Append(i % 5 == 0 ? "\r\n" : "\n");
                if (i % 9 == 0)
                {
                    builder.Append('\n'); // blank lines are skipped
                }
            }

            if (f == 1)
            {
                builder.Append("last line without a break");
            }

            string path = dir.File($"input-{f}.jsonl");
            File.WriteAllText(path, builder.ToString());
            files.Add(path);
        }

        var all = new List<(string, long, string)>();
        for (int rank = 0; rank < world; rank++)
        {
            all.AddRange(await ReadAll(files, rank, world));
        }

        Assert.Equal(Expected(files), all);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_flagged_and_the_next_line_is_still_read()
    {
        using var dir = new TempDir();
        string path = dir.File("long.jsonl");
        File.WriteAllText(path, "first\n" + new string('x', LineRangeReader.MaxLineBytes + 10) + "\nthird\n");

        var lines = new List<InputLine>();
        await foreach (var line in LineRangeReader.ReadAsync([path], 0, 1))
        {
            lines.Add(line);
        }

        Assert.Equal(3, lines.Count);
        Assert.False(lines[0].TooLong);
        Assert.True(lines[1].TooLong);
        Assert.Equal(6, lines[1].Offset);
        Assert.Equal("third", Encoding.UTF8.GetString(lines[2].Bytes.Span));
    }

    [Fact]
    public void Folders_expand_to_their_jsonl_files_in_order()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("sub"));
        File.WriteAllText(dir.File("b.jsonl"), "");
        File.WriteAllText(dir.File("sub/a.jsonl"), "");
        File.WriteAllText(dir.File("notes.txt"), "");

        var files = LineRangeReader.ExpandInputs([dir.Path]);

        Assert.Equal([dir.File("b.jsonl"), dir.File("sub/a.jsonl")], files);
    }
}
