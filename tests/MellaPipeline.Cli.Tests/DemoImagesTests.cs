using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Cli.Tests;

/// <summary>The demo's photographs: real, small, licensed, and its near duplicates really resized copies of one photo.</summary>
public class DemoImagesTests
{
    private static readonly string[] Files = Directory.EnumerateFiles(DemoImages.Folder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_images_folder_holds_only_small_valid_images()
    {
        Assert.True(Files.Length >= 20, $"{Files.Length} images");
        Assert.Empty(Directory.EnumerateDirectories(DemoImages.Folder));
        long total = 0;
        foreach (string file in Files)
        {
            byte[] bytes = File.ReadAllBytes(DemoImages.PathOf(file));
            total += bytes.Length;
            using var bitmap = SKBitmap.Decode(bytes);
            Assert.True(bitmap is not null, $"{file} does not decode");
            Assert.True(Math.Max(bitmap.Width, bitmap.Height) <= 640, $"{file} is {bitmap.Width} x {bitmap.Height}");
            Assert.True(Math.Min(bitmap.Width, bitmap.Height) >= 160, $"{file} is {bitmap.Width} x {bitmap.Height}, too small for a photo");
        }

        Assert.True(total <= 3 * 1024 * 1024, $"{total:N0} bytes in all");
    }

    [Fact]
    public void Every_image_has_a_row_in_the_licence_table_and_the_licence_file_it_names_is_there()
    {
        var rows = File.ReadAllLines(DemoImages.LicenceTable)
            .Where(l => l.StartsWith("| `images/", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToArray();
        Assert.Equal(Files, rows.Select(r => r[1].Trim('`')["images/".Length..]).Order(StringComparer.Ordinal).ToArray());
        Assert.All(rows, r =>
        {
            Assert.StartsWith("lomiri-wallpapers-", r[3], StringComparison.Ordinal);
            Assert.Matches("^CC(0-1.0|-BY(-SA)?-[34].0)$", r[5]);
            Assert.Contains($"{r[2].Trim('`')}\n", File.ReadAllText(Path.Combine(Path.GetDirectoryName(DemoImages.LicenceTable)!, "lomiri-wallpapers.copyright")), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_near_duplicates_are_resized_copies_of_their_photo_and_the_photos_differ()
    {
        var hashes = Files.ToDictionary(f => f, f => ImageHasher.Hash(File.ReadAllBytes(DemoImages.PathOf(f))).Hash!.Value);
        foreach (var (copy, original) in DemoImages.ResizedCopies)
        {
            using var small = SKBitmap.Decode(DemoImages.PathOf(copy));
            using var large = SKBitmap.Decode(DemoImages.PathOf(original));
            Assert.True(small.Width < large.Width && small.Height < large.Height, $"{copy} is not smaller than {original}");
            Assert.InRange(small.Width * (double)large.Height / large.Width, small.Height - 1.0, small.Height + 1.0); // same shape
            Assert.InRange(PerceptualHash.Distance(hashes[copy], hashes[original]), 0, 2);
        }

        string[] photos = Files.Where(f => !DemoImages.ResizedCopies.ContainsKey(f)).ToArray();
        Assert.Equal(14, photos.Length);
        foreach (string a in photos)
        {
            foreach (string b in photos.Where(b => string.CompareOrdinal(a, b) < 0))
            {
                Assert.True(PerceptualHash.Distance(hashes[a], hashes[b]) > 14, $"{a} and {b} look alike");
            }
        }
    }
}
