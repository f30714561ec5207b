using MellaPipeline.Config;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Orchestration.Tests.Config;

/// <summary>What a pipeline or targets file may not be: huge, deep, aliased, several documents, megabyte strings, a device.</summary>
public class SettingsFileLimitsTests
{
    private const string Minimal = "name: sample\ninput:\n  paths: [pairs.jsonl]\n";

    private static ConfigException Fails(string yaml) =>
        Assert.Throws<ConfigException>(() => PipelineFile.Parse(yaml, "p.yaml"));

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("- ", "")]
    public void Nesting_forty_thousand_deep_is_an_error_naming_the_line_not_a_stack_overflow(string open, string close)
    {
        // "- - - 1" nests block lists on one line.
        string deep = string.Concat(Enumerable.Repeat(open, 40_000)) + "1" + string.Concat(Enumerable.Repeat(close, 40_000));

        var error = Fails(Minimal + "extra:\n  " + deep + "\n");

        Assert.Equal($"nested deeper than {SettingsFile.MaxDepth} levels", error.Problem);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void Aliases_are_refused_so_a_billion_laughs_expands_nothing()
    {
        string laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + string.Concat(Enumerable.Range(0, 9).Select(i => $"{(char)('b' + i)}: &{(char)('b' + i)} [*{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}]\n"));

        var error = Fails(Minimal + laughs);

        Assert.Equal(5, error.Line);
        Assert.Contains("aliases (*name) are not supported", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_document_is_refused_naming_its_line()
    {
        var error = Fails(Minimal + "---\nname: other\n");

        Assert.Equal(4, error.Line);
        Assert.Contains("a second YAML document (---)", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_string_option_is_bounded_and_prompts_may_be_longer()
    {
        var name = Fails($"name: {new string('a', SettingsFile.MaxStringLength + 1)}\ninput:\n  paths: [pairs.jsonl]\n");
        var path = Fails($"{Minimal}captions:\n  - name: c\n    paths: [{new string('p', SettingsFile.MaxStringLength + 1)}]\n");

        Assert.Equal(("name", $"longer than {SettingsFile.MaxStringLength} characters"), (name.Key, name.Problem));
        Assert.Equal("captions[0].paths[0]", path.Key);
        string prompt = new('p', SettingsFile.MaxStringLength * 4);
        var options = PipelineFile.Parse(
            $"{Minimal}captions:\n  - name: c\n    generate: {{endpoint: 'http://127.0.0.1:1/v1', model: m, translate_model: t, prompt: {prompt}}}\n", "p.yaml");
        Assert.Equal(prompt, options.Captions[0].Generate!.Prompt);
    }

    [Fact]
    public void A_pipeline_file_that_is_a_fifo_a_device_or_too_large_is_one_line_naming_it()
    {
        using var dir = new TempDir();
        string big = dir.File("big.yaml");
        File.WriteAllText(big, Minimal + "# " + new string('x', 2 << 20) + "\n");

        foreach (var path in new[] { SpecialFiles.Fifo(dir.File("fifo.yaml")), SpecialFiles.Zero, big, dir.Path })
        {
            var error = Assert.Throws<ConfigException>(() => PipelineFile.Load(path));

            Assert.StartsWith($"{path}: cannot read pipeline file: ", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    [Theory]
    [InlineData(SpecialFiles.Zero)]
    [InlineData("fifo")]
    public void An_input_path_that_is_not_a_regular_file_or_folder_names_its_key(string input)
    {
        using var dir = new TempDir();
        string path = input == "fifo" ? SpecialFiles.Fifo(dir.File("in.jsonl")) : input;
        File.WriteAllText(dir.File("p.yaml"), $"name: sample\ninput:\n  paths: ['{path}']\n");

        var error = Assert.Throws<ConfigException>(() => PipelineFile.Load(dir.File("p.yaml")));

        Assert.Equal("input.paths[0]", error.Key);
        Assert.Equal(3, error.Line);
        Assert.Contains("not a regular file or folder", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_targets_file_follows_the_same_rules()
    {
        using var dir = new TempDir();
        string deep = dir.File("targets.yaml");
        File.WriteAllText(deep, "targets:\n  - name: t\n    lang: " + new string('[', 1000) + new string(']', 1000) + "\n");

        Assert.Contains("nested deeper than", Assert.Throws<ConfigException>(() => CoverageTargets.Load(deep)).Problem, StringComparison.Ordinal);
        Assert.Contains("not a regular file", Assert.Throws<ConfigException>(() => CoverageTargets.Load(SpecialFiles.Fifo(dir.File("t.yaml")))).Message, StringComparison.Ordinal);
    }
}
