using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests.Export;

/// <summary>
/// <c>mella export</c>, read back by independent readers: Python's <c>tarfile</c> for the tars (a script beside this
/// file, standard library only), DuckDB for the shards they must match, plain files and JSON for the imagefolder.
/// </summary>
public class ExportCommandTests(ExportDataset data) : IClassFixture<ExportDataset>
{
    private static readonly string Reader = Path.Combine(RepoPaths.Root, "tests", "MellaPipeline.Cli.Tests", "Export", "read_webdataset.py");

    /// <summary>Every row of the shards as DuckDB reads them, by key.</summary>
    private static Dictionary<string, object?[]> Rows(string shardsGlob) =>
        DuckDb.Query($"SELECT key, text, sha256, url, lang, source, source_meta, image.bytes IS NULL, width FROM read_parquet('{shardsGlob}')")
            .ToDictionary(r => (string)r[0]!);

    internal static async Task<JsonElement> ReadTarsAsync(string folder)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Reader);
        info.ArgumentList.Add(folder);
        using var python = Process.Start(info)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        string stderr = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, stderr);
        return JsonDocument.Parse(await stdout).RootElement;
    }

    private async Task<string> ExportAsync(string dataset, params string[] options)
    {
        string dir = data.NewOut();
        var result = await MellaProcess.RunAsync(["export", dataset, "--out", dir, .. options]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return dir;
    }

    /// <summary>Checks one exported folder of tars against the shards: every row once, members adjacent, contents equal, bounds and index right.</summary>
    private static async Task CheckTarsAsync(string folder, Dictionary<string, object?[]> rows, int maxSamples)
    {
        var read = await ReadTarsAsync(folder);
        var tars = read.GetProperty("tars").EnumerateArray().ToList();
        var seen = new HashSet<string>();
        foreach (var tar in tars)
        {
            Assert.True(tar.GetProperty("ustar").GetBoolean(), "POSIX ustar header");
            var members = tar.GetProperty("members").EnumerateArray().ToList();
            Assert.All(members, m =>
            {
                Assert.Equal(("0", 0, 0, 0L, 0x1A4), (m.GetProperty("type").GetString(), m.GetProperty("uid").GetInt32(), m.GetProperty("gid").GetInt32(),
                    m.GetProperty("mtime").GetInt64(), m.GetProperty("mode").GetInt32()));
            });

            // Samples: runs of consecutive members sharing the name before the first dot. A key seen again later is a split sample.
            var samples = new List<(string Key, List<JsonElement> Members)>();
            foreach (var member in members)
            {
                string name = member.GetProperty("name").GetString()!;
                string key = name[..name.IndexOf('.')];
                if (samples.Count == 0 || samples[^1].Key != key)
                {
                    Assert.True(seen.Add(key), $"sample {key} appears twice, or its members are not adjacent");
                    samples.Add((key, []));
                }

                samples[^1].Members.Add(member);
            }

            Assert.InRange(samples.Count, 1, maxSamples);
            foreach (var (key, sample) in samples)
            {
                var row = rows[key];
                var byExtension = sample.ToDictionary(m => m.GetProperty("name").GetString()![(key.Length + 1)..], m => m);
                Assert.Equal((string)row[1]!, byExtension["txt"].GetProperty("text").GetString());
                var json = JsonDocument.Parse(byExtension["json"].GetProperty("text").GetString()!).RootElement;
                Assert.Equal(key, json.GetProperty("key").GetString());
                Assert.Equal((string)row[4]!, json.GetProperty("lang").GetString());
                Assert.Equal((string)row[5]!, json.GetProperty("source").GetString());
                Assert.Equal((string?)row[3], json.GetProperty("url").GetString());
                Assert.Equal(Convert.ToInt32(row[8]), json.GetProperty("width").GetInt32());
                Assert.False(json.TryGetProperty("bytes", out _));
                if (row[6] is string meta)
                {
                    Assert.Equal(JsonValueKind.Object, json.GetProperty("source_meta").ValueKind);
                    Assert.Equal(JsonDocument.Parse(meta).RootElement.GetProperty("similarity").GetDouble(), json.GetProperty("source_meta").GetProperty("similarity").GetDouble());
                }

                var images = byExtension.Keys.Where(e => e is "jpg" or "png" or "gif" or "webp" or "bin").ToList();
                if ((bool)row[7]!)
                {
                    Assert.Empty(images);
                    Assert.Equal(2, sample.Count);
                }
                else
                {
                    string extension = Assert.Single(images);
                    Assert.Equal((string)row[2]!, byExtension[extension].GetProperty("sha256").GetString());
                    Assert.Equal(json.GetProperty("image_path").GetString() == "photo.jpg" ? "jpg" : "png", extension);
                    Assert.Equal(3, sample.Count);
                }
            }
        }

        Assert.Equal(rows.Keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));

        var index = read.GetProperty("index");
        Assert.Equal("wids-shard-index-v1", index.GetProperty("__kind__").GetString());
        Assert.Equal(1, index.GetProperty("wids_version").GetInt32());
        var listed = index.GetProperty("shardlist").EnumerateArray().ToList();
        Assert.Equal(tars.Select(t => t.GetProperty("name").GetString()), listed.Select(s => s.GetProperty("url").GetString()));
        foreach (var (tar, entry) in tars.Zip(listed))
        {
            int samples = tar.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("name").GetString()!.Split('.')[0]).Distinct().Count();
            Assert.Equal(samples, entry.GetProperty("nsamples").GetInt32());
            Assert.Equal(tar.GetProperty("bytes").GetInt64(), entry.GetProperty("filesize").GetInt64());
            Assert.Equal(tar.GetProperty("sha256").GetString(), entry.GetProperty("sha256").GetString());
        }

        Assert.Equal(rows.Count, index.GetProperty("nsamples").GetInt32());
    }

    [Fact]
    public async Task Webdataset_tars_hold_every_row_once_caption_layer_rows_included_and_are_bounded()
    {
        string dir = await ExportAsync(data.RunDir, "--format", "webdataset", "--max-samples", "3");

        var rows = Rows(Path.Combine(data.Shards, "*.parquet"));
        Assert.Equal(data.Rows, rows.Count);
        Assert.Contains(rows.Values, r => (string)r[5]! == "mllm");
        Assert.Contains(rows.Values, r => (bool)r[7]!);
        await CheckTarsAsync(dir, rows, maxSamples: 3);
        Assert.Equal((data.Rows + 2) / 3, Directory.GetFiles(dir, "*.tar").Length);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));

        // The same dataset gives the same bytes.
        string again = await ExportAsync(data.RunDir, "--format", "webdataset", "--max-samples", "3");
        Assert.All(Directory.GetFiles(dir), f => Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(again, Path.GetFileName(f)))));
    }

    [Fact]
    public async Task A_byte_bound_starts_a_new_tar_before_a_sample_would_cross_it()
    {
        string dir = await ExportAsync(data.Shards, "--format", "webdataset", "--max-bytes", "8KB");

        var rows = Rows(Path.Combine(data.Shards, "*.parquet"));
        await CheckTarsAsync(dir, rows, maxSamples: 10_000);
        var tars = Directory.GetFiles(dir, "*.tar");
        Assert.True(tars.Length > 1, "several tars");
        Assert.All(tars, t => Assert.InRange(new FileInfo(t).Length, 1, 8 * 1024));
    }

    [Fact]
    public async Task A_where_condition_exports_only_matching_rows()
    {
        string dir = await ExportAsync(data.RunDir, "--format", "webdataset", "--where", "lang=ko", "--where", "source=native");

        var rows = Rows(Path.Combine(data.Shards, "*.parquet")).Where(r => (string)r.Value[4]! == "ko" && (string)r.Value[5]! == "native").ToDictionary();
        Assert.Equal(2, rows.Count);
        await CheckTarsAsync(dir, rows, maxSamples: 10_000);
    }

    [Fact]
    public async Task A_split_output_is_exported_side_by_side_into_train_and_eval()
    {
        string split = data.NewOut();
        var splitResult = await MellaProcess.RunAsync(["split", data.RunDir, "--out", split, "--eval-per-language", "1", "--no-sft"]);
        Assert.True(splitResult.ExitCode == 0, splitResult.ToString());

        string dir = await ExportAsync(split, "--format", "webdataset");

        Assert.Equal(["eval", "train"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string side in new[] { "train", "eval" })
        {
            var rows = Rows(Path.Combine(split, side, "*.parquet"));
            Assert.NotEmpty(rows);
            await CheckTarsAsync(Path.Combine(dir, side), rows, maxSamples: 10_000);
        }
    }

    [Fact]
    public async Task Jsonl_is_an_imagefolder_with_a_metadata_line_per_image_and_references_apart()
    {
        string dir = await ExportAsync(data.RunDir, "--format", "jsonl");

        var rows = Rows(Path.Combine(data.Shards, "*.parquet"));
        var metadata = File.ReadAllLines(Path.Combine(dir, "metadata.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var references = File.ReadAllLines(Path.Combine(dir, "references.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(rows.Keys.Order(StringComparer.Ordinal), metadata.Concat(references).Select(m => m.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));
        foreach (var line in metadata)
        {
            var row = rows[line.GetProperty("key").GetString()!];
            string key = line.GetProperty("key").GetString()!, fileName = line.GetProperty("file_name").GetString()!;
            Assert.Matches($"^images/{key[..2]}/{key}\\.(png|jpg)$", fileName);
            Assert.Equal((string)row[2]!, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, fileName)))));
            Assert.Equal((string)row[1]!, line.GetProperty("text").GetString());
        }

        var reference = Assert.Single(references);
        Assert.Equal(JsonValueKind.Null, reference.GetProperty("file_name").ValueKind);
        Assert.Equal((string?)rows[reference.GetProperty("key").GetString()!][3], reference.GetProperty("url").GetString());
        Assert.Equal(metadata.Count, Directory.GetFiles(Path.Combine(dir, "images"), "*", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "images"), "*", SearchOption.TopDirectoryOnly));
        Assert.Equal(["images", "metadata.jsonl", "references.jsonl"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("--format: 'tarball' is not one of webdataset, jsonl", "--format", "tarball")]
    [InlineData("--where: 'colour' is not a column (one of key, lang, script, source", "--format", "webdataset", "--where", "colour=red")]
    [InlineData("--max-bytes: 'lots' is not a size", "--format", "webdataset", "--max-bytes", "lots")]
    public async Task A_bad_option_exits_2_with_one_line_and_writes_nothing(string expected, params string[] options)
    {
        string dir = data.NewOut();
        var result = await MellaProcess.RunAsync(["export", data.RunDir, "--out", dir, .. options]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task An_out_folder_that_is_not_empty_or_an_unreadable_dataset_exits_2_and_nothing_is_written()
    {
        string dir = data.NewOut();
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");

        var full = await MellaProcess.RunAsync(["export", data.RunDir, "--out", dir, "--format", "jsonl"]);
        var forced = await MellaProcess.RunAsync(["export", data.RunDir, "--out", dir, "--format", "jsonl", "--overwrite"]);
        string missingOut = data.NewOut();
        var missing = await MellaProcess.RunAsync(["export", data.Dir.File("no-such-run"), "--out", missingOut, "--format", "jsonl"]);

        Assert.Equal((2, 2, 2), (full.ExitCode, forced.ExitCode, missing.ExitCode));
        Assert.Equal($"mella export: --out {dir}: not empty (--overwrite replaces an earlier export)", full.Stderr.Trim());
        Assert.Equal($"mella export: --out {dir}: holds notes.txt, which is not an export's; not removing it", forced.Stderr.Trim());
        Assert.StartsWith($"mella export: {data.Dir.File("no-such-run")}", missing.Stderr, StringComparison.Ordinal);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
        Assert.False(Directory.Exists(missingOut));
    }

    [Fact]
    public async Task Overwrite_replaces_an_earlier_export()
    {
        string dir = await ExportAsync(data.RunDir, "--format", "webdataset", "--max-samples", "2");
        var result = await MellaProcess.RunAsync(["export", data.RunDir, "--out", dir, "--format", "jsonl", "--overwrite"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(Directory.GetFiles(dir, "*.tar"));
        Assert.True(File.Exists(Path.Combine(dir, "metadata.jsonl")));
        Assert.Matches(@"^exported 14 rows, 13 images \([0-9,]+ bytes; 1 by reference\): ", result.Stdout);
    }
}
