using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MellaPipeline.Bench;

/// <summary>
/// Input for timing <c>mella dedup --hashes</c> at reference-dataset scale: uniformly random 64-bit
/// hashes, every tenth with one to three planted copies 0–T bits away (T = the threshold), and a
/// truth file of the planted pairs; <c>dedup-verify</c> then checks every planted pair shares a cluster.
/// </summary>
internal static class DedupHashes
{
    public static int Generate(long count, int threshold, string outPath, string truthPath)
    {
        var random = new Random(6_800_000);
        using var output = new StreamWriter(outPath, false, new UTF8Encoding(false), 1 << 20);
        using var truth = new StreamWriter(truthPath, false, new UTF8Encoding(false), 1 << 20);
        long written = 0, planted = 0;
        while (written < count)
        {
            ulong original = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            string originalId = $"img-{written:D8}";
            output.Write(original.ToString("x16", CultureInfo.InvariantCulture));
            output.Write('\t');
            output.WriteLine(originalId);
            written++;
            if (written % 10 != 1)
            {
                continue;
            }

            int copies = 1 + random.Next(3);
            for (int c = 0; c < copies && written < count; c++)
            {
                ulong copy = original;
                int flips = random.Next(threshold + 1);
                for (int f = 0; f < flips; f++)
                {
                    copy ^= 1UL << random.Next(64); // may flip a bit back: distance ≤ flips ≤ T either way
                }

                string copyId = $"img-{written:D8}";
                output.Write(copy.ToString("x16", CultureInfo.InvariantCulture));
                output.Write('\t');
                output.WriteLine(copyId);
                truth.Write(originalId);
                truth.Write('\t');
                truth.WriteLine(copyId);
                written++;
                planted++;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hashes={written} planted_pairs={planted} threshold={threshold}"));
        return 0;
    }

    public static int Verify(string truthPath, string resultPath)
    {
        var cluster = new Dictionary<string, string>(StringComparer.Ordinal);
        var needed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(truthPath))
        {
            var parts = line.Split('\t');
            needed.Add(parts[0]);
            needed.Add(parts[1]);
        }

        foreach (var line in File.ReadLines(resultPath))
        {
            using var document = JsonDocument.Parse(line);
            string id = document.RootElement.GetProperty("id").GetString()!;
            if (needed.Contains(id))
            {
                cluster[id] = document.RootElement.GetProperty("cluster").GetString()!;
            }
        }

        long found = 0, total = 0;
        foreach (var line in File.ReadLines(truthPath))
        {
            var parts = line.Split('\t');
            total++;
            found += cluster.TryGetValue(parts[0], out var a) && cluster.TryGetValue(parts[1], out var b) && a == b ? 1 : 0;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"planted_pairs={total} found={found} recall={(double)found / Math.Max(1, total):F6}"));
        return found == total ? 0 : 1;
    }
}
