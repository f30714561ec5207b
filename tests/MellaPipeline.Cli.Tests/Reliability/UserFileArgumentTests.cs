using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests.Reliability;

/// <summary>
/// A file named on the command line that is a FIFO, a device, a damaged Parquet file or a
/// 40,000-deep YAML: exit 2 with one line on stderr naming the file (or key), never a hang, an
/// out-of-memory crash, a stack overflow or a .NET message.
/// </summary>
public class UserFileArgumentTests
{
    private const string References = """{"key": "k1", "lang": "cs", "reference": "Hrad Karlštejn obklopený podzimními lesy"}""";
    private const string Predictions = """{"key": "k1", "prediction": "Hrad Karlštejn v lese"}""";

    [Theory]
    [InlineData("run-fifo")]
    [InlineData("run-dev-zero")]
    [InlineData("run-deep-yaml")]
    [InlineData("run-input-dev-zero")]
    [InlineData("eval-predictions-dev-zero")]
    [InlineData("eval-predictions-fifo")]
    [InlineData("eval-references-fifo")]
    [InlineData("eval-references-corrupt-parquet")]
    [InlineData("score-hyp-dev-zero")]
    [InlineData("score-ref-fifo")]
    [InlineData("coverage-targets-fifo")]
    [InlineData("extract-fifo")]
    [InlineData("langid-file-dev-zero")]
    [InlineData("dedup-hashes-dev-zero")]
    [InlineData("dedup-hashes-fifo")]
    [InlineData("coverage-dataset-fifo")]
    [InlineData("split-dataset-fifo")]
    public async Task A_bad_argument_file_is_exit_2_with_one_line_naming_it(string scenario)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("refs.jsonl"), References + "\n");
        File.WriteAllText(dir.File("pred.jsonl"), Predictions + "\n");
        File.WriteAllText(dir.File("lines.txt"), "Hrad Karlštejn\n");
        string fifo = SpecialFiles.Fifo(dir.File("fifo"));
        string corrupt = dir.File("corrupt.parquet");
        File.WriteAllBytes(corrupt, [0x50, 0x41, 0x52]);
        string deep = dir.File("deep.yaml");
        File.WriteAllText(deep, "name: deep\ninput:\n  paths: [p.jsonl]\nextra: " + new string('[', 40_000) + new string(']', 40_000) + "\n");
        string devInput = dir.File("dev.yaml");
        File.WriteAllText(devInput, $"name: dev\ninput:\n  paths: [{SpecialFiles.Zero}]\n");

        var (args, named) = scenario switch
        {
            "run-fifo" => (new[] { "run", fifo, "--out", dir.File("run") }, fifo),
            "run-dev-zero" => (["run", SpecialFiles.Zero, "--out", dir.File("run")], SpecialFiles.Zero),
            "run-deep-yaml" => (["run", deep, "--out", dir.File("run")], $"{deep}:4"),
            "run-input-dev-zero" => (["run", devInput, "--out", dir.File("run")], "input.paths[0]"),
            "eval-predictions-dev-zero" => (["eval", "--predictions", SpecialFiles.Zero, "--references", dir.File("refs.jsonl")], SpecialFiles.Zero),
            "eval-predictions-fifo" => (["eval", "--predictions", fifo, "--references", dir.File("refs.jsonl")], fifo),
            "eval-references-fifo" => (["eval", "--predictions", dir.File("pred.jsonl"), "--references", fifo], fifo),
            "eval-references-corrupt-parquet" => (["eval", "--predictions", dir.File("pred.jsonl"), "--references", corrupt], $"{corrupt}: not a Parquet file"),
            "score-hyp-dev-zero" => (["score", "--hyp", SpecialFiles.Zero, "--ref", dir.File("lines.txt"), "--lang", "cs"], SpecialFiles.Zero),
            "score-ref-fifo" => (["score", "--hyp", dir.File("lines.txt"), "--ref", fifo, "--lang", "cs"], fifo),
            "coverage-targets-fifo" => (["coverage", dir.Path, "--targets", fifo], fifo),
            "extract-fifo" => (["extract", fifo], fifo),
            "langid-file-dev-zero" => (["langid", "--file", SpecialFiles.Zero], SpecialFiles.Zero),
            "dedup-hashes-dev-zero" => (["dedup", "--hashes", SpecialFiles.Zero], SpecialFiles.Zero),
            "dedup-hashes-fifo" => (["dedup", "--hashes", fifo], fifo),
            "coverage-dataset-fifo" => (["coverage", fifo], fifo),
            "split-dataset-fifo" => (["split", fifo, "--out", dir.File("split")], fifo),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        var before = Directory.GetFileSystemEntries(dir.Path).Order(StringComparer.Ordinal).ToArray();
        var result = await MellaProcess.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", line, StringComparison.Ordinal);
        // Nothing is written for a bad argument: no run directory, no split folder, no output file beside the inputs.
        Assert.Equal(before, Directory.GetFileSystemEntries(dir.Path).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task An_overlong_prediction_line_is_counted_as_malformed_not_buffered()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("refs.jsonl"), References + "\n");
        File.WriteAllText(dir.File("pred.jsonl"), Predictions + "\n{\"key\": \"k2\", \"prediction\": \"" + new string('x', 2 << 20) + "\"}\n");

        var result = await MellaProcess.RunAsync(["eval", "--predictions", dir.File("pred.jsonl"), "--references", dir.File("refs.jsonl"), "--json"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"pred.jsonl:2: line longer than {MellaPipeline.Input.UserFile.MaxLineBytes} bytes", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_folders_skip_fifos_and_devices_and_a_named_one_is_a_reason_not_a_hang()
    {
        using var dir = new TempDir();
        string images = dir.File("images");
        Directory.CreateDirectory(images);
        File.WriteAllBytes(Path.Combine(images, "a.png"), SyntheticPng.Create(64, 48, 1));
        File.WriteAllBytes(Path.Combine(images, "b.png"), SyntheticPng.Create(64, 48, 2));
        string fifo = SpecialFiles.Fifo(Path.Combine(images, "fifo.png"));
        string zero = SpecialFiles.Link(Path.Combine(images, "zero.png"), SpecialFiles.Zero);

        var dedup = await MellaProcess.RunAsync(["dedup", "--images", images]);
        var phash = await MellaProcess.RunAsync(["phash", fifo, zero]);

        Assert.True(dedup.ExitCode == 0, dedup.ToString());
        Assert.Equal(["a.png", "b.png"], dedup.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()));
        Assert.True(phash.ExitCode == 1, phash.ToString());
        Assert.Equal([$"error\t{fifo}\timage_not_regular_file", $"error\t{zero}\timage_not_regular_file"], phash.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Langid_reads_a_file_under_the_line_cap_and_keeps_one_result_per_line()
    {
        using var dir = new TempDir();
        string path = dir.File("texts.txt");
        File.WriteAllText(path, "Набережная Невы в Санкт-Петербурге\n" + new string('a', 2 << 20) + "\nผัดไทยกุ้งสดใส่ถั่วงอกและมะนาว\n");

        var result = await MellaProcess.RunAsync(["langid", "--file", path]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var langs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("lang").GetString()).ToList();
        Assert.Equal(3, langs.Count);
        Assert.Equal(("ru", "th"), (langs[0], langs[2]));
        Assert.Contains($"{path}:2: line longer than {MellaPipeline.Input.UserFile.MaxLineBytes} bytes", result.Stderr, StringComparison.Ordinal);
    }
}
