using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Dedup;

namespace MellaPipeline.Bench;

/// <summary>
/// The cost of benchmark decontamination's image check at dataset scale, in process: a benchmark
/// of N random 64-bit hashes, ROWS row hashes of which a planted share are near copies of a
/// benchmark hash (0..T bits flipped), every row asked for its nearest benchmark hash within T
/// (<see cref="PhashQueryIndex.NearestAll"/>, all cores). Reports build and query seconds, the
/// index's bytes, peak RSS and the recall of the planted copies (must be 1.0: the search is exact).
/// </summary>
internal static class DecontaminateScale
{
    public static int Run(int references, int rows, int threshold, int planted, int? blocks)
    {
        var random = new Random(references + threshold);
        var benchmark = new ulong[references];
        for (int i = 0; i < benchmark.Length; i++)
        {
            benchmark[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        }

        var queries = new ulong[rows];
        for (int q = 0; q < queries.Length; q++)
        {
            queries[q] = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        }

        // Planted copies at spread-out rows, each naming the benchmark hash it copies.
        var plantedRows = new Dictionary<int, int>();
        while (plantedRows.Count < planted)
        {
            int row = random.Next(rows), source = random.Next(references);
            ulong copy = benchmark[source];
            foreach (int bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(random.Next(threshold + 1)))
            {
                copy ^= 1UL << bit;
            }

            queries[row] = copy;
            plantedRows[row] = source;
        }

        GC.Collect();
        double rssBefore = ProcessMemory.RssMegabytes();
        var clock = Stopwatch.StartNew();
        var index = PhashQueryIndex.Build(benchmark, threshold, blocks);
        double build = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var matches = index.NearestAll(queries);
        double query = clock.Elapsed.TotalSeconds;
        int found = plantedRows.Count(p => matches[p.Key].Found);
        int matched = matches.Count(m => m.Found);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"references={references} rows={rows} threshold={threshold} blocks={index.Blocks} build_s={build:F3} query_s={query:F3} " +
            $"rows_per_s={rows / query:F0} index_mb={index.Bytes / 1048576.0:F1} rss_before_mb={rssBefore:F0} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0} " +
            $"planted={planted} recall={(double)found / planted:F4} matched_rows={matched} cores={Environment.ProcessorCount}"));
        return found == planted ? 0 : 1;
    }
}
