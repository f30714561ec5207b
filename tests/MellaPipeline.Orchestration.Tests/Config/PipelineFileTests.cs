using MellaPipeline.Config;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Orchestration.Tests.Config;

public class PipelineFileTests
{
    private const string Minimal = """
        name: sample
        input:
          paths: [pairs.jsonl]
        """;

    private static ConfigException Fails(string yaml) =>
        Assert.Throws<ConfigException>(() => PipelineFile.Parse(yaml, "p.yaml"));

    [Fact]
    public void A_minimal_file_gets_every_default()
    {
        var options = PipelineFile.Parse(Minimal, "p.yaml");

        Assert.Equal("sample", options.Name);
        Assert.Equal(["pairs.jsonl"], options.Input!.Paths);
        Assert.Equal(InputKind.Pairs, options.Input!.Kind);
        Assert.Equal(8, options.Languages.Count);
        Assert.Equal(4, options.Tasks);
        Assert.Equal(10_000, options.Output.ShardMaxRows);
        Assert.Equal(512L << 20, options.Output.ShardMaxBytes);
        Assert.Equal(ShardCompression.Zstd, options.Output.Compression);
        Assert.Equal(20L << 20, options.Stages.LoadImages.MaxBytes);
        Assert.True(options.Stages.DedupExact.Enabled);
    }

    [Fact]
    public void Sizes_enums_and_nested_settings_bind()
    {
        var options = PipelineFile.Parse(Minimal + """

            languages: [th, vi]
            stages:
              load_images: {max_bytes: 1.5 MiB, store: reference, concurrency: 3}
              normalize_text: {require_script_match: false}
            output: {shard_max_bytes: 2GB, row_group_max_bytes: 64kb, compression: snappy}
            """, "p.yaml");

        Assert.Equal(["th", "vi"], options.Languages);
        Assert.Equal((long)(1.5 * (1 << 20)), options.Stages.LoadImages.MaxBytes);
        Assert.Equal(ImageStorage.Reference, options.Stages.LoadImages.Store);
        Assert.Equal(3, options.Stages.LoadImages.Concurrency);
        Assert.False(options.Stages.NormalizeText.RequireScriptMatch);
        Assert.Equal(2L << 30, options.Output.ShardMaxBytes);
        Assert.Equal(64L << 10, options.Output.RowGroupMaxBytes);
        Assert.Equal(ShardCompression.Snappy, options.Output.Compression);
    }

    [Fact]
    public void An_unknown_key_is_named_with_its_line_and_the_keys_that_exist()
    {
        var error = Fails(Minimal + "\noutput:\n  shard_max_row: 5\n");

        Assert.Equal(5, error.Line);
        Assert.Equal("output.shard_max_row", error.Key);
        Assert.StartsWith("p.yaml:5: output.shard_max_row: unknown key", error.Message);
        Assert.Contains("shard_max_rows", error.Message);
    }

    [Theory]
    [InlineData("tasks: many", "tasks", "expected a whole number, got 'many'")]
    [InlineData("tasks: 0", "tasks", "must be between 1 and 1000000 (got 0)")]
    [InlineData("failure_budget: 1.5", "failure_budget", "must be between 0 and 1")]
    [InlineData("languages: ru", "languages", "expected a list")]
    [InlineData("languages: []", "languages", "needs at least 1 item")]
    [InlineData("languages: [ru, de]", "languages[1]", "'de' is not a target language")]
    [InlineData("output: {compression: lz4}", "output.compression", "'lz4' is not one of: zstd, snappy")]
    [InlineData("output: {shard_max_bytes: lots}", "output.shard_max_bytes", "expected a size such as 512MB")]
    [InlineData("output: {shard_max_bytes: 1MB, row_group_max_bytes: 2MB}", "output.row_group_max_bytes", "must not exceed shard_max_bytes")]
    [InlineData("stages: {normalize_text: {min_chars: 50, max_chars: 10}}", "stages.normalize_text.min_chars", "must not exceed max_chars")]
    [InlineData("stages: {dedup_exact: {enabled: yes please}}", "stages.dedup_exact.enabled", "expected true or false")]
    [InlineData("stages: [normalize_text]", "stages", "expected a mapping")]
    [InlineData("workers:", "workers", "got nothing")]
    [InlineData("name: Has Spaces", "name", "must be lowercase letters")]
    public void Wrong_values_name_the_key_and_say_what_is_expected(string line, string key, string problem)
    {
        string yaml = line.StartsWith("name:", StringComparison.Ordinal)
            ? "input:\n  paths: [p.jsonl]\n" + line
            : Minimal + "\n" + line;

        var error = Fails(yaml);

        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Problem);
        Assert.NotNull(error.Line);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("input:\n  paths: [a.jsonl]\n", "name")]
    [InlineData("name: x\n", "input")]
    [InlineData("name: x\ninput:\n  kind: pairs\n", "input.paths")]
    public void Missing_required_keys_are_named(string yaml, string key)
    {
        Assert.Equal(key, Fails(yaml).Key);
        Assert.Contains("required key is missing", Fails(yaml).Message);
    }

    [Fact]
    public void Broken_yaml_reports_its_line()
    {
        var error = Fails("name: x\ninput:\n  paths: [a.jsonl\nother: 1\n");

        Assert.Contains("not valid YAML", error.Message);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void Input_paths_resolve_against_the_pipeline_file_and_must_exist()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("pairs.jsonl"), "");
        File.WriteAllText(dir.File("ok.yaml"), Minimal);
        File.WriteAllText(dir.File("missing.yaml"), "name: x\ninput:\n  paths: [pairs.jsonl, nowhere.jsonl]\n");

        var loaded = PipelineFile.Load(dir.File("ok.yaml"));
        var error = Assert.Throws<ConfigException>(() => PipelineFile.Load(dir.File("missing.yaml")));

        Assert.Equal([dir.File("pairs.jsonl")], loaded.Options.Input!.Paths);
        Assert.Equal("input.paths[1]", error.Key);
        Assert.Equal(3, error.Line);
        Assert.Contains("no such file or folder", error.Message);
    }

    [Fact]
    public void The_demo_pipeline_is_valid()
    {
        var loaded = PipelineFile.Load(RepoPaths.Demo);

        Assert.Equal("demo", loaded.Options.Name);
        Assert.Equal([InputKind.Crawl, InputKind.Pairs, InputKind.Urls], loaded.Options.InputList().Select(i => i.Kind));
        Assert.All(loaded.Options.InputList().SelectMany(i => i.Paths), p => Assert.True(File.Exists(p)));
        Assert.True(Directory.Exists(loaded.Options.InputList()[0].Crawl.ServeFolder));
    }

    [Fact]
    public void Several_inputs_bind_with_their_crawl_settings()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("seeds.txt"), "https://example.cz/\n");
        File.WriteAllText(dir.File("pairs.jsonl"), "");
        File.WriteAllText(dir.File("p.yaml"), """
            name: x
            inputs:
              - kind: crawl
                paths: [seeds.txt]
                crawl: {max_depth: 2, requests_per_second_per_host: 0.5, allow_addresses: [127.0.0.1], max_page_bytes: 2MB}
                alt_text: {min_chars: 8}
              - kind: pairs
                paths: [pairs.jsonl]
            """);

        var options = PipelineFile.Load(dir.File("p.yaml")).Options;

        Assert.Null(options.Input);
        var crawl = options.InputList()[0];
        Assert.Equal((2, 0.5, "127.0.0.1", 2L << 20, 8), (crawl.Crawl.MaxDepth, crawl.Crawl.RequestsPerSecondPerHost, crawl.Crawl.AllowAddresses.Single(), crawl.Crawl.MaxPageBytes, crawl.AltText.MinChars));
        Assert.Equal([dir.File("pairs.jsonl")], options.InputList()[1].Paths);
    }

    [Theory]
    [InlineData("inputs:\n  - kind: crawl\n    paths: [a.txt]\n    crawl: {allow_addresses: [localhost]}\n", "inputs[0].crawl.allow_addresses[0]", "not an IP address")]
    [InlineData("inputs:\n  - kind: crawl\n    paths: [a.txt]\n    crawl: {serve_as: demo.test}\n", "inputs[0].crawl.serve_folder", "go together")]
    [InlineData("inputs:\n  - kind: pairs\n    paths: [a.txt]\n    crawl: {serve_folder: x, serve_as: demo.test}\n", "inputs[0].crawl.serve_folder", "needs input kind 'crawl'")]
    [InlineData("input:\n  paths: [a.txt]\ninputs:\n  - paths: [a.txt]\n", "inputs", "not both")]
    [InlineData("inputs: [a.txt]\n", "inputs[0]", "expected a mapping")]
    [InlineData("inputs:\n  - kind: ftp\n    paths: [a.txt]\n", "inputs[0].kind", "not one of")]
    [InlineData("inputs:\n  - kind: crawl\n    paths: [a.txt]\n    crawl: {max_depth: -1}\n", "inputs[0].crawl.max_depth", "")]
    public void Bad_input_settings_are_named(string yaml, string key, string message)
    {
        var error = Fails("name: x\n" + yaml);

        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("512MB", 512L << 20)]
    [InlineData("64 MiB", 64L << 20)]
    [InlineData("10kb", 10L << 10)]
    [InlineData("1000", 1000L)]
    [InlineData("2G", 2L << 30)]
    public void Byte_sizes_parse(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5MB")]
    [InlineData("12 parsecs")]
    [InlineData("MB")]
    public void Bad_byte_sizes_do_not_parse(string text) => Assert.False(ByteSize.TryParse(text, out _));
}
