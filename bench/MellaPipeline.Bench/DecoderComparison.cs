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
    private static readonly IImageDecoder[] Decoders = [SkiaImageDecoder.Instance, ImageSharpImageDecoder.Instance, VipsImageDecoder.Instance];

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

    /// <summary>The decodable JPEGs of <paramref name="folder"/>, each processed once (the warm-up).</summary>
    private static byte[][] Photos(string folder, ImageProcessor processor) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg")
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .Where(b => processor.Process(b).Image is not null)
            .ToArray();

    public static int Speed(string folder, string decoderName, int rounds)
    {
        var decoder = Decoders.Single(d => d.Name == decoderName);
        var processor = new ImageProcessor(decoder);
        var images = Photos(folder, processor);
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

    /// <summary>
    /// A load_images job per photo on one thread: decode, pHash, resize to <paramref name="size"/> on
    /// the short side and JPEG at <paramref name="quality"/> (what the loopback-web benchmark asks of
    /// every image), and the hash alone. CPU time is the process's (libvips' worker threads included),
    /// read per round of all photos; the medians over rounds are printed, with the median wall time
    /// of one image.
    /// </summary>
    public static int Process(string folder, string decoderName, int rounds, int size, int quality)
    {
        var decoder = Decoders.Single(d => d.Name == decoderName);
        var whole = new ImageProcessor(decoder, new StoredImageSettings(Config.ResizeMode.KeepRatio, size, Config.StoredImageFormat.Jpeg, quality));
        var hashOnly = new ImageProcessor(decoder);
        var images = Photos(folder, whole);
        _ = Photos(folder, hashOnly);
        var inv = CultureInfo.InvariantCulture;
        var (wholeCpu, wholeWall, storedBytes) = Time(whole, images, rounds);
        var (hashCpu, hashWall, _) = Time(hashOnly, images, rounds);
        Console.WriteLine(string.Create(inv,
            $"decoder={decoder.Name} images={images.Length} rounds={rounds} job=resize{size}+jpeg_q{quality} cpu_ms_per_image={wholeCpu:F2} wall_ms_per_image={wholeWall:F2} " +
            $"hash_only_cpu_ms_per_image={hashCpu:F2} hash_only_wall_ms_per_image={hashWall:F2} stored_kb_per_image={storedBytes / 1024.0:F1} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        return 0;
    }

    private static (double CpuMs, double WallMs, double StoredBytes) Time(ImageProcessor processor, byte[][] images, int rounds)
    {
        var self = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = new List<double>(rounds);
        var wall = new List<double>(rounds * images.Length);
        long stored = 0;
        for (int round = 0; round < rounds; round++)
        {
            self.Refresh();
            var before = self.TotalProcessorTime;
            foreach (var image in images)
            {
                long start = Stopwatch.GetTimestamp();
                stored += processor.Process(image).Image!.Stored.Length;
                wall.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            self.Refresh();
            cpu.Add((self.TotalProcessorTime - before).TotalMilliseconds / images.Length);
        }

        return (Median(cpu), Median(wall), (double)stored / (rounds * images.Length));
    }

    internal static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
