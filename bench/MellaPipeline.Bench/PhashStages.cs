using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Images;
using MellaPipeline.Imaging;

namespace MellaPipeline.Bench;

/// <summary>
/// Where <c>mella phash</c>'s time goes per photo, stage by stage on one thread, for one decoder:
/// reading the file, parsing the header, the small decode for the hash (codec set-up and pixels),
/// and the hash itself; then a full-size decode alone, for comparing decoders' raw JPEG speed.
/// Every stage's median over rounds of all photos, in microseconds per photo.
/// </summary>
internal static class PhashStages
{
    public static int Run(string folder, string decoderName, int rounds)
    {
        var decoder = ImageHasher.DecoderNamed(decoderName);
        var paths = Directory.EnumerateFiles(folder, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        var stages = new Dictionary<string, List<double>>();
        void Add(string stage, long ticks, int count) =>
            (stages.TryGetValue(stage, out var list) ? list : stages[stage] = []).Add(Stopwatch.GetElapsedTime(0, ticks).TotalMicroseconds / count);

        for (int round = 0; round <= rounds; round++)
        {
            long read = 0, header = 0, decode = 0, hash = 0, full = 0;
            foreach (string path in paths)
            {
                long t0 = Stopwatch.GetTimestamp();
                byte[] bytes = File.ReadAllBytes(path);
                long t1 = Stopwatch.GetTimestamp();
                ImageHeader.TryRead(bytes, out var h, out _);
                long t2 = Stopwatch.GetTimestamp();
                var small = decoder.Decode(bytes, h, 64).Image!;
                long t3 = Stopwatch.GetTimestamp();
                Pixels.CompositeOverWhite(small.Rgba);
                PerceptualHash.Compute(small.Rgba, small.Width, small.Height);
                long t4 = Stopwatch.GetTimestamp();
                decoder.Decode(bytes, h, 0);
                long t5 = Stopwatch.GetTimestamp();
                read += t1 - t0;
                header += t2 - t1;
                decode += t3 - t2;
                hash += t4 - t3;
                full += t5 - t4;
            }

            if (round == 0)
            {
                continue; // warm-up: JIT and first-touch
            }

            Add("read", read, paths.Length);
            Add("header", header, paths.Length);
            Add("small_decode", decode, paths.Length);
            Add("hash", hash, paths.Length);
            Add("full_decode", full, paths.Length);
        }

        var inv = CultureInfo.InvariantCulture;
        string figures = string.Join(' ', stages.Select(s => string.Create(inv, $"{s.Key}_us={DecoderComparison.Median(s.Value):F0}")));
        Console.WriteLine(string.Create(inv, $"decoder={decoder.Name} photos={paths.Length} rounds={rounds} {figures} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        return 0;
    }
}
