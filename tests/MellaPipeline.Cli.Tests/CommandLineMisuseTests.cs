using System.CommandLine;
using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// Plain misuse of the command line: every case exits 2 with one line on stderr in our words, naming the option,
/// and leaves the working folder as it was.
/// </summary>
public class CommandLineMisuseTests
{
    /// <summary>Words of the runtime's and System.CommandLine's own messages, which no message of ours contains.</summary>
    private static readonly string[] RuntimeWords = ["System.", "Exception", "LineNumber", "BytePositionInLine", "Cannot parse argument", "   at "];

    [Theory]
    [InlineData("--workers: 'abc' is not a whole number", "run", "pipeline.yaml", "--workers", "abc")]
    [InlineData("--workers: '99999999999' is out of range (0 to 1024)", "run", "pipeline.yaml", "--workers", "99999999999")]
    [InlineData("--workers needs a value", "run", "pipeline.yaml", "--workers")]
    [InlineData("--workers is given more than once", "run", "pipeline.yaml", "--workers", "1", "--workers", "2")]
    [InlineData("--tasks: '0' is out of range (1 to 100000)", "slurm", "submit", "pipeline.yaml", "--tasks", "0")]
    [InlineData("--langid-sample: '-5' is out of range (0 to 1000000)", "coverage", "data", "--langid-sample", "-5")]
    [InlineData("--bootstrap: '-1' is out of range (0 to 100000)", "eval", "--predictions", "pred.jsonl", "--references", "refs.jsonl", "--bootstrap", "-1")]
    [InlineData("--smooth-value: 'NaN' is not a number", "score", "--hyp", "hyp.txt", "--ref", "hyp.txt", "--lang", "ru", "--smooth-value", "NaN")]
    [InlineData("--lang: 'xx' is not one of ar, cs, hu, ko, ru, sr, th, vi, en", "score", "--hyp", "hyp.txt", "--ref", "hyp.txt", "--lang", "xx")]
    [InlineData("--tokenize: 'moses' is not one of 13a, intl, char, none, th, ko", "score", "--hyp", "hyp.txt", "--ref", "hyp.txt", "--lang", "ru", "--tokenize", "moses")]
    [InlineData("--group-by: 'host' is not one of cluster, domain", "split", "data", "--out", "split", "--group-by", "host")]
    [InlineData("--threshold: '40' is out of range (0 to 32)", "dedup", "--hashes", "hashes.tsv", "--threshold", "40")]
    [InlineData("--decoder: 'libjpeg' is not one of skiasharp, imagesharp, vips", "phash", "--decoder", "libjpeg", "pred.jsonl")]
    [InlineData("--predictions is required", "eval", "--references", "refs.jsonl")]
    [InlineData("PIPELINE is missing", "run")]
    [InlineData("'--bogus' is not an option of 'mella run'", "run", "pipeline.yaml", "--bogus")]
    [InlineData("'frobnicate' is not a mella command (see 'mella --help')", "frobnicate")]
    [InlineData("a command is missing: one of submit", "slurm")]
    // Output paths: checked while parsing, before anything is created.
    [InlineData("--out: folder missing/dir does not exist", "extract", "page.html", "--out", "missing/dir/x.jsonl")]
    [InlineData("--out: data is a folder, not a file", "extract", "page.html", "--out", "data")]
    [InlineData("--report: folder missing/dir does not exist", "coverage", "data", "--report", "missing/dir/x.html")]
    [InlineData("--report: folder missing does not exist", "eval", "--predictions", "pred.jsonl", "--references", "refs.jsonl", "--report", "missing/x.html")]
    [InlineData("--out: folder missing does not exist", "dedup", "--hashes", "hashes.tsv", "--out", "missing/x.jsonl")]
    [InlineData("--out: pred.jsonl is a file, not a run directory", "run", "pipeline.yaml", "--out", "pred.jsonl")]
    [InlineData("--out: folder missing does not exist", "run", "pipeline.yaml", "--out", "missing/run")]
    [InlineData("--out: pred.jsonl is a file, not a run directory", "slurm", "submit", "pipeline.yaml", "--tasks", "2", "--out", "pred.jsonl")]
    [InlineData("--out: pred.jsonl is a file, not a folder", "split", "data", "--out", "pred.jsonl")]
    [InlineData("--out: folder missing does not exist", "split", "data", "--out", "missing/split")]
    public async Task Misuse_exits_2_with_one_line_naming_the_option_and_creates_nothing(string expected, params string[] args)
    {
        using var dir = Workspace();

        var result = await RefusedAsync(dir, args);

        Assert.StartsWith($"mella: {expected}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_text_value_is_refused_with_a_short_excerpt()
    {
        using var dir = Workspace();
        string host = new('a', 300);

        var result = await RefusedAsync(dir, ["langid", "--host", host, "text"]);

        Assert.StartsWith($"mella: --host: '{host[..40]}…' is longer than 253 characters", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(host, result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>An empty path and one longer than PATH_MAX, in each kind of file or folder option and argument.</summary>
    [Theory]
    [InlineData("--out", "extract", "page.html", "--out", "{path}")]
    [InlineData("--out", "run", "pipeline.yaml", "--out", "{path}")]
    [InlineData("--out", "slurm", "submit", "pipeline.yaml", "--tasks", "2", "--out", "{path}")]
    [InlineData("--out", "split", "data", "--out", "{path}")]
    [InlineData("--out", "dedup", "--hashes", "hashes.tsv", "--out", "{path}")]
    [InlineData("--report", "coverage", "data", "--report", "{path}")]
    [InlineData("--report", "eval", "--predictions", "pred.jsonl", "--references", "refs.jsonl", "--report", "{path}")]
    [InlineData("--references", "eval", "--predictions", "pred.jsonl", "--references", "{path}")]
    [InlineData("--predictions", "eval", "--predictions", "{path}", "--references", "refs.jsonl")]
    [InlineData("--file", "langid", "--file", "{path}")]
    [InlineData("PIPELINE", "run", "{path}")]
    [InlineData("DATASET", "split", "{path}", "--out", "split")]
    [InlineData("DATASET", "coverage", "{path}")]
    [InlineData("FILE", "phash", "{path}")]
    public async Task An_empty_or_over_long_path_is_refused_naming_the_option(string option, params string[] args)
    {
        using var dir = Workspace();
        string tooLong = new('a', 5000);

        var empty = await RefusedAsync(dir, [.. args.Select(a => a == "{path}" ? "" : a)]);
        var longer = await RefusedAsync(dir, [.. args.Select(a => a == "{path}" ? tooLong : a)]);

        Assert.StartsWith($"mella: {option}: '' is not a path", empty.Stderr, StringComparison.Ordinal);
        Assert.StartsWith($"mella: {option}: '{tooLong[..40]}…' is longer than 4096 characters", longer.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("split")));
    }

    [Fact]
    public async Task A_long_missing_output_folder_is_named_by_an_excerpt()
    {
        using var dir = Workspace();
        string parent = string.Join('/', Enumerable.Repeat(new string('d', 200), 15));

        var result = await RefusedAsync(dir, ["extract", "page.html", "--out", parent + "/x.jsonl"]);

        Assert.StartsWith($"mella: --out: folder {parent[..200]}… does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.True(result.Stderr.Length < 400, result.ToString());
    }

    [Theory]
    [InlineData("split", "missing", "--out", "split")]
    [InlineData("coverage", "missing")]
    public async Task A_missing_dataset_is_named_once_and_split_does_not_create_its_out_folder(params string[] args)
    {
        using var dir = Workspace();

        var result = await RefusedAsync(dir, args);

        Assert.Equal($"mella {args[0]}: missing: no such dataset folder", result.Stderr.Trim());
        Assert.False(Directory.Exists(dir.File("split")));
    }

    [Fact]
    public async Task Split_of_a_broken_shard_leaves_no_out_folder()
    {
        using var dir = Workspace();
        File.WriteAllBytes(dir.File("data/shard-00000.parquet"), [0xff, 0xfe]);

        var result = await RefusedAsync(dir, ["split", "data/shard-00000.parquet", "--out", "split"]);

        Assert.StartsWith("mella split: data/shard-00000.parquet: not a Parquet file", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("split")));
    }

    [Theory]
    [InlineData("{\"key\": \"ru1\", \"lang\": ", "not valid JSON at byte 23")]
    [InlineData("{\"key\": 5, \"lang\": \"ru\", \"reference\": \"x\"}", "\"key\" must be a string")]
    [InlineData("{\"lang\": \"ru\", \"reference\": \"x\"}", "needs \"key\", \"lang\" and \"reference\" (or \"references\")")]
    [InlineData("[1, 2]", "not a JSON object")]
    public async Task A_broken_reference_line_is_named_in_our_words(string line, string expected)
    {
        using var dir = Workspace();
        File.WriteAllText(dir.File("refs.jsonl"), line + "\n");

        var result = await RefusedAsync(dir, ["eval", "--predictions", "pred.jsonl", "--references", "refs.jsonl"]);

        Assert.Equal($"mella eval: --references refs.jsonl:1: {expected}", result.Stderr.Trim());
    }

    [Fact]
    public async Task A_default_run_directory_that_is_a_file_is_refused()
    {
        using var dir = Workspace();
        Directory.CreateDirectory(dir.File("runs"));
        File.WriteAllText(dir.File("runs/test"), "");

        var result = await RefusedAsync(dir, ["run", "pipeline.yaml"]);

        Assert.Equal("mella run: runs/test is a file, not a run directory", result.Stderr.Trim());
    }

    [Theory]
    [InlineData("{\"tasks\":\n", "not valid JSON (line 2)")]
    [InlineData("{\"tasks\": -1, \"name\": \"t\"}", "\"tasks\" is -1, not 1 to 100000")]
    [InlineData("{\"tasks\": 2000000000, \"name\": \"t\"}", "\"tasks\" is 2000000000, not 1 to 100000")]
    [InlineData("{\"name\": \"t\"}", "not a run's config (expected a whole number \"tasks\" and a text \"name\")")]
    public async Task A_broken_run_config_is_named_in_our_words(string config, string expected)
    {
        using var dir = Workspace();
        Directory.CreateDirectory(dir.File("run"));
        File.WriteAllText(dir.File("run/config.json"), config);

        var result = await RefusedAsync(dir, ["status", "run"]);

        Assert.Equal($"mella status: {dir.File("run/config.json")}: {expected}", result.Stderr.Trim());
    }

    /// <summary>
    /// Every numeric option of every command, found in the command tree itself, refuses a word and a negative
    /// number in one line naming it: an option added later cannot slip through.
    /// </summary>
    [Fact]
    public async Task Every_numeric_option_of_every_command_refuses_words_and_negative_numbers()
    {
        using var dir = Workspace();
        var numeric = new[] { typeof(int), typeof(int?), typeof(long), typeof(long?), typeof(double), typeof(double?) };
        var cases = Commands(MellaCommandLine.Build(), [])
            .SelectMany(c => c.Command.Options.Where(o => numeric.Contains(o.ValueType)).Select(o => (c.Path, Option: o.Name)))
            .ToList();
        Assert.True(cases.Count >= 15, $"only {cases.Count} numeric options found");

        foreach (var (path, option) in cases)
        {
            var word = await RefusedAsync(dir, [.. path, option, "abc"]);
            var negative = await RefusedAsync(dir, [.. path, option, "-1"]);

            string command = string.Join(' ', path);
            Assert.True(word.Stderr.StartsWith($"mella: {option}: 'abc' is not a ", StringComparison.Ordinal), $"{command} {option} abc: {word}");
            Assert.True(negative.Stderr.StartsWith($"mella: {option}: '-1' is out of range (", StringComparison.Ordinal), $"{command} {option} -1: {negative}");
        }
    }

    [Fact]
    public async Task Eval_with_bootstrap_0_prints_no_interval()
    {
        using var dir = Workspace();

        var json = await MellaProcess.RunAsync(["eval", "--predictions", "pred.jsonl", "--references", "refs.jsonl", "--bootstrap", "0", "--json"], workingDirectory: dir.Path);
        var table = await MellaProcess.RunAsync(["eval", "--predictions", "pred.jsonl", "--references", "refs.jsonl", "--bootstrap", "0"], workingDirectory: dir.Path);

        Assert.Equal(0, json.ExitCode);
        var results = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("ci95").ValueKind));
        Assert.Equal(0, table.ExitCode);
        Assert.DoesNotContain("[", table.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"ru +native +bleu +1 +\d+\.\d\d +-", table.Stdout);
    }

    /// <summary>A folder with the inputs the cases name: a pipeline, predictions and references, a text file, hashes, a page and a (shard-less) dataset folder.</summary>
    private static TempDir Workspace()
    {
        var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, 4);
        PairsInput.WritePipeline(dir.Path, pairs, tasks: 1, shardMaxRows: 10);
        const string reference = """{"key": "ru1", "lang": "ru", "source": "native", "reference": "Храм Василия Блаженного"}""";
        File.WriteAllText(dir.File("refs.jsonl"), reference + "\n");
        File.WriteAllText(dir.File("pred.jsonl"), """{"key": "ru1", "prediction": "Храм Василия Блаженного"}""" + "\n");
        File.WriteAllText(dir.File("hyp.txt"), "Храм\n");
        File.WriteAllText(dir.File("hashes.tsv"), "9fee256239984d71\ta.jpg\n");
        File.WriteAllText(dir.File("page.html"), "<html><body><img src=\"a.jpg\" alt=\"Храм\"></body></html>");
        Directory.CreateDirectory(dir.File("data"));
        return dir;
    }

    /// <summary>Runs mella in <paramref name="dir"/> and checks it refused: exit 2, one line in our words, nothing written.</summary>
    private static async Task<MellaResult> RefusedAsync(TempDir dir, string[] args)
    {
        var before = Entries(dir.Path);

        var result = await MellaProcess.RunAsync(args, workingDirectory: dir.Path);

        string call = string.Join(' ', args);
        Assert.True(result.ExitCode == 2, $"{call}: {result}");
        Assert.True(result.Stderr.Trim().Split('\n').Length == 1, $"{call}: {result}");
        Assert.StartsWith("mella", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        foreach (string word in RuntimeWords)
        {
            Assert.False(result.Stderr.Contains(word, StringComparison.Ordinal), $"{call}: '{word}' in {result}");
        }

        Assert.Equal(before, Entries(dir.Path));
        return result;
    }

    private static List<string> Entries(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    private static IEnumerable<(Command Command, string[] Path)> Commands(Command command, string[] path)
    {
        if (command.Action is not null && command is not RootCommand)
        {
            yield return (command, path);
        }

        foreach (var sub in command.Subcommands)
        {
            foreach (var found in Commands(sub, [.. path, sub.Name]))
            {
                yield return found;
            }
        }
    }
}
