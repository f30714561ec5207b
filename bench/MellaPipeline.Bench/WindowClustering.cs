using System.Diagnostics;
using System.Numerics;
using MellaPipeline.Dedup;
using MellaPipeline.Images;

namespace MellaPipeline.Bench;

/// <summary>
/// The near-duplicate rule's clustering cost at reference-dataset scale against the pHash alone, on
/// the same generated rows: random 64-bit pHashes; each image's five window hashes its pHash with
/// 6–16 random bits flipped (on the real photos a window is 4–20 bits from its image's pHash); every
/// tenth image followed by a "crop" 7–2T+2 bits from it whose window w is its pHash with 0–3 bits
/// flipped, so that only the windows find it. Prints both times and how many crops were found.
/// </summary>
internal static class WindowClustering
{
    public static int Run(int rows, int threshold, int rounds)
    {
        var random = new Random(19);
        var phashes = new ulong[rows];
        var windows = new ulong[(long)rows * WindowHashes.Count];
        var planted = new List<(int Original, int Copy)>();
        ulong Flip(ulong value, int bits)
        {
            for (int f = 0; f < bits; f++)
            {
                value ^= 1UL << random.Next(64);
            }

            return value;
        }

        var rule = new NearDuplicateRule(threshold);
        for (int i = 0; i < rows; i++)
        {
            bool copy = i % 10 == 1;
            phashes[i] = copy ? Flip(phashes[i - 1], threshold + 1 + random.Next(rule.Bound - threshold)) : (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            for (int w = 0; w < WindowHashes.Count; w++)
            {
                windows[(i * WindowHashes.Count) + w] = Flip(phashes[i], 6 + random.Next(11));
            }

            if (copy && BitOperations.PopCount(phashes[i] ^ phashes[i - 1]) is int d && d > threshold && d <= rule.Bound)
            {
                windows[(i * WindowHashes.Count) + random.Next(WindowHashes.Count)] = Flip(phashes[i - 1], random.Next(4));
                planted.Add((i - 1, i));
            }
        }

        for (int round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var alone = NearDuplicateIndex.Cluster(phashes, threshold);
            double phashSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var roots = rule.Cluster(phashes, windows);
            double ruleSeconds = clock.Elapsed.TotalSeconds;
            int found = planted.Count(p => roots[p.Original] == roots[p.Copy]);
            int foundAlone = planted.Count(p => alone[p.Original] == alone[p.Copy]);
            Console.WriteLine(
                $"rows={rows} threshold={threshold} phash_only_s={phashSeconds:F2} rule_s={ruleSeconds:F2} ratio={ruleSeconds / phashSeconds:F2} " +
                $"planted={planted.Count} found_by_rule={found} found_by_phash={foundAlone} clusters_rule={roots.Where((r, i) => r == i).Count()} clusters_phash={alone.Where((r, i) => r == i).Count()}");
        }

        return planted.Count == planted.Count(p => rule.Near(phashes[p.Original], windows.AsSpan(p.Original * WindowHashes.Count, WindowHashes.Count), phashes[p.Copy], windows.AsSpan(p.Copy * WindowHashes.Count, WindowHashes.Count))) ? 0 : 1;
    }
}
