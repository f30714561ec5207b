using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Imaging;
using MellaPipeline.Quality.Packs;
using MellaPipeline.Records;
using MellaPipeline.Stages;

// Model-pack scoring throughput over real photos (read in place, never copied), in process:
//   score  --pack DIR --data DIR --batch N --threads T --rounds R   pairs/s (or images/s for a classifier pack)
//   decode --pack DIR --data DIR --rounds R                         decode + preprocessing alone, images/s
// Each round scores every photo once (one caption each, cycled from the demo's captions); every
// line printed is one round, so the caller can take medians.
var options = args.Skip(1).Chunk(2).Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p[0][2..], p => p[1], StringComparer.Ordinal);
string Option(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
int Number(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

string command = args.Length > 0 ? args[0] : "score";
var pack = ModelPack.Load(Option("pack", "pipelines/demo/models/tiny-clip"));
var photos = Directory.EnumerateFiles(Option("data", "../shared/data/images-neardup"), "*", SearchOption.AllDirectories)
    .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg")
    .Order(StringComparer.Ordinal)
    .Select(File.ReadAllBytes)
    .Where(b => new ImageProcessor(SkiaImageDecoder.Instance).DecodePixels(b).Image is not null)
    .ToArray();
// The demo's translated captions, eight languages (the file's deliberately broken lines skipped).
string[] captions = File.ReadLines("pipelines/demo/captions.jsonl")
    .Select(l => System.Text.RegularExpressions.Regex.Match(l, "\"text\": \"([^\"]+)\"").Groups[1].Value)
    .Where(t => t.Length > 0)
    .ToArray();
var rows = photos.Select((bytes, i) => new PairRecord
{
    Key = "k" + i, Origin = "bench", Lang = "xx", Script = "Latn", Source = "native", Text = captions[i % captions.Length],
    ImageBytes = bytes, Width = 1, Height = 1, Sha256 = null, DupCluster = "k" + i, OrigWidth = 1, OrigHeight = 1,
}).ToArray();
int rounds = Number("rounds", 5);
var inv = CultureInfo.InvariantCulture;
double megapixels = photos.Sum(p => new ImageProcessor(SkiaImageDecoder.Instance).DecodePixels(p).Image is { } d ? d.Width * (double)d.Height : 0) / photos.Length / 1e6;
Console.WriteLine(string.Create(inv, $"pack={pack.Id} kind={pack.Kind} photos={photos.Length} mean_megapixels={megapixels:F2} size={pack.Image.Size}"));

if (command == "decode")
{
    var images = new ImageProcessor(SkiaImageDecoder.Instance);
    var preprocessor = new PackImagePreprocessor(pack.Image);
    var tensor = new float[preprocessor.Length];
    for (int round = 0; round < rounds; round++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        double decodeSeconds = 0;
        foreach (var photo in photos)
        {
            var decodeClock = Stopwatch.StartNew();
            var image = images.DecodePixels(photo).Image!;
            decodeSeconds += decodeClock.Elapsed.TotalSeconds;
            preprocessor.Write(image, tensor);
        }

        double seconds = clock.Elapsed.TotalSeconds, cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(inv,
            $"round={round} decode_preprocess_images_per_second={photos.Length / seconds:F1} decode_share={decodeSeconds / seconds:F2} images_per_cpu_second={photos.Length / cpuSeconds:F1}"));
    }

    return 0;
}

int batch = Number("batch", 32), threads = Number("threads", 1);
using IRowScorer scorer = pack.Kind == PackKind.Alignment ? new PackAlignmentScorer(pack, threads) : new PackImageClassifier(pack, threads);
await scorer.ScoreAsync(rows[..Math.Min(batch, rows.Length)], CancellationToken.None); // warm-up: session allocations
// Wall-clock rates depend on what else the shared machine runs; rows per CPU-second of this
// process (all its threads) is the per-core figure that holds under load.
var process = Process.GetCurrentProcess();
for (int round = 0; round < rounds; round++)
{
    process.Refresh();
    var cpu = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    int scored = 0;
    foreach (var chunk in rows.Chunk(batch))
    {
        scored += (await scorer.ScoreAsync(chunk, CancellationToken.None)).Count(s => s.Score is not null);
    }

    double seconds = clock.Elapsed.TotalSeconds;
    process.Refresh();
    double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
    Console.WriteLine(string.Create(inv,
        $"round={round} batch={batch} threads={threads} scored={scored} rows_per_second={rows.Length / seconds:F1} rows_per_cpu_second={rows.Length / cpuSeconds:F1}"));
}

return 0;
