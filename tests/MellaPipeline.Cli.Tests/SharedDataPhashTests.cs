using MellaPipeline.Images;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>mella phash</c> on every file of <c>../shared/data/images-malformed</c> (bombs, truncation,
/// lying extensions, EXIF orientation, CMYK, 16-bit, animation, other formats) and on near
/// duplicates of <c>../shared/data/images-neardup</c>.
/// </summary>
[Trait("Category", "SharedData")]
public class SharedDataPhashTests
{
    private static readonly string Malformed = Path.Combine(RepoPaths.SharedData, "images-malformed");

    private static async Task<Dictionary<string, string[]>> PhashAsync(IReadOnlyList<string> files)
    {
        var result = await MellaProcess.RunAsync(["phash", .. files]);
        Assert.True(result.ExitCode is 0 or 1, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        Assert.Equal(files.Count, lines.Count); // one line per input, in input order
        return files.Select((f, i) => (f, lines[i])).ToDictionary(p => Path.GetRelativePath(Malformed, p.f), p => p.Item2);
    }

    [Fact]
    public async Task Every_hostile_file_gives_a_hash_or_a_reason_and_orientation_bombs_and_lying_extensions_are_handled()
    {
        var files = Directory.EnumerateFiles(Malformed, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("LICENSE", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

        var lines = await PhashAsync(files);

        string[] reasons = ["image_truncated", "image_format_unsupported", "image_header_invalid", "image_too_many_pixels", "image_decode_failed"];
        foreach (var (file, line) in lines)
        {
            Assert.True(
                (line.Length == 2 && PerceptualHash.TryParseHex(line[0], out _)) || (line.Length == 3 && line[0] == "error" && reasons.Contains(line[2])),
                $"{file}: {string.Join('\t', line)}");
        }

        // 44 bytes whose frame descriptor claims 4.3 Gpx: refused without allocating (its logical screen is 32×32, the data ends at once).
        Assert.Contains(lines["pillow/decompression_bomb.gif"][2], new[] { "image_too_many_pixels", "image_truncated" });
        Assert.Equal("image_too_many_pixels", lines["sharp/giant-image.jpg"][2]);
        Assert.Equal("image_too_many_pixels", lines["sharp/65536-uint32-limit.png"][2]);
        Assert.Equal("image_format_unsupported", lines["coenm-imagehash/NotAnImage.txt"][2]);
        Assert.Equal("error", lines["imagededup/ukbench09268_corrupt.jpg"][0]);

        // JPEG bytes behind .bmp/.png/.svg names hash as the JPEG they are.
        string jpeg = lines["imagededup/ukbench09380.jpeg"][0];
        Assert.All(new[] { "bmp", "png", "svg" }, ext => Assert.Equal(jpeg, lines[$"imagededup/ukbench09380.{ext}"][0]));

        // EXIF orientation is applied: every rotated or flipped copy hashes like the upright original.
        Assert.True(PerceptualHash.TryParseHex(lines["pillow/hopper.jpg"][0], out ulong upright));
        foreach (int orientation in Enumerable.Range(2, 7))
        {
            Assert.True(PerceptualHash.TryParseHex(lines[$"pillow/hopper_orientation_{orientation}.jpg"][0], out ulong turned));
            Assert.True(PerceptualHash.Distance(upright, turned) <= 6, $"orientation {orientation}: distance {PerceptualHash.Distance(upright, turned)}");
        }
    }

    [Fact]
    public async Task Each_decoder_hashes_real_photos_in_input_order_within_a_few_bits_of_the_default()
    {
        // Photos listed out of path order (and one twice), so input order is not the order a folder walk would give.
        var photos = Directory.EnumerateFiles(Path.Combine(RepoPaths.SharedData, "images-neardup"), "*.jpg", SearchOption.AllDirectories)
            .Where(f => !f.Contains("corrupt", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Take(40).Reverse().ToList();
        photos.Add(photos[0]);
        var byDecoder = new Dictionary<string, string[][]>();
        foreach (string decoder in new[] { "skiasharp", "vips", "imagesharp" })
        {
            var result = await MellaProcess.RunAsync(["phash", "--decoder", decoder, .. photos]);
            Assert.True(result.ExitCode == 0, result.ToString());
            byDecoder[decoder] = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToArray();
            Assert.Equal(photos, byDecoder[decoder].Select(l => l[1]));
        }

        Assert.Equal(byDecoder["skiasharp"].Select(l => l[0]), (await MellaProcess.RunAsync(["phash", .. photos])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]));
        foreach (string decoder in new[] { "vips", "imagesharp" })
        {
            for (int i = 0; i < photos.Count; i++)
            {
                Assert.True(PerceptualHash.TryParseHex(byDecoder["skiasharp"][i][0], out ulong expected), photos[i]);
                Assert.True(PerceptualHash.TryParseHex(byDecoder[decoder][i][0], out ulong actual), photos[i]);
                Assert.True(PerceptualHash.Distance(expected, actual) <= 6, $"{decoder} {photos[i]}: {PerceptualHash.Distance(expected, actual)} bits from skiasharp");
            }
        }
    }
}
