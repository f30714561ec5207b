using System.Text.Json;
using System.Xml.Linq;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>mella coverage</c> as a user runs it on a run directory whose caption layers recorded entity
/// retention figures (written here by hand, in the layout a run writes): the table, <c>--json</c>
/// and the report page say them, and the fused rows are a source of their own.
/// </summary>
public class CoverageRetentionTests
{
    private static readonly XNamespace X = "http://www.w3.org/1999/xhtml";

    private static async Task<string> RunDirAsync(TempDir dir)
    {
        string run = dir.File("run");
        var native = DatasetShards.Row("ko", "부산 해운대 해수욕장의 여름 풍경", imageSeed: 3);
        await DatasetShards.WriteAsync(Path.Combine(run, "shards"),
        [
            native,
            DatasetShards.Row("ko", "여름날 해변에서 파라솔 아래 쉬는 사람들", imageSeed: 3, source: PairSources.Mllm),
            DatasetShards.Row("ko", "여름날 부산 해운대 해수욕장에서 파라솔 아래 쉬는 사람들", imageSeed: 3, source: PairSources.Fused, groundedFrom: native.Key),
        ]);
        Directory.CreateDirectory(Path.Combine(run, "reduce"));
        File.WriteAllText(Path.Combine(run, "reduce", "captions-qwen2vl-describe-v1.json"), """
            {"layer": "qwen2vl-describe-v1", "lines": 2, "rows": 2, "rejected": 0, "images_without_caption": 0,
             "retention": [{"lang": "ko", "source": "mllm", "checked": 8, "all_kept": 2, "names": 40, "kept": 25},
                           {"lang": "ko", "source": "fused", "checked": 8, "all_kept": 7, "names": 40, "kept": 39}]}
            """);
        return run;
    }

    [Fact]
    public async Task Table_json_and_report_say_how_often_translation_and_fusion_kept_the_alt_text_s_names()
    {
        using var dir = new TempDir();
        string run = await RunDirAsync(dir);
        string html = dir.File("report.html");

        var table = await MellaProcess.RunAsync(["coverage", run, "--langid-sample", "0"]);
        var json = await MellaProcess.RunAsync(["coverage", run, "--langid-sample", "0", "--json", "--report", html]);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("ko    mllm    checked 8, kept every name 25.0 %, names kept 62.5 % (25 of 40)", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("ko    fused   checked 8, kept every name 87.5 %, names kept 97.5 % (39 of 40)", table.Stdout, StringComparison.Ordinal);

        Assert.True(json.ExitCode == 0, json.ToString());
        var document = JsonDocument.Parse(json.Stdout).RootElement;
        var retention = document.GetProperty("retention").EnumerateArray()
            .Select(r => (r.GetProperty("source").GetString(), r.GetProperty("all_kept_share").GetDouble(), r.GetProperty("names_kept_share").GetDouble())).ToList();
        Assert.Equal([("mllm", 0.25, 0.625), ("fused", 0.875, 0.975)], retention);
        Assert.Equal(1, document.GetProperty("languages").GetProperty("ko").GetProperty("fused").GetProperty("pairs").GetInt64());

        var page = XDocument.Load(html);
        var section = page.Descendants(X + "section").Single(s => (string?)s.Attribute("id") == "retention");
        Assert.Equal(["mllm", "fused"], section.Descendants(X + "tr").Select(r => (string?)r.Attribute("data-source")).OfType<string>());
        var gallery = page.Descendants(X + "section").Single(s => (string?)s.Attribute("id") == "gallery");
        Assert.Contains(gallery.Descendants(X + "figure"), f => (string?)f.Attribute("data-source") == "fused");
    }
}
