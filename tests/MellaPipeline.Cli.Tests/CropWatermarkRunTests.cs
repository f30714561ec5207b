using System.Numerics;
using System.Text.Json;
using MellaPipeline.Dedup;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// Light crops and a watermark of a real photo join their original through the one near-duplicate
/// rule, in <c>mella dedup --images</c> and in a pipeline's <c>dedup_near</c>; different photos and
/// easy copies behave as with the pHash alone.
/// </summary>
public class CropWatermarkRunTests
{
    private static readonly string Photos = Path.Combine(RepoPaths.SharedData, "images-neardup", "imagededup", "base_images");

    private static readonly string[] Copies = ["a-crop8-side.jpg", "a-crop8.jpg", "a-watermark.jpg", "a-resize.jpg"];

    private static void Save(SKBitmap bitmap, string path)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static SKBitmap Crop(SKBitmap source, SKRectI box)
    {
        using var subset = new SKBitmap();
        Assert.True(source.ExtractSubset(subset, box));
        return subset.Copy();
    }

    /// <summary>A translucent white box with text in the bottom-right corner, as a photo site stamps its copies.</summary>
    private static SKBitmap CornerMark(SKBitmap source)
    {
        var marked = source.Copy();
        using var canvas = new SKCanvas(marked);
        int w = source.Width, h = source.Height;
        using var box = new SKPaint { Color = new SKColor(255, 255, 255, 140) };
        canvas.DrawRect(SKRect.Create(w * 0.70f, h * 0.85f, w * 0.27f, h * 0.11f), box);
        using var ink = new SKPaint { Color = new SKColor(0, 0, 0, 220) };
        using var font = new SKFont(SKTypeface.Default, h * 0.05f);
        canvas.DrawText("(c) 2026 photos.example", w * 0.71f, h * 0.93f, SKTextAlign.Left, font, ink);
        return marked;
    }

    /// <summary>A real photo (a-original), its 8 % crops (one side, all sides), a corner watermark and a half-size copy; two other photos.</summary>
    private static void WritePhotos(string folder)
    {
        Directory.CreateDirectory(folder);
        string first = Path.Combine(Photos, "ukbench00120.jpg");
        File.Copy(first, Path.Combine(folder, "a-original.jpg"));
        File.Copy(Path.Combine(Photos, "ukbench08976.jpg"), Path.Combine(folder, "b-other.jpg"));
        File.Copy(Path.Combine(Photos, "ukbench09012.jpg"), Path.Combine(folder, "c-other.jpg"));
        using var photo = SKBitmap.Decode(first);
        int w = photo.Width, h = photo.Height;
        using var side = Crop(photo, new SKRectI(w * 8 / 100, 0, w, h));
        using var all = Crop(photo, new SKRectI(w * 4 / 100, h * 4 / 100, w - (w * 4 / 100), h - (h * 4 / 100)));
        using var marked = CornerMark(photo);
        using var half = photo.Resize(new SKImageInfo(w / 2, h / 2), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        Save(side, Path.Combine(folder, Copies[0]));
        Save(all, Path.Combine(folder, Copies[1]));
        Save(marked, Path.Combine(folder, Copies[2]));
        Save(half, Path.Combine(folder, Copies[3]));
    }

    [Fact]
    public async Task Mella_dedup_images_clusters_crops_and_a_watermark_with_their_original_and_not_other_photos()
    {
        using var dir = new TempDir();
        string images = dir.File("images");
        WritePhotos(images);

        var result = await MellaProcess.RunAsync(["dedup", "--images", images]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var clusters = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(l => l.GetProperty("path").GetString()!, l => l.GetProperty("cluster").GetString()!);
        Assert.All(Copies, copy => Assert.Equal(clusters["a-original.jpg"], clusters[copy]));
        Assert.Equal(3, clusters.Values.Distinct().Count());
        Assert.Contains("(rule near-v1:phash<=6|phash<=14&windows-v1<=4)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dedup_near_clusters_them_the_same_way_and_the_shards_carry_the_window_hashes()
    {
        using var dir = new TempDir();
        WritePhotos(dir.File("images"));
        string[] names = ["a-original.jpg", .. Copies, "b-other.jpg", "c-other.jpg"];
        string pairs = dir.File("pairs.jsonl");
        File.WriteAllLines(pairs, names.Select((n, i) => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["image_path"] = $"images/{n}", ["url"] = $"https://example.org/{n}", ["lang"] = "cs", ["text"] = $"Fotografie číslo {i} z výletu",
        })));
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 2, shardMaxRows: 3, extra: "stages:\n  dedup_near:\n    keep: all");
        string run = dir.File("run");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", run]);

        Assert.True(result.ExitCode == 0, result.ToString());
        string shards = DuckDb.Shards(run);
        var rows = DuckDb.Query($"SELECT url, dup_cluster, phash_windows FROM {shards} ORDER BY url")
            .ToDictionary(r => Path.GetFileName((string)r[0]!), r => ((string)r[1]!, (string?)r[2]));
        var phashes = DuckDb.Query($"SELECT url, phash FROM {shards}")
            .ToDictionary(r => Path.GetFileName((string)r[0]!), r => Convert.ToUInt64((string)r[1]!, 16));

        // The crops and the watermark lie beyond T (6) bits of the original, and the pHash alone keeps them
        // apart even transitively: only the window path joins them below.
        string[] farCopies = [.. Copies.Where(c => c != "a-resize.jpg")];
        Assert.All(farCopies, copy => Assert.True(BitOperations.PopCount(phashes["a-original.jpg"] ^ phashes[copy]) > 6, $"{copy}: {BitOperations.PopCount(phashes["a-original.jpg"] ^ phashes[copy])} bits"));
        var phashRoots = NearDuplicateIndex.Cluster(names.Select(n => phashes[n]).ToArray(), 6);
        Assert.All(farCopies, copy => Assert.NotEqual(phashRoots[0], phashRoots[Array.IndexOf(names, copy)]));
        Assert.Equal(names.Length, rows.Count);
        Assert.All(rows.Values, r => Assert.Matches("^[0-9a-f]{80}$", r.Item2));
        Assert.All(Copies, copy => Assert.Equal(rows["a-original.jpg"].Item1, rows[copy].Item1));
        Assert.Equal(3, rows.Values.Select(r => r.Item1).Distinct().Count());
        string file = Directory.EnumerateFiles(Path.Combine(run, "shards"), "*.parquet").First();
        var metadata = DuckDb.Query($"SELECT decode(key), decode(value) FROM parquet_kv_metadata('{file}')").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.StartsWith("windows-v1:", metadata["mella.phash_windows_algorithm"], StringComparison.Ordinal);
        Assert.EndsWith(",decoder=skiasharp", metadata["mella.phash_windows_algorithm"], StringComparison.Ordinal);
        using var clusters = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "reduce", "clusters.json")));
        Assert.Equal("near-v1:phash<=6|phash<=14&windows-v1<=4", clusters.RootElement.GetProperty("rule").GetString());
    }
}
