using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Dedup.Tests;

/// <summary>
/// <c>stages.decontaminate</c> in the reduce, in process on staged shards: rows near a benchmark
/// image or sharing a caption n-gram with a benchmark caption are dropped before clustering, with
/// the benchmark item (or the reference file and line) in the detail; the others are untouched.
/// </summary>
public class DecontaminationReduceTests
{
    private const ulong BenchmarkA = 0x0123_4567_89ab_cdefUL, BenchmarkB = 0xfedc_ba98_7654_3210UL;

    private static ulong Flip(ulong hash, int bits) => hash ^ ((1UL << bits) - 1);

    [Fact]
    public async Task Rows_within_the_threshold_of_a_benchmark_hash_are_dropped_naming_the_item_and_not_clustered()
    {
        using var dir = new TempDir();
        string hashes = dir.File("bench.tsv");
        File.WriteAllText(hashes, $"{PerceptualHash.ToHex(BenchmarkA)}\txm3600/0a1b2c.jpg\n{PerceptualHash.ToHex(BenchmarkB)}\txm3600/ffee.jpg\n");
        using var run = await StagedRun.StageAsync(
            StagedRun.OptionsWith(threshold: 6),
            [StagedRun.Row(1, Flip(BenchmarkA, 4)), StagedRun.Row(2, Flip(BenchmarkA, 11)), StagedRun.Row(3, BenchmarkB)],
            [StagedRun.Row(4, Flip(BenchmarkA, 10)), StagedRun.Row(5, Flip(BenchmarkA, 15), side: 50), StagedRun.Row(6, 0x5555_5555_5555_5555UL)]);
        run.Decontaminate = new DecontaminateOptions { Against = [hashes], Threshold = 10 };

        var stats = await run.ReduceAllAsync();

        var rejects = run.Rejects().Where(r => r.Reason == "benchmark_near_duplicate").ToDictionary(r => int.Parse(r.Key, System.Globalization.NumberStyles.HexNumber), r => r.Detail);
        Assert.Equal(new Dictionary<int, string?>
        {
            [1] = "within 4 bits of benchmark item xm3600/0a1b2c.jpg",
            [3] = "within 0 bits of benchmark item xm3600/ffee.jpg",
            [4] = "within 10 bits of benchmark item xm3600/0a1b2c.jpg",
        }, rejects);

        // Rows 2 and 5 (11 and 15 bits from A) are 4 bits apart: one cluster, and row 1 (within 6 of both) was not clustered with them.
        var final = await run.FinalClustersAsync();
        Assert.Equal(["00000000000000000000000000000002", "00000000000000000000000000000006"], final.Keys);
        Assert.Contains(run.Rejects(), r => r.Reason == "image_near_duplicate" && r.Key.EndsWith('5'));
        var figures = AtomicFile.ReadJson<ClusteringSummary>(run.Run.ClustersSummaryPath, Json.MellaJson.Indented);
        Assert.Equal(3, figures.Decontamination!.NearDuplicates);
        Assert.Equal(2, figures.Decontamination.BenchmarkImages);
        Assert.Equal(3, stats.Sum(s => s.Reasons.GetValueOrDefault("benchmark_near_duplicate")));
        Assert.True(File.Exists(Path.Combine(run.Run.ReduceDir, "benchmark.hashes")));
    }

    [Fact]
    public async Task Captions_sharing_a_13_word_sequence_with_a_Czech_or_Thai_reference_are_dropped_naming_file_and_line()
    {
        using var dir = new TempDir();
        const string czech = "Starý kamenný most přes řeku Vltavu v centru Prahy za slunečného letního rána plného turistů";
        string[] thai = ["แมว", "ตัว", "ใหญ่", "กำลัง", "นอน", "อยู่", "บน", "โซฟา", "ใน", "ห้อง", "ของ", "บ้าน", "หลัง", "เล็ก", "ริม", "แม่น้ำ"];
        string references = dir.File("refs.txt");
        File.WriteAllText(references, $"some other benchmark caption\n\n{czech}\n");
        string jsonl = dir.File("refs.jsonl");
        File.WriteAllText(jsonl, JsonSerializer.Serialize(new { text = string.Join(' ', thai) }) + "\n");

        // 13 consecutive words of the reference, in another case and punctuation, inside a longer caption.
        string czechRow = "Fotka: STARÝ kamenný most, přes řeku Vltavu v centru Prahy za slunečného letního rána — krásné";
        // Only 12 of them: kept.
        string czechNear = "Kamenný most přes řeku Vltavu v centru Prahy za slunečného letního rána";
        string thaiRow = "ภาพถ่าย " + string.Join(' ', thai[1..14]);
        string thaiNear = string.Join(' ', thai[2..14]);
        using var run = await StagedRun.StageAsync(
            StagedRun.OptionsWith(),
            [StagedRun.Row(1, 1, lang: "cs", text: czechRow), StagedRun.Row(2, 2, lang: "cs", text: czechNear)],
            [StagedRun.Row(3, 3, lang: "th", text: thaiRow), StagedRun.Row(4, 4, lang: "th", text: thaiNear)]);
        run.Decontaminate = new DecontaminateOptions { AgainstText = [references, jsonl] };

        await run.ReduceAllAsync();

        var rejects = run.Rejects().Where(r => r.Reason == "benchmark_text_overlap").ToDictionary(r => r.Key[^1], r => r.Detail);
        Assert.Equal(new Dictionary<char, string?>
        {
            ['1'] = $"shares a 13-word sequence with {references}:3",
            ['3'] = $"shares a 13-word sequence with {jsonl}:1",
        }, rejects);
        Assert.Equal(["00000000000000000000000000000002", "00000000000000000000000000000004"], (await run.FinalClustersAsync()).Keys);
    }

    [Fact]
    public async Task A_benchmark_changed_before_the_clustering_is_recorded_again()
    {
        using var dir = new TempDir();
        string hashes = dir.File("bench.tsv");
        File.WriteAllText(hashes, $"{PerceptualHash.ToHex(BenchmarkB)}\tfirst\n");
        using var run = await StagedRun.StageAsync(StagedRun.OptionsWith(), [StagedRun.Row(1, BenchmarkA), StagedRun.Row(2, 0x5555_5555_5555_5555UL)]);
        run.Decontaminate = new DecontaminateOptions { Against = [hashes] };
        await run.Reduce().ClusterAsync(1, CancellationToken.None);
        Assert.Equal(0, AtomicFile.ReadJson<ClusteringSummary>(run.Run.ClustersSummaryPath, Json.MellaJson.Indented).Decontamination!.NearDuplicates);

        // As if the clustering had not finished: the benchmark now holds A.
        File.Delete(run.Run.ClustersSummaryPath);
        File.WriteAllText(hashes, $"{PerceptualHash.ToHex(BenchmarkB)}\tfirst\n{PerceptualHash.ToHex(BenchmarkA)}\tsecond\n");
        File.SetLastWriteTimeUtc(hashes, DateTime.UtcNow.AddMinutes(1));
        await run.ReduceAllAsync();

        Assert.Equal("within 0 bits of benchmark item second", Assert.Single(run.Rejects()).Detail);
        Assert.Equal(2, AtomicFile.ReadJson<BenchmarkFigures>(Path.Combine(run.Run.ReduceDir, "benchmark.json"), Json.MellaJson.Indented).Images);
    }

    [Fact]
    public void Unusable_benchmark_paths_are_one_line_naming_them()
    {
        using var dir = new TempDir();
        string missing = dir.File("nope");
        string bad = dir.File("bad.tsv");
        File.WriteAllText(bad, "0123456789abcdef\tok\nnot a hash\n");
        string empty = dir.File("empty.tsv");
        File.WriteAllText(empty, "\n");
        string noImages = dir.File("folder");
        Directory.CreateDirectory(noImages);
        File.WriteAllText(Path.Combine(noImages, "readme.txt"), "no images here");
        string badJsonl = dir.File("refs.jsonl");
        File.WriteAllText(badJsonl, "{\"text\": \"fine\"}\n{\"caption\": \"no text field\"}\n");

        string? Problem(DecontaminateOptions o) => Decontamination.DecontaminationProblem(o);
        Assert.Equal($"stages.decontaminate.against: {missing}: no such file or folder", Problem(new() { Against = [missing] }));
        Assert.StartsWith($"stages.decontaminate.against: {bad}:2: expected HEX16<TAB>ID", Problem(new() { Against = [bad] }));
        Assert.Equal($"stages.decontaminate.against: {empty}: no hashes in the file", Problem(new() { Against = [empty] }));
        Assert.StartsWith($"stages.decontaminate.against: {noImages}: no images", Problem(new() { Against = [noImages] }));
        Assert.Equal($"stages.decontaminate.against_text: {badJsonl}:2: expected a JSON object with a string \"text\"", Problem(new() { AgainstText = [badJsonl] }));
        Assert.Equal($"stages.decontaminate.against_text: {missing}: no such file", Problem(new() { AgainstText = [missing] }));
        Assert.Null(Problem(new() { Against = [Path.Combine(RepoPaths.SharedData, "images-neardup", "blockhash")], AgainstText = [badJsonl.Replace("refs.jsonl", "bad.tsv", StringComparison.Ordinal)] }));
    }
}
