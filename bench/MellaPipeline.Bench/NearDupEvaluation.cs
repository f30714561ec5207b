using System.Globalization;
using System.Text.Json;
using MellaPipeline.Images;
using MellaPipeline.Imaging;

namespace MellaPipeline.Bench;

/// <summary>
/// Precision and recall of pHash near-duplicate pairs per threshold against
/// <c>../shared/data/images-neardup/ground_truth.json</c>. Positives: pairs within a group, except
/// members made by pixel-level mirroring or rotation (ukbench00120_hflip/_rotation, images4's
/// rotate/ and flipped, jenssegers' orientation/ set, which has no EXIF tags), which no DCT hash is
/// meant to find. Negatives: every pair of files from different groups or listed as distinct,
/// except the three uniform colour images (a flat image has no frequencies to hash: they all hash
/// alike, which a separate flat-image rule has to catch).
/// </summary>
internal static class NearDupEvaluation
{
    private static readonly string[] PixelTransforms = ["_hflip", "_rotation", "flipped", "orientation/"];

    public static int Run(string folder)
    {
        using var truth = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "ground_truth.json")));
        var groups = truth.RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => (Id: g.GetProperty("id").GetString()!, Members: g.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToList()))
            .Where(g => g.Members.Count > 0)
            .ToList();
        var distinct = truth.RootElement.GetProperty("distinct").EnumerateArray()
            .Select(d => d.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList())
            .ToList();

        var files = groups.SelectMany(g => g.Members).Concat(distinct.SelectMany(d => d))
            .SelectMany(f => f.EndsWith("/*", StringComparison.Ordinal)
                ? Directory.EnumerateFiles(Path.Combine(folder, f[..^2])).Where(p => !p.EndsWith(".txt", StringComparison.Ordinal)).Select(p => Path.GetRelativePath(folder, p))
                : [f])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var hashes = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var result = ImageHasher.Hash(File.ReadAllBytes(Path.Combine(folder, file)));
            if (result.Hash is { } hash)
            {
                hashes[file] = hash;
            }
            else
            {
                Console.WriteLine($"skipped {file}: {result.Reason}");
            }
        }

        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, members) in groups)
        {
            foreach (var member in members)
            {
                groupOf.TryAdd(member, id);
            }
        }

        var positives = new List<(string A, string B, int Distance)>();
        var negatives = new List<(string A, string B, int Distance)>();
        var hashed = hashes.Keys.Order(StringComparer.Ordinal).ToList();
        for (int i = 0; i < hashed.Count; i++)
        {
            for (int j = i + 1; j < hashed.Count; j++)
            {
                string a = hashed[i], b = hashed[j];
                int distance = PerceptualHash.Distance(hashes[a], hashes[b]);
                bool sameGroup = groupOf.TryGetValue(a, out var ga) && groupOf.TryGetValue(b, out var gb) && ga == gb;
                if (sameGroup)
                {
                    if (!PixelTransforms.Any(t => a.Contains(t, StringComparison.Ordinal) || b.Contains(t, StringComparison.Ordinal))
                        && !(ga == "rome-forum" && (a.Contains("rotate/", StringComparison.Ordinal) || b.Contains("rotate/", StringComparison.Ordinal))))
                    {
                        positives.Add((a, b, distance));
                    }
                }
                else if (a.Contains("uniform-", StringComparison.Ordinal) || b.Contains("uniform-", StringComparison.Ordinal))
                {
                    continue;
                }
                else if (!(groupOf.ContainsKey(a) && groupOf.ContainsKey(b) && ga is "forest" or "forest-colour" && groupOf[b] is "forest" or "forest-colour"))
                {
                    negatives.Add((a, b, distance)); // forest and forest-colour show the same scene: neither positive nor negative
                }
            }
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"images={hashes.Count} positive_pairs={positives.Count} negative_pairs={negatives.Count}"));
        Console.WriteLine("threshold  recall    precision  false_merges");
        for (int t = 0; t <= 20; t++)
        {
            int found = positives.Count(p => p.Distance <= t);
            int wrong = negatives.Count(n => n.Distance <= t);
            double precision = found + wrong == 0 ? 1 : (double)found / (found + wrong);
            Console.WriteLine(string.Create(inv, $"{t,9}  {(double)found / positives.Count,7:P1}  {precision,9:P1}  {wrong,12}"));
        }

        Console.WriteLine("positive pairs by distance (largest first):");
        foreach (var (a, b, d) in positives.OrderByDescending(p => p.Distance).Take(12))
        {
            Console.WriteLine($"  {d,2}  {a}  {b}");
        }

        Console.WriteLine("closest negative pairs:");
        foreach (var (a, b, d) in negatives.OrderBy(p => p.Distance).Take(8))
        {
            Console.WriteLine($"  {d,2}  {a}  {b}");
        }

        return 0;
    }
}
