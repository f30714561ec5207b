using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using MellaPipeline.Config;
using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;

namespace MellaPipeline.Bench;

/// <summary>
/// <c>load_images</c> over a URL list in one process, as a task runs it (the real flow, stage,
/// polite client and image processor; no text stages, no shard writer), with a stopwatch on each
/// part, to compare how the flow feeds downloads: <c>fixed</c> gives the stage
/// <c>concurrency</c> calls (the flow before downloads bounded themselves), <c>self-limited</c> a
/// call for every record of the reorder window, the client bounding downloads. <c>--hot</c> sends
/// that share of the URLs to the first host instead (a list dominated by one CDN); <c>--process
/// false</c> leaves out decoding, resizing and encoding, so the downloads alone are measured.
/// </summary>
internal static class UrlFlowBenchmark
{
    public static async Task<int> RunAsync(string urlList, string mode, int concurrency, int perHost, int hosts, double hot, bool process)
    {
        var lines = File.ReadLines(urlList).Skip(1).Select(l => l.Split('\t')[0]).ToList();
        var candidates = lines.Select((url, i) => Candidate(i, hot > 0 && (i * 7919 % 1000) < hot * 1000 ? HotHost(url) : url)).ToList();
        var fetchOptions = new HttpFetchOptions
        {
            AllowedAddresses = [.. Enumerable.Range(1, hosts).Select(i => IPAddress.Parse($"127.0.0.{i}"))],
            PerHostRequestsPerSecond = 10_000,
            PerHostConcurrency = perHost,
            ImageConcurrency = concurrency,
            MaxRetries = 0,
        };
        var settings = new LoadImagesOptions
        {
            Concurrency = concurrency,
            ResizeMode = ResizeMode.KeepRatio,
            ImageSize = 384,
            EncodeFormat = StoredImageFormat.Jpeg,
        };
        using var client = new PoliteHttpClient(fetchOptions);
        var fetcher = new TimedFetcher(new HttpImageFetcher(client));
        var processor = new TimedProcessor(new ImageProcessor(ImageHasher.DecoderFor(settings.Decoder), StoredImageSettings.From(settings)));
        var stage = new LoadImageStage(settings, fetcher, process ? processor : null);
        var flow = PipelineFlow<PairCandidate>.From(new CandidateList(candidates), new TaskSlice(0, 1));
        var rows = mode == "fixed" ? flow.Then(stage, concurrency) : flow.ThenSelfLimited(stage, concurrency);
        var sink = new CountingSink();
        var counters = new PipelineCounters();
        var rejects = new CountingRejects();

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await rows.RunAsync(sink, new FlowSettings(rejects, counters), CancellationToken.None);
        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        var inv = CultureInfo.InvariantCulture;
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(inv,
            $"mode={mode} process={process} concurrency={concurrency} per_host={perHost} hot={hot} urls={candidates.Count} rows={sink.Rows} rejects={rejects.Count} seconds={seconds:F2} urls_per_second={candidates.Count / seconds:F0} cpu_seconds={cpu.TotalSeconds:F1} connections={client.ConnectionsOpened}"));
        Console.WriteLine(string.Create(inv,
            $"download_seconds_summed={fetcher.Seconds:F1} (mean {fetcher.Seconds / Math.Max(1, fetcher.Calls) * 1000:F1} ms over {fetcher.Calls}) process_seconds_summed={processor.Seconds:F1} (mean {processor.Seconds / Math.Max(1, processor.Calls) * 1000:F2} ms over {processor.Calls}) mean_downloads_in_flight={fetcher.Seconds / seconds:F1}"));
        return 0;
    }

    /// <summary>
    /// What one image costs <c>load_images</c> without the network, on one thread: the photos of
    /// <paramref name="photos"/> through the processor that only hashes (decode at 64 px, pHash)
    /// and through the one of the benchmark (that, then a decode at ≥ 384 px, resize, JPEG q95).
    /// </summary>
    public static int ProcessOnly(string photos, int rounds)
    {
        var images = Directory.EnumerateFiles(photos, "*.jpg").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var settings = new LoadImagesOptions { ResizeMode = ResizeMode.KeepRatio, ImageSize = 384, EncodeFormat = StoredImageFormat.Jpeg };
        var decoder = ImageHasher.DecoderFor(settings.Decoder);
        var inv = CultureInfo.InvariantCulture;
        foreach (var (name, processor) in new[] { ("hash_only", new ImageProcessor(decoder)), ("hash_resize_jpeg", new ImageProcessor(decoder, StoredImageSettings.From(settings))) })
        {
            images.ForEach(bytes => processor.Process(bytes)); // warm-up
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (int round = 0; round < rounds; round++)
            {
                images.ForEach(bytes => processor.Process(bytes));
            }

            double seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(inv,
                $"{name}: images={images.Count * rounds} ms_per_image={seconds * 1000 / (images.Count * rounds):F2} cpu_ms_per_image={(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / (images.Count * rounds):F2}"));
        }

        // The decode the stored image starts from, alone: the rest of hash_resize_jpeg is the resize and the encode.
        var headers = images.Select(bytes => ImageHeader.TryRead(bytes, out var header, out _) ? header : throw new InvalidDataException("not an image")).ToList();
        var decodeClock = Stopwatch.StartNew();
        var sizes = new List<int>();
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < images.Count; i++)
            {
                var decoded = decoder.Decode(images[i], headers[i], 384).Image!;
                sizes.Add(Math.Min(decoded.Width, decoded.Height));
            }
        }

        sizes.Sort();
        Console.WriteLine(string.Create(inv,
            $"decode_for_384: ms_per_image={decodeClock.Elapsed.TotalMilliseconds / (images.Count * rounds):F2} decoded_short_side_median={sizes[sizes.Count / 2]} original_short_side_median={headers.Select(h => Math.Min(h.Width, h.Height)).Order().ElementAt(headers.Count / 2)}"));

        // The same resize and encode calls as ImageProcessor's (Skia, linear filter with mipmaps; JPEG q95), each timed alone.
        double resizeMs = 0, encodeMs = 0;
        var first = images.Select((bytes, i) => decoder.Decode(bytes, headers[i], 384).Image!).ToList();
        for (int round = 0; round < rounds; round++)
        {
            foreach (var image in first)
            {
                long started = Stopwatch.GetTimestamp();
                using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(image.Width, image.Height, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque));
                System.Runtime.InteropServices.Marshal.Copy(image.Rgba, 0, bitmap.GetPixels(), image.Rgba.Length);
                double scale = Math.Min(1.0, 384.0 / Math.Min(image.Width, image.Height));
                using var scaled = bitmap.Resize(
                    new SkiaSharp.SKImageInfo(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)), SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque),
                    new SkiaSharp.SKSamplingOptions(SkiaSharp.SKFilterMode.Linear, SkiaSharp.SKMipmapMode.Linear));
                long resized = Stopwatch.GetTimestamp();
                using var skImage = SkiaSharp.SKImage.FromBitmap(scaled);
                using var encoded = skImage.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 95);
                resizeMs += Stopwatch.GetElapsedTime(started, resized).TotalMilliseconds;
                encodeMs += Stopwatch.GetElapsedTime(resized).TotalMilliseconds;
            }
        }

        Console.WriteLine(string.Create(inv, $"skia_resize: ms_per_image={resizeMs / (images.Count * rounds):F2} skia_jpeg_q95_encode: ms_per_image={encodeMs / (images.Count * rounds):F2}"));
        return 0;
    }

    private static string HotHost(string url)
    {
        var uri = new UriBuilder(url) { Host = "127.0.0.1" };
        return uri.Uri.AbsoluteUri;
    }

    private static PairCandidate Candidate(int i, string url) =>
        new($"k{i:D6}", url, "native", "caption", "cs", "Latn", url, null, null, null, null);

    private sealed class CandidateList(IReadOnlyList<PairCandidate> candidates) : IRecordSource<PairCandidate>
    {
        public string Name => "urls";

        public async IAsyncEnumerable<StageOutcome<PairCandidate>> ReadAsync(TaskSlice slice, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var candidate in candidates)
            {
                yield return StageOutcome<PairCandidate>.Ok(candidate);
            }

            await Task.CompletedTask;
        }
    }

    private sealed class TimedFetcher(IImageFetcher inner) : IImageFetcher
    {
        private long _ticks;
        private int _calls;

        public double Seconds => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks)).TotalSeconds;

        public int Calls => Volatile.Read(ref _calls);

        public async ValueTask<ImageDownload> DownloadAsync(string url, CancellationToken cancellationToken)
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                return await inner.DownloadAsync(url, cancellationToken);
            }
            finally
            {
                Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
                Interlocked.Increment(ref _calls);
            }
        }
    }

    private sealed class TimedProcessor(IImageProcessor inner) : IImageProcessor
    {
        private long _ticks;
        private int _calls;

        public double Seconds => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks)).TotalSeconds;

        public int Calls => Volatile.Read(ref _calls);

        public string HashAlgorithm => inner.HashAlgorithm;

        public ProcessOutcome Process(byte[] bytes) => Timed(() => inner.Process(bytes));

        public ProcessOutcome Process(byte[] bytes, ImageHeader header) => Timed(() => inner.Process(bytes, header));

        private ProcessOutcome Timed(Func<ProcessOutcome> work)
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                return work();
            }
            finally
            {
                Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
                Interlocked.Increment(ref _calls);
            }
        }
    }

    private sealed class CountingSink : IRecordSink<PairRecord>
    {
        public long Rows { get; private set; }

        public string Name => "count";

        public ValueTask WriteAsync(PairRecord record, CancellationToken cancellationToken)
        {
            Rows++;
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class CountingRejects : IRejectSink
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Write(RejectRecord reject) => Interlocked.Increment(ref _count);
    }
}
