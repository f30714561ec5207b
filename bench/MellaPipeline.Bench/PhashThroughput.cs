using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Imaging;

namespace MellaPipeline.Bench;

/// <summary>Decode + pHash images/s on one thread over every decodable JPEG in a folder (bytes read into memory once), after a warm-up round.</summary>
internal static class PhashThroughput
{
    public static int Run(string folder, int rounds)
    {
        var images = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg")
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToArray();
        int failed = images.Count(i => ImageHasher.Hash(i).Hash is null); // also the warm-up
        images = images.Where(i => ImageHasher.Hash(i).Hash is not null).ToArray(); // undecodable files are left out on both sides
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < rounds; round++)
        {
            foreach (var image in images)
            {
                ImageHasher.Hash(image);
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        int count = images.Length * rounds;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"images={count} mb={images.Sum(i => (long)i.Length) * rounds / 1e6:F1} rounds={rounds} undecodable={failed}"));
        Console.WriteLine(string.Create(inv, $"seconds={seconds:F2} images_per_second={count / seconds:F1} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        return 0;
    }
}
