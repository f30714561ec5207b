using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>stages.safety.blocklist</c> end to end: images listed by the SHA-256 of their file (stored
/// resized, so the row's sha256 would differ) or by a pHash 4 bits away are <c>image_blocklisted</c>
/// with nothing of them anywhere in the run directory or the process output but their keys; an
/// image whose pHash is 5 bits from a listed one is kept.
/// </summary>
public class BlocklistRunTests
{
    private static string Url(int i) => $"https://blocked-{i}.example/secret-image-{i}.png";

    private static string Page(int i) => $"https://blocked-{i}.example/secret-page-{i}.html";

    [Fact]
    public async Task Blocklisted_images_leave_nothing_but_their_key_and_reason()
    {
        using var dir = new TempDir();
        string images = dir.File("images");
        Directory.CreateDirectory(images);
        var lines = new List<string>();
        // 5 and 6 are narrower than min_dimension: listed, they are still caught (not image_dimensions_out_of_range naming their URLs).
        var hashes = new ulong[7];
        var files = new byte[7][];
        for (int i = 0; i < 7; i++)
        {
            files[i] = SyntheticPng.Create(i < 5 ? 200 + i * 8 : 80, 150, 900 + i);
            File.WriteAllBytes(Path.Combine(images, $"img{i}.png"), files[i]);
            hashes[i] = ImageFileHasher.HashFile(Path.Combine(images, $"img{i}.png")).Hash!.Value;
            lines.Add(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["image_path"] = $"images/img{i}.png", ["url"] = Url(i), ["page_url"] = Page(i), ["lang"] = "cs", ["text"] = $"Fotografie číslo {i} ze sbírky obrázků",
            }));
        }

        // A pair whose image is missing: its reject names its URL, so the search below can find what is there.
        lines.Add(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["image_path"] = "images/missing.png", ["url"] = Url(9), ["page_url"] = Page(9), ["lang"] = "cs", ["text"] = "Fotografie, která chybí ve sbírce",
        }));
        string pairs = dir.File("pairs.jsonl");
        File.WriteAllLines(pairs, lines);
        string sha0 = Convert.ToHexStringLower(SHA256.HashData(files[0]));
        // 0: by SHA-256; 1: pHash 4 bits away; 2: pHash 5 bits away (kept); 3, 4: not listed.
        string sha6 = Convert.ToHexStringLower(SHA256.HashData(files[6]));
        File.WriteAllText(dir.File("list-a.txt"), $"# test list\n{sha0}\tcase-0\n{sha6}\n");
        File.WriteAllText(dir.File("list-b.txt"), $"{PerceptualHash.ToHex(hashes[1] ^ 0xF0UL)}\n\n{PerceptualHash.ToHex(hashes[2] ^ 0x1F000UL)}\tcase-2\n{PerceptualHash.ToHex(hashes[5])}\n");
        Assert.DoesNotContain(hashes.Skip(3).Take(2), h => PerceptualHash.Distance(h, hashes[1] ^ 0xF0UL) <= 4 || PerceptualHash.Distance(h, hashes[2] ^ 0x1F000UL) <= 4);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 2, shardMaxRows: 10, extra: $"""
            stages:
              load_images:
                resize_mode: keep_ratio
                image_size: 64
                min_dimension: 100
              safety:
                blocklist: ["{dir.File("list-a.txt")}", "{dir.File("list-b.txt")}"]
            """);
        string runDir = dir.File("run");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var kept = DuckDb.Query($"SELECT url, sha256 FROM {DuckDb.Shards(runDir)} ORDER BY url");
        Assert.Equal([Url(2), Url(3), Url(4)], kept.Select(r => (string)r[0]!));
        Assert.DoesNotContain(kept, r => (string)r[1]! == sha0);

        var rejects = Directory.EnumerateFiles(Path.Combine(runDir, "rejects"), "*.jsonl").SelectMany(File.ReadAllLines).ToList();
        var listed = rejects.Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("reason").GetString() == "image_blocklisted").ToList();
        Assert.Equal(4, listed.Count);
        Assert.All(listed, r =>
        {
            Assert.Equal(JsonValueKind.Null, r.GetProperty("url").ValueKind);
            Assert.Equal(JsonValueKind.Null, r.GetProperty("page_url").ValueKind);
            Assert.Equal(JsonValueKind.Null, r.GetProperty("detail").ValueKind);
            Assert.Equal("", r.GetProperty("origin").GetString());
            Assert.Equal("load_images", r.GetProperty("stage").GetString());
            Assert.Equal("dropped", r.GetProperty("kind").GetString());
        });
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json"))).RootElement;
        Assert.Equal(4, summary.GetProperty("reasons").GetProperty("image_blocklisted").GetInt64());
        Assert.DoesNotContain("image_dimensions_out_of_range", summary.GetProperty("reasons").GetRawText(), StringComparison.Ordinal);

        // Nothing of images 0, 1, 5 and 6 in any file of the run directory (shards included) or the output: not their URLs, pages, hosts, bytes' hash or file names.
        string[] secrets = [.. new[] { 0, 1, 5, 6 }.SelectMany(i => new[]
        {
            Url(i), Page(i), $"blocked-{i}.example", Convert.ToHexStringLower(SHA256.HashData(files[i])), PerceptualHash.ToHex(hashes[i]), $"img{i}.png",
        }), "pairs.jsonl@0"];
        var everything = Directory.EnumerateFiles(runDir, "*", SearchOption.AllDirectories)
            .Select(f => (Name: f, Text: Encoding.Latin1.GetString(File.ReadAllBytes(f))))
            .Append((Name: "stdout", Text: Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(result.Stdout))))
            .Append((Name: "stderr", Text: Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(result.Stderr)))).ToList();
        foreach (string secret in secrets)
        {
            string asBytes = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(secret));
            Assert.DoesNotContain(everything, e => e.Text.Contains(asBytes, StringComparison.Ordinal));
        }

        // The search above can fail: a reject that may name its URL does.
        Assert.Contains(everything, e => e.Text.Contains(Url(9), StringComparison.Ordinal));
    }
}
