using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests.Export;

/// <summary>
/// <c>mella export</c> on data a clean run does not give: scores that are not finite numbers, keys that are no file
/// name, and a shard that turns out broken only after part of the export has been written.
/// </summary>
public class ExportOddDataTests(ExportDataset data) : IClassFixture<ExportDataset>
{
    private async Task<string> WriteShardAsync(IEnumerable<PairRecord> rows)
    {
        string run = data.NewOut();
        await DatasetShards.WriteAsync(Path.Combine(run, "shards"), rows);
        return run;
    }

    private static async Task<MellaResult> ExportAsync(string dataset, string dir, params string[] options) =>
        await MellaProcess.RunAsync(["export", dataset, "--out", dir, .. options]);

    /// <summary>Every file under <paramref name="dir"/> by relative path, with its SHA-256.</summary>
    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public async Task NaN_and_infinite_scores_are_written_as_null_in_both_formats()
    {
        var rows = new[]
        {
            DatasetShards.Row("ru", "Чайка сидит на камне у моря", imageSeed: 31) with { AlignScore = float.NaN, NsfwScore = 0.25f },
            DatasetShards.Row("th", "นกนางนวลเกาะอยู่บนโขดหิน", imageSeed: 32) with { AlignScore = float.PositiveInfinity, NsfwScore = float.NegativeInfinity },
            DatasetShards.Row("ko", "바위 위에 앉아 있는 갈매기 한 마리", imageSeed: 33) with { AlignScore = 0.5f },
        };
        string run = await WriteShardAsync(rows);
        // The shard holds them as they are (rows by lang: ko, ru, th): DuckDB reads NaN and ±Infinity back.
        var stored = DuckDb.Query($"SELECT isnan(align_score), isinf(align_score), coalesce(isinf(nsfw_score), false) FROM {DatasetShards.Sql(Path.Combine(run, "shards"))} ORDER BY lang");
        Assert.Equal([false, false, false, true, false, false, false, true, true], stored.SelectMany(r => r).Select(v => (bool)v!));

        string tars = data.NewOut(), jsonl = data.NewOut();
        var webdataset = await ExportAsync(run, tars, "--format", "webdataset");
        var imagefolder = await ExportAsync(run, jsonl, "--format", "jsonl");

        Assert.True(webdataset.ExitCode == 0, webdataset.ToString());
        Assert.True(imagefolder.ExitCode == 0, imagefolder.ToString());
        var read = await ExportCommandTests.ReadTarsAsync(tars);
        var fromTars = read.GetProperty("tars").EnumerateArray().SelectMany(t => t.GetProperty("members").EnumerateArray())
            .Where(m => m.GetProperty("name").GetString()!.EndsWith(".json", StringComparison.Ordinal))
            .Select(m => JsonDocument.Parse(m.GetProperty("text").GetString()!).RootElement);
        var fromJsonl = File.ReadAllLines(Path.Combine(jsonl, "metadata.jsonl")).Select(l => JsonDocument.Parse(l).RootElement);
        foreach (var documents in new[] { fromTars.ToList(), fromJsonl.ToList() })
        {
            var byLang = documents.ToDictionary(d => d.GetProperty("lang").GetString()!);
            Assert.Equal(3, byLang.Count);
            Assert.Equal(JsonValueKind.Null, byLang["ru"].GetProperty("align_score").ValueKind);
            Assert.Equal(0.25, byLang["ru"].GetProperty("nsfw_score").GetDouble(), 6);
            Assert.Equal(JsonValueKind.Null, byLang["th"].GetProperty("align_score").ValueKind);
            Assert.Equal(JsonValueKind.Null, byLang["th"].GetProperty("nsfw_score").ValueKind);
            Assert.Equal(0.5, byLang["ko"].GetProperty("align_score").GetDouble(), 6);
        }
    }

    [Fact]
    public async Task A_key_that_is_no_file_name_becomes_x_and_its_hash_and_stays_whole_in_the_json()
    {
        string[] keys = ["run 7/photo.1", "Ảnh-hồ-Gươm.jpg"];
        var rows = keys.Select((k, i) => DatasetShards.Row("vi", $"Hồ Gươm buổi sáng {i}", imageSeed: 40 + i) with { Key = k }).ToList();
        string run = await WriteShardAsync(rows);
        string tars = data.NewOut(), jsonl = data.NewOut();

        Assert.Equal(0, (await ExportAsync(run, tars, "--format", "webdataset")).ExitCode);
        Assert.Equal(0, (await ExportAsync(run, jsonl, "--format", "jsonl")).ExitCode);

        // Expected names computed here from the rule, not by the code under test.
        var expected = keys.ToDictionary(k => "x" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(k)))[..32]);
        var members = (await ExportCommandTests.ReadTarsAsync(tars)).GetProperty("tars").EnumerateArray()
            .SelectMany(t => t.GetProperty("members").EnumerateArray()).ToList();
        Assert.Equal(expected.Keys.SelectMany(k => new[] { $"{k}.json", $"{k}.png", $"{k}.txt" }).Order(StringComparer.Ordinal),
            members.Select(m => m.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        foreach (var json in members.Where(m => m.GetProperty("name").GetString()!.EndsWith(".json", StringComparison.Ordinal)))
        {
            string sampleKey = json.GetProperty("name").GetString()![..33];
            Assert.Equal(expected[sampleKey], JsonDocument.Parse(json.GetProperty("text").GetString()!).RootElement.GetProperty("key").GetString());
        }

        var lines = File.ReadAllLines(Path.Combine(jsonl, "metadata.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), lines.Select(l => l.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));
        foreach (var line in lines)
        {
            string sampleKey = expected.Single(e => e.Value == line.GetProperty("key").GetString()).Key;
            string fileName = line.GetProperty("file_name").GetString()!;
            Assert.Equal($"images/{sampleKey[1..3]}/{sampleKey}.png", fileName);
            Assert.True(File.Exists(Path.Combine(jsonl, fileName)), fileName);
        }
    }

    /// <summary>The fixture's shards copied, the last (by name, so read last) cut in half: the first shards export, then the read fails.</summary>
    private (string Run, string BrokenShard) BrokenRun()
    {
        string run = data.NewOut(), shards = Path.Combine(run, "shards");
        Directory.CreateDirectory(shards);
        var files = Directory.GetFiles(data.Shards, "*.parquet").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 3, "several shards, so the failure comes after some have been exported");
        foreach (string file in files)
        {
            File.Copy(file, Path.Combine(shards, Path.GetFileName(file)));
        }

        string last = Path.Combine(shards, Path.GetFileName(files[^1]));
        byte[] bytes = File.ReadAllBytes(last);
        File.WriteAllBytes(last, bytes[..(bytes.Length / 2)]);
        return (run, last);
    }

    [Theory]
    [InlineData("webdataset")]
    [InlineData("jsonl")]
    public async Task A_shard_broken_partway_leaves_the_earlier_export_as_it_was_or_no_folder_at_all(string format)
    {
        var (broken, brokenShard) = BrokenRun();
        string earlier = data.NewOut(), fresh = data.NewOut();
        Assert.Equal(0, (await ExportAsync(data.RunDir, earlier, "--format", "webdataset", "--max-samples", "2")).ExitCode);
        var before = Snapshot(earlier);

        var over = await ExportAsync(broken, earlier, "--format", format, "--max-samples", "2", "--overwrite");
        var into = await ExportAsync(broken, fresh, "--format", format, "--max-samples", "2");

        foreach (var result in new[] { over, into })
        {
            Assert.Equal(2, result.ExitCode);
            string line = Assert.Single(result.Stderr.Trim().Split('\n'));
            // Named by the last shard, read after the others were exported.
            Assert.StartsWith($"mella export: {brokenShard}: ", line, StringComparison.Ordinal);
        }

        Assert.Equal(before, Snapshot(earlier));
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(earlier).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(fresh));
    }

    [Fact]
    public async Task A_staging_folder_left_by_a_killed_export_is_removed_by_the_next_overwrite()
    {
        string dir = data.NewOut(), leftover = Path.Combine(dir, ".mella-export-4242-0123456789abcdef.tmp");
        Directory.CreateDirectory(Path.Combine(leftover, "images", "ab"));
        File.WriteAllBytes(Path.Combine(leftover, "images", "ab", "half.png"), [0x89, 0x50]);

        var refused = await ExportAsync(data.RunDir, dir, "--format", "jsonl");
        var replaced = await ExportAsync(data.RunDir, dir, "--format", "jsonl", "--overwrite");

        Assert.Equal(2, refused.ExitCode);
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Equal(["images", "metadata.jsonl", "references.jsonl"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
