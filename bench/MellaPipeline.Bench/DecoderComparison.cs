using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Images;
using MellaPipeline.Imaging;

namespace MellaPipeline.Bench;

/// <summary>
/// SkiaSharp against ImageSharp as the image decoder: what each makes of every hostile file
/// (<c>outcomes</c>), and decode + pHash images/s on one thread over real JPEGs, plus a full-size
/// decode alone (<c>speed</c>; run once per decoder so each process's peak RSS is its own).
/// </summary>
internal static class DecoderComparison
{
    private static readonly IImageDecoder[] Decoders = [SkiaImageDecoder.Instance, ImageSharpImageDecoder.Instance];

    public static int Outcomes(string folder)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine("| file | " + string.Join(" | ", Decoders.Select(d => d.Name)) + " |");
        Console.WriteLine("| --- |" + string.Concat(Decoders.Select(_ => " --- |")));
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("LICENSE", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        var differences = 0;
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            var cells = Decoders.Select(decoder =>
            {
                var clock = Stopwatch.StartNew();
                var outcome = new ImageProcessor(decoder).Process(bytes);
                double ms = clock.Elapsed.TotalMilliseconds;
                return outcome.Image is { } image
                    ? string.Create(inv, $"{PerceptualHash.ToHex(image.Hash)} {image.Width}×{image.Height}{(image.Ops is null ? "" : " " + image.Ops)} ({ms:F0} ms)")
                    : string.Create(inv, $"**{outcome.Reason}** ({ms:F0} ms)");
            }).ToArray();
            differences += cells.Select(c => c[..Math.Max(0, c.IndexOf('(', StringComparison.Ordinal))]).Distinct().Count() > 1 ? 1 : 0;
            Console.WriteLine($"| {Path.GetRelativePath(folder, file)} | {string.Join(" | ", cells)} |");
        }

        Console.WriteLine(string.Create(inv, $"files where the decoders differ: {differences}; peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        return 0;
    }

    public static int Speed(string folder, string decoderName, int rounds)
    {
        var decoder = Decoders.Single(d => d.Name == decoderName);
        var processor = new ImageProcessor(decoder);
        var images = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg")
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .Where(b => processor.Process(b).Image is not null) // also the warm-up
            .ToArray();
        var inv = CultureInfo.InvariantCulture;

        var clock = Stopwatch.StartNew();
        for (int round = 0; round < rounds; round++)
        {
            foreach (var image in images)
            {
                processor.Process(image);
            }
        }

        double hashSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (int round = 0; round < rounds; round++)
        {
            foreach (var image in images)
            {
                ImageHeader.TryRead(image, out var header, out _);
                decoder.Decode(image, header, 0);
            }
        }

        double fullSeconds = clock.Elapsed.TotalSeconds;
        int count = images.Length * rounds;
        Console.WriteLine(string.Create(inv,
            $"decoder={decoder.Name} images={count} hash_images_per_second={count / hashSeconds:F1} full_decode_images_per_second={count / fullSeconds:F1} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        return 0;
    }
}
