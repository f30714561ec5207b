using System.Text.Json;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>stages.decontaminate</c> end to end: the shared near-duplicate photos' <c>blockhash/</c>
/// folder (17 distinct photos, read in place) is the benchmark; resized, JPEG q30 and slightly
/// cropped copies of three of them are among the inputs of a <c>mella run</c>, with ten other
/// photos (UKBench). Every copy is dropped naming its original, none of the others is.
/// </summary>
[Trait("Category", "SharedData")]
public class DecontaminationRunTests
{
    private static readonly string Benchmark = Path.Combine(RepoPaths.SharedData, "images-neardup", "blockhash");
    private static readonly string Others = Path.Combine(RepoPaths.SharedData, "images-neardup", "imagededup", "base_images");
    private static readonly string[] Copied = ["00002701.jpg", "00011601.jpg", "00631701.jpg"];

    private static byte[] Encode(SKBitmap bitmap, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, quality).ToArray();
    }

    /// <summary>Three edited copies per benchmark photo (resized to 60 %, JPEG quality 30, 2 % cropped off each side), expected item per copy.</summary>
    private static Dictionary<string, string> WriteCopies(string folder)
    {
        Directory.CreateDirectory(folder);
        var expected = new Dictionary<string, string>();
        foreach (string name in Copied)
        {
            using var original = SKBitmap.Decode(Path.Combine(Benchmark, name));
            using var resized = original.Resize(new SKImageInfo(original.Width * 6 / 10, original.Height * 6 / 10), new SKSamplingOptions(SKCubicResampler.Mitchell));
            int dx = original.Width / 50, dy = original.Height / 50;
            using var cropped = new SKBitmap(original.Width - 2 * dx, original.Height - 2 * dy);
            original.ExtractSubset(cropped, new SKRectI(dx, dy, original.Width - dx, original.Height - dy));
            foreach (var (suffix, bytes) in new[] { ("resized", Encode(resized, 90)), ("q30", Encode(original, 30)), ("cropped", Encode(cropped, 90)) })
            {
                string file = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(name)}-{suffix}.jpg");
                File.WriteAllBytes(file, bytes);
                expected[file] = name;
            }
        }

        return expected;
    }

    private static string WritePairs(string path, IEnumerable<string> images) =>
        WriteLines(path, images.Select((image, i) => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["image_path"] = image, ["url"] = $"https://example.org/photo{i}.jpg", ["lang"] = "cs", ["text"] = $"Fotografie číslo {i} z místní sbírky obrázků",
        })));

    private static string WriteLines(string path, IEnumerable<string> lines)
    {
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<string> RunAsync(TempDir dir, string name, string pairs, string against)
    {
        string folder = dir.File(name);
        Directory.CreateDirectory(folder);
        string pipeline = PairsInput.WritePipeline(folder, pairs, tasks: 2, shardMaxRows: 100, extra: $"stages:\n  decontaminate:\n    against: [\"{against}\"]");
        string runDir = Path.Combine(folder, "run");
        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return runDir;
    }

    private static void AssertDecontaminated(string runDir, Dictionary<string, string> copies, string[] others, Func<string, string> item)
    {
        var rejects = Directory.EnumerateFiles(Path.Combine(runDir, "rejects"), "*.dedup_near.jsonl")
            .SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("reason").GetString() == "benchmark_near_duplicate")
            .ToDictionary(r => r.GetProperty("url").GetString()!, r => r.GetProperty("detail").GetString()!);
        var urls = copies.Keys.Concat(others).Select((image, i) => (image, url: $"https://example.org/photo{i}.jpg")).ToDictionary(p => p.image, p => p.url);
        Assert.All(copies, c => Assert.True(rejects.TryGetValue(urls[c.Key], out string? detail), $"{c.Key} was not dropped"));
        Assert.All(copies, c => Assert.Matches($@"^within \d+ bits of benchmark item {System.Text.RegularExpressions.Regex.Escape(item(c.Value))}$", rejects[urls[c.Key]]));
        Assert.Equal(copies.Count, rejects.Count);

        var kept = DuckDb.Query($"SELECT url FROM {DuckDb.Shards(runDir)} ORDER BY url").Select(r => (string)r[0]!).ToArray();
        Assert.Equal(others.Select(o => urls[o]).Order(StringComparer.Ordinal), kept);
    }

    [Fact]
    public async Task Edited_copies_of_benchmark_photos_are_dropped_naming_the_photo_and_no_other_photo_is()
    {
        using var dir = new TempDir();
        var copies = WriteCopies(dir.File("copies"));
        string[] others = Directory.GetFiles(Others, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        string pairs = WritePairs(dir.File("pairs.jsonl"), copies.Keys.Concat(others));

        string runDir = await RunAsync(dir, "folder", pairs, Benchmark);

        AssertDecontaminated(runDir, copies, others, name => name);
        var benchmark = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "reduce", "benchmark.json"))).RootElement;
        Assert.Equal(17, benchmark.GetProperty("images").GetInt32());
        var clusters = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "reduce", "clusters.json"))).RootElement;
        Assert.Equal(copies.Count, clusters.GetProperty("decontamination").GetProperty("near_duplicates").GetInt64());
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json"))).RootElement;
        Assert.Contains("benchmark_near_duplicate", summary.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hash_file_written_by_mella_phash_is_the_same_benchmark()
    {
        using var dir = new TempDir();
        var copies = WriteCopies(dir.File("copies"));
        string[] others = Directory.GetFiles(Others, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        string pairs = WritePairs(dir.File("pairs.jsonl"), copies.Keys.Concat(others));
        var phash = await MellaProcess.RunAsync(["phash", .. Directory.GetFiles(Benchmark, "*.jpg").Order(StringComparer.Ordinal)]);
        Assert.True(phash.ExitCode == 0, phash.ToString());
        string hashes = dir.File("benchmark.tsv");
        File.WriteAllText(hashes, phash.Stdout);

        string runDir = await RunAsync(dir, "hashes", pairs, hashes);

        AssertDecontaminated(runDir, copies, others, name => Path.Combine(Benchmark, name));
    }

    [Fact]
    public async Task A_missing_benchmark_or_blocklist_path_is_exit_2_naming_it()
    {
        using var dir = new TempDir();
        string pairs = PairsInput.Write(dir.Path, count: 4);
        foreach (var (extra, named) in new[]
        {
            ($"stages:\n  decontaminate:\n    against: [\"{dir.File("missing-folder")}\"]", "missing-folder"),
            ($"stages:\n  safety:\n    blocklist: [\"{dir.File("missing-list.txt")}\"]", "missing-list.txt"),
        })
        {
            string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 1, shardMaxRows: 10, extra: extra);
            string runDir = dir.File("run-" + named);
            var result = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(runDir));
        }
    }
}
