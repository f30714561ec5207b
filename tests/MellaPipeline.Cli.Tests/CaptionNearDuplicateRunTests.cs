using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>dedup_captions</c> in <c>mella run</c>: captions repeated with small edits on other images and
/// hosts keep one row each, after the image clustering, and the dataset does not depend on how many tasks ran.
/// </summary>
public class CaptionNearDuplicateRunTests
{
    private const string CzechShopAlt = "Pánská kožená bunda černá velikost 52 z pravé hovězí kůže s kapucí a zipem na zimu";
    private const string ThaiStock = "ภาพสต็อกวัดอรุณราชวรารามยามพระอาทิตย์ตกริมแม่น้ำเจ้าพระยา";
    private const string ArabicStock = "صورة مخزون مسجد الحسن الثاني في الدار البيضاء عند غروب الشمس";

    /// <summary>
    /// 14 photos, each once: the Czech shop alt on four hosts (as is, other punctuation, a shop word
    /// appended, and — the one kept — on the largest image), the Thai stock caption twice (once
    /// with a space), the Arabic one twice (once with a word appended), and six unrelated Korean and Czech captions; ordered so that tasks split the repeats.
    /// </summary>
    private static string WriteInput(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        (string Lang, string Text, int Width)[] captions =
        [
            ("cs", CzechShopAlt, 160), ("ko", "부산 해운대 해수욕장의 여름 풍경 사진", 160), ("th", ThaiStock, 160),
            ("cs", CzechShopAlt.Replace(" z ", ", z ", StringComparison.Ordinal) + "!", 160), ("ar", ArabicStock, 160), ("cs", "Starý kamenný hrad nad řekou za soumraku", 160),
            ("cs", CzechShopAlt + " výprodej", 160), ("ko", "서울 남산 타워 야경과 도시의 불빛", 160), ("th", "ภาพสต็อก " + ThaiStock["ภาพสต็อก".Length..], 200),
            ("cs", CzechShopAlt, 240), ("ar", ArabicStock + " بالمغرب", 160), ("cs", "Zimní krajina v Krkonoších s chalupou", 160),
            ("ko", "제주도 성산 일출봉의 아침", 160), ("cs", "Dámské zimní boty hnědé velikost 38 s kožíškem", 160),
        ];
        var lines = new List<string>();
        for (int i = 0; i < captions.Length; i++)
        {
            var (lang, text, width) = captions[i];
            File.WriteAllBytes(Path.Combine(folder, "images", $"photo{i}.png"), SyntheticPng.Create(width, 120, 700 + i));
            lines.Add(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["image_path"] = $"images/photo{i}.png", ["url"] = $"https://shop{i}.example.org/photo{i}.jpg", ["lang"] = lang, ["text"] = text,
            }));
        }

        string path = Path.Combine(folder, "pairs.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<string> RunAsync(TempDir dir, string pairs, int tasks)
    {
        string folder = dir.File($"tasks{tasks}");
        Directory.CreateDirectory(folder);
        string pipeline = PairsInput.WritePipeline(folder, pairs, tasks, shardMaxRows: 5, extra: "stages:\n  dedup_captions:\n    enabled: true");
        string runDir = Path.Combine(folder, "run");
        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return runDir;
    }

    [Fact]
    public async Task Repeated_captions_across_hosts_keep_one_row_each_and_the_task_count_changes_nothing()
    {
        using var dir = new TempDir();
        string pairs = WriteInput(dir.Path);

        string one = await RunAsync(dir, pairs, tasks: 1);
        string three = await RunAsync(dir, pairs, tasks: 3);

        string Rows(string run) => $"SELECT key, lang, text, image.path AS path FROM {DuckDb.Shards(run)} ORDER BY key";
        var rows = DuckDb.Query(Rows(three));
        Assert.Equal(DuckDb.Query(Rows(one)).Select(r => string.Join('|', r)), rows.Select(r => string.Join('|', r)));

        // 14 rows: three of the four Czech shop alts, one Thai and one Arabic stock caption dropped.
        Assert.Equal(9, rows.Count);
        Assert.Single(rows, r => ((string)r[2]!).StartsWith("Pánská kožená bunda", StringComparison.Ordinal));
        Assert.Contains(rows, r => (string)r[3]! == "photo9.png"); // the largest image of the shop alts
        Assert.Single(rows, r => (string)r[1]! == "th");
        Assert.Single(rows, r => (string)r[1]! == "ar");

        var rejects = Directory.EnumerateFiles(Path.Combine(three, "rejects"), "*.dedup_near.jsonl").SelectMany(File.ReadAllLines)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, rejects.Count);
        Assert.All(rejects, r => Assert.Equal(("caption_near_duplicate", "dedup_near"), (r.GetProperty("reason").GetString(), r.GetProperty("stage").GetString())));
        Assert.All(rejects, r => Assert.Matches("^jaccard [01]\\.[0-9]{2} with kept [0-9a-f]{32} \\((cs|th|ar), native\\)$", r.GetProperty("detail").GetString()));

        var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(three, "summary.json"))).RootElement;
        Assert.Equal((14L, 9L, 5L), (summary.GetProperty("input_records").GetInt64(), summary.GetProperty("rows").GetInt64(), summary.GetProperty("dropped").GetInt64()));
        var figures = JsonDocument.Parse(File.ReadAllText(Path.Combine(three, "reduce", "caption-duplicates.json"))).RootElement;
        Assert.Equal((14L, 3L, 5L), (figures.GetProperty("rows").GetInt64(), figures.GetProperty("clusters").GetInt64(), figures.GetProperty("rows_dropped").GetInt64()));
    }
}
