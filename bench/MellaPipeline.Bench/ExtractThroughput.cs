using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Pages;
using MellaPipeline.LanguageId;

namespace MellaPipeline.Bench;

/// <summary>
/// Pages/s and MB/s of real HTML through charset decoding, AngleSharp extraction, the alt-text
/// filters and language identification, over the pages in a folder (read once into memory, then
/// processed <c>rounds</c> times after one warm-up round), on <c>threads</c> threads. The
/// detector's start-up is timed separately.
/// </summary>
internal static class ExtractThroughput
{
    /// <param name="withLanguageId">False measures decoding, extraction and the alt-text rules alone.</param>
    public static int Run(string folder, int rounds, int threads, bool withLanguageId)
    {
        var pages = Directory.EnumerateFiles(folder, "*.htm*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => (Url: "https://example.org/" + Path.GetRelativePath(folder, f).Replace('\\', '/'), Bytes: File.ReadAllBytes(f)))
            .ToArray();
        long bytesPerRound = pages.Sum(p => (long)p.Bytes.Length);

        var startup = Stopwatch.StartNew();
        var identifier = LanguageIdentifier.Create();
        startup.Stop();

        // One parallel loop over every (round, page), as a task works through its input: no barrier between rounds.
        (long Images, long Kept) Process(int rounds)
        {
            long images = 0, kept = 0;
            Parallel.For(
                0,
                rounds * pages.Length,
                new ParallelOptions { MaxDegreeOfParallelism = threads },
                i =>
                {
                    var page = pages[i % pages.Length];
                    var extracted = PageExtraction.Extract(new FetchedPage(page.Url, 200, null, null, null, page.Bytes));
                    if (!withLanguageId)
                    {
                        foreach (var image in extracted.Images)
                        {
                            Interlocked.Increment(ref images);
                            if ((AltTextFilter.CheckImage(image) ?? AltTextFilter.CheckAlt(image.AltRaw, MellaPipeline.Text.TextNormalizer.Normalize(image.AltRaw))) is null)
                            {
                                Interlocked.Increment(ref kept);
                            }
                        }

                        return;
                    }

                    foreach (var record in AltTextRecord.FromPage(extracted, identifier))
                    {
                        Interlocked.Increment(ref images);
                        if (record.Status == AltStatus.Kept)
                        {
                            Interlocked.Increment(ref kept);
                        }
                    }
                });
            return (images, kept);
        }

        Process(5); // JIT and tiered compilation settle
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        var pauseBefore = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        var (totalImages, totalKept) = Process(rounds);
        clock.Stop();
        double seconds = clock.Elapsed.TotalSeconds;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"pages={pages.Length * rounds} images={totalImages} kept={totalKept} mb={bytesPerRound * rounds / 1e6:F1} rounds={rounds} threads={threads} language_id={withLanguageId.ToString().ToLowerInvariant()}"));
        Console.WriteLine(string.Create(inv,
            $"seconds={seconds:F2} pages_per_second={pages.Length * rounds / seconds:F1} mb_per_second={bytesPerRound * rounds / 1e6 / seconds:F2} startup_seconds={startup.Elapsed.TotalSeconds:F2} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        Console.WriteLine(string.Create(inv,
            $"allocated_mb_per_round={(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e6 / rounds:F0} gc_pause_seconds={(GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds:F2} gen2={GC.CollectionCount(2)}"));
        return 0;
    }
}
