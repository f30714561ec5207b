using System.Text.Json;
using System.Xml.Linq;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// A real <c>mella run</c> with a caption layer that brings translated captions and fuses each
/// native alt text with its image's description (an OpenAI-compatible server on 127.0.0.1), then
/// <c>mella coverage</c>: the entity retention figures it reports are those of the layer, and
/// those are the hand-counted names each translation and each fusion kept.
/// </summary>
public class FusionCoverageTests
{
    private static readonly XNamespace X = "http://www.w3.org/1999/xhtml";

    /// <summary>Per photo: alt text, the model's English description, its translation (keeps few names), the fusion (keeps every name, but the Russian one).</summary>
    private static readonly (string Lang, string Alt, string Description, string Translation, string Fused)[] Photos =
    [
        // 5 names: 부산, 해운대, 해수욕장 (해수욕장의 without its particle), 여름, 풍경; the translation keeps 여름 (여름날) and 풍경.
        ("ko", "부산 해운대 해수욕장의 여름 풍경",
            "A crowded sandy beach with rows of parasols on a summer day; tall buildings line the shore behind it.",
            "여름날 해변에서 파라솔 아래 쉬는 사람들로 가득한 풍경",
            "여름날 부산 해운대 해수욕장에서 파라솔 아래 쉬는 사람들로 가득한 풍경, 해변 뒤로 높은 건물들이 늘어서 있다"),

        // 4 names: karlův, most, vltava, praze; the translation keeps most (mostem); the fusion all, in other cases (Karlovým, Vltavou, Prahy).
        ("cs", "Karlův most a Vltava v Praze",
            "Morning fog over a river and a stone bridge with statues; towers of an old town stand behind it.",
            "Ranní mlha nad řekou, kamenným mostem se sochami a věžemi starého města",
            "Ranní mlha nad Vltavou, Karlovým mostem se sochami a věžemi staré Prahy"),

        // 4 names: مسجد, محمد, علي, القاهرة; the translation keeps مسجد; the fusion all, القاهرة as بالقاهرة.
        ("ar", "مسجد محمد علي في القاهرة",
            "A large mosque with domes and two slender minarets on a hill above a city at sunset.",
            "مسجد كبير بقباب ومئذنتين نحيلتين فوق تلة تطل على مدينة عند الغروب",
            "مسجد محمد علي بقبابه ومئذنتيه النحيلتين فوق تلة تطل على القاهرة عند الغروب"),

        // 6 names: собор, василия, блаженного, красной, площади, москве; the translation keeps собор (собора);
        // the fusion drops the square and the city (3 of 6): counted, then rejected as fused_entities_lost.
        ("ru", "Собор Василия Блаженного на Красной площади в Москве",
            "A church with colourful onion domes under a grey winter sky; people walk across the snowy square.",
            "Разноцветные луковичные купола старого собора под серым зимним небом",
            "Разноцветные луковичные купола собора Василия Блаженного под серым зимним небом"),
    ];

    [Fact]
    public async Task Coverage_reports_the_names_each_translation_and_each_fusion_kept()
    {
        using var dir = new TempDir();
        await using var server = new ChatCompletionsServer(request =>
            new ChatReply(Photos.Single(p => request.Prompt.Contains(p.Alt, StringComparison.Ordinal)).Fused));
        string pipeline = PairsInput.WritePipeline(dir.Path, FusionInputs.Write(dir.Path, Photos.Select(p => (p.Lang, p.Alt, p.Description, p.Translation)).ToList(), imageSeed: 700), tasks: 2, shardMaxRows: 4, extra: $"""
            captions:
              - name: grounded
                paths: [captions.jsonl]
                fuse:
                  endpoint: {server.Endpoint}
                  model: test-llm
                  prompt_id: fuse-test
                  max_retries: 0
            """);
        string runDir = dir.File("run"), html = dir.File("report.html");

        var run = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var coverage = await MellaProcess.RunAsync(["coverage", runDir, "--langid-sample", "0", "--json", "--report", html]);
        var table = await MellaProcess.RunAsync(["coverage", runDir, "--langid-sample", "0"]);

        Assert.True(coverage.ExitCode == 0, coverage.ToString());
        var document = JsonDocument.Parse(coverage.Stdout).RootElement;
        var retention = document.GetProperty("retention").EnumerateArray()
            .Select(r => string.Join(' ', r.GetProperty("lang").GetString(), r.GetProperty("source").GetString(), r.GetProperty("checked").GetInt64(),
                r.GetProperty("all_kept").GetInt64(), r.GetProperty("names").GetInt64(), r.GetProperty("kept").GetInt64()))
            .ToList();
        Assert.Equal(
        [
            "ar mllm 1 0 4 1", "ar fused 1 1 4 4",
            "cs mllm 1 0 4 1", "cs fused 1 1 4 4",
            "ko mllm 1 0 5 2", "ko fused 1 1 5 5",
            "ru mllm 1 0 6 1", "ru fused 1 0 6 3",
        ], retention);

        // What coverage sums is what the layer recorded.
        var layer = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(runDir, "reduce", "captions-grounded.json"))).RootElement.GetProperty("retention");
        Assert.Equal(8, layer.GetArrayLength());

        // Three fusions kept every name and are rows; the Russian one is a reject, and no fused row.
        var fused = document.GetProperty("languages").EnumerateObject()
            .Where(l => l.Value.TryGetProperty("fused", out _)).Select(l => l.Name).ToList();
        Assert.Equal(["ar", "cs", "ko"], fused);
        Assert.Contains("fused_entities_lost", File.ReadAllText(Directory.GetFiles(Path.Combine(runDir, "rejects"), "*.jsonl").Single(f => File.ReadAllText(f).Contains("fused_entities_lost", StringComparison.Ordinal))), StringComparison.Ordinal);

        Assert.Contains("ko    mllm    checked 1, kept every name 0.0 %, names kept 40.0 % (2 of 5)", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("ru    fused   checked 1, kept every name 0.0 %, names kept 50.0 % (3 of 6)", table.Stdout, StringComparison.Ordinal);
        var section = XDocument.Load(html).Descendants(X + "section").Single(s => (string?)s.Attribute("id") == "retention");
        Assert.Equal(8, section.Descendants(X + "tr").Count(r => r.Attribute("data-lang") is not null));
    }
}
