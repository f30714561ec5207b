using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

public class LangIdCommandTests
{
    [Fact]
    public async Task Prints_one_json_object_per_input_line_in_order()
    {
        using var dir = new TempDir();
        string[] lines =
        [
            "Храм Василия Блаженного на Красной площади",
            "",
            "Beogradska tvrđava na ušću Save u Dunav, gde se reke spajaju",
            "ผัดไทยกุ้งสดใส่ถั่วงอกและมะนาว",
            "Das Schloss liegt im Winter unter einer dicken Schneedecke",
        ];
        File.WriteAllLines(dir.File("in.txt"), lines);

        var result = await MellaProcess.RunAsync(["langid", "--file", dir.File("in.txt")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var outputs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(lines.Length, outputs.Length);
        Assert.All(outputs, o => Assert.Equal(["lang", "script", "confidence"], o.EnumerateObject().Select(p => p.Name).ToArray()));
        Assert.Equal(["ru", "und", "sr", "th", "de"], outputs.Select(o => o.GetProperty("lang").GetString()!).ToArray());
        Assert.Equal("Latn", outputs[2].GetProperty("script").GetString());
        Assert.All(outputs, o => Assert.InRange(o.GetProperty("confidence").GetDouble(), 0, 1));
    }

    [Fact]
    public async Task Texts_as_arguments_and_a_missing_file()
    {
        var args = await MellaProcess.RunAsync(["langid", "경복궁 근정전", "Phở bò Hà Nội với hành lá"]);
        var missing = await MellaProcess.RunAsync(["langid", "--file", "/nonexistent/in.txt"]);

        Assert.Equal(0, args.ExitCode);
        Assert.Equal(2, args.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"lang\":\"ko\"", args.Stdout);
        Assert.Contains("\"lang\":\"vi\"", args.Stdout);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("/nonexistent/in.txt", missing.Stderr);
    }
}
