using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

public class DedupCommandTests
{
    [Fact]
    public async Task Hashes_within_the_threshold_share_a_cluster_named_by_the_first_and_bad_lines_are_reported()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("hashes.tsv"), string.Join('\n',
            "9fee256239984d71\tфото/Прага.jpg",          // the first of its cluster: kept, and the cluster's name
            "0123456789abcdef\tother.png",
            "9fee256238984d71\tcopy \"1\".jpg",           // 1 bit from the first
            "not a hash\tbroken.jpg",
            "9fee2562399a4d70\tcopy-2.jpg",               // 2 bits from the first, 3 from the second copy
            "0123456789abcdef") + "\n");                  // no ID

        var result = await MellaProcess.RunAsync(["dedup", "--hashes", dir.File("hashes.tsv"), "--threshold", "2"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var records = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => (r.GetProperty("id").GetString(), r.GetProperty("cluster").GetString(), r.GetProperty("keep").GetBoolean()))
            .ToList();
        Assert.Equal(
            [
                ("фото/Прага.jpg", "фото/Прага.jpg", true),
                ("other.png", "other.png", true),
                ("copy \"1\".jpg", "фото/Прага.jpg", false),
                ("copy-2.jpg", "фото/Прага.jpg", false),
            ],
            records);
        Assert.Contains("hashes.tsv:4: expected HEX16<TAB>ID", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("hashes.tsv:6: expected HEX16<TAB>ID", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--threshold", "40")]
    [InlineData("--threshold", "-1")]
    public async Task Bad_arguments_exit_2(string option, string value)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("h.tsv"), "9fee256239984d71\ta.jpg\n");

        var result = await MellaProcess.RunAsync(["dedup", "--hashes", dir.File("h.tsv"), option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_missing_hash_file_exits_2_naming_it()
    {
        var result = await MellaProcess.RunAsync(["dedup", "--hashes", "/nonexistent/hashes.tsv"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/hashes.tsv", result.Stderr, StringComparison.Ordinal);
    }
}

public class PhashAndImageDedupTests
{
    [Fact]
    public async Task Phash_prints_a_line_per_input_and_dedup_images_keeps_the_largest_copy()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("photos"));
        File.WriteAllBytes(dir.File("photos/a-small.png"), Resized(SyntheticPng.Create(320, 240, seed: 1), 160, 120));
        File.WriteAllBytes(dir.File("photos/b-large.png"), SyntheticPng.Create(320, 240, seed: 1));
        File.WriteAllBytes(dir.File("photos/c-other.png"), SyntheticPng.Create(320, 240, seed: 2));
        File.WriteAllText(dir.File("photos/d-broken.png"), "not a picture");

        var phash = await MellaProcess.RunAsync(["phash", dir.File("photos/b-large.png"), dir.File("photos/d-broken.png"), dir.File("photos/missing.png")]);
        var dedup = await MellaProcess.RunAsync(["dedup", "--images", dir.File("photos"), "--threshold", "8"]);

        Assert.Equal(1, phash.ExitCode);
        var lines = phash.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^[0-9a-f]{16}\t" + System.Text.RegularExpressions.Regex.Escape(dir.File("photos/b-large.png")) + "$", lines[0]);
        Assert.Equal($"error\t{dir.File("photos/d-broken.png")}\timage_format_unsupported", lines[1]);
        Assert.Equal($"error\t{dir.File("photos/missing.png")}\timage_missing", lines[2]);

        Assert.Equal(1, dedup.ExitCode);
        var records = dedup.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(r => (r.GetProperty("path").GetString(), r.GetProperty("cluster").GetString(), r.GetProperty("keep").GetBoolean()))
            .ToList();
        Assert.Equal(
            [("a-small.png", "b-large.png", false), ("b-large.png", "b-large.png", true), ("c-other.png", "c-other.png", true)],
            records);
        Assert.Contains("d-broken.png: image_format_unsupported", dedup.Stderr, StringComparison.Ordinal);
    }

    private static byte[] Resized(byte[] png, int width, int height)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        using var smaller = bitmap.Resize(new SkiaSharp.SKImageInfo(width, height), new SkiaSharp.SKSamplingOptions(SkiaSharp.SKCubicResampler.Mitchell));
        using var image = SkiaSharp.SKImage.FromBitmap(smaller);
        return image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).ToArray();
    }
}
