using System.Globalization;
using System.Text.Json;
using MellaPipeline.LanguageId;
using MellaPipeline.Languages;
using MellaPipeline.Metrics;
using MellaPipeline.Text;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// The demo's team-written fusions (<c>pipelines/demo/fusions.jsonl</c>, the answers its caption layer's
/// recorded fuse cache was made from) and the model descriptions they ground on
/// (<c>description</c> in <c>pipelines/demo/captions.jsonl</c>): each fusion passes the checks the
/// fuse step makes, so the demo's fused rows are real ones and not rejects.
/// </summary>
public class DemoFusionsTests
{
    private static readonly string Demo = Path.Combine(RepoPaths.Root, "pipelines", "demo");

    public static List<(string Lang, string Alt, string Fused)> Fusions() =>
        File.ReadAllLines(Path.Combine(Demo, "fusions.jsonl")).Where(l => l.Trim().Length > 0).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return (root.GetProperty("lang").GetString()!, root.GetProperty("alt").GetString()!, root.GetProperty("fused").GetString()!);
        }).ToList();

    [Fact]
    public void Every_fusion_keeps_all_names_of_its_alt_text_in_its_language_and_script_and_is_no_copy()
    {
        var fusions = Fusions();
        var identifier = LanguageIdentifier.Create();
        var problems = new List<string>();
        foreach (var (lang, alt, fused) in fusions)
        {
            string text = TextNormalizer.Normalize(fused);
            var check = EntityRetention.Check(lang, alt, text);
            var guess = identifier.IdentifyNormalized(text);
            string script = Scripts.Detect(text);
            // The fuse step's checks: language and script (Serbian in the alt text's own script), no copy, every name kept.
            bool scriptOk = lang == "sr" ? script == Scripts.Detect(alt) : TargetLanguages.AllowsScript(lang, script);
            if (!scriptOk || guess.Lang != lang || check.CopySimilarity >= 0.9 || check.Share < 1)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{lang} '{alt}': script {script}, identified as {guess.Lang}, similarity {check.CopySimilarity:F2}, lost [{string.Join(", ", check.Lost)}] of [{string.Join(", ", check.Names)}]"));
            }

            Assert.True(check.Names.Count >= 3, $"{lang} '{alt}' has {check.Names.Count} names: too few to check anything");
            Assert.True(text.Length > alt.Length + 30, $"{lang} '{alt}': the fusion adds no visual detail");
        }

        Assert.Empty(problems);
        Assert.Equal(8, fusions.Select(f => f.Lang).Distinct().Count());
        Assert.Equal(fusions.Count, fusions.Select(f => (f.Lang, f.Alt)).Distinct().Count());
        Assert.Equal(fusions.Count, fusions.Select(f => f.Fused).Distinct().Count());
    }

    [Fact]
    public void Every_caption_line_of_an_image_carries_the_same_English_description_of_it()
    {
        var identifier = LanguageIdentifier.Create();
        var descriptions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        int lines = 0;
        foreach (string line in File.ReadAllLines(Path.Combine(Demo, "captions.jsonl")))
        {
            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                continue; // the deliberately truncated line
            }

            using (json)
            {
                var root = json.RootElement;
                lines++;
                Assert.Equal("en", root.GetProperty("source_lang").GetString());
                string description = root.GetProperty("description").GetString()!;
                Assert.StartsWith("The image shows ", description, StringComparison.Ordinal);
                Assert.Equal("en", identifier.Identify(description).Lang);
                string sha256 = root.GetProperty("sha256").GetString()!;
                (descriptions.TryGetValue(sha256, out var set) ? set : descriptions[sha256] = new HashSet<string>(StringComparer.Ordinal)).Add(description);
            }
        }

        Assert.Equal(15, lines);
        Assert.All(descriptions, d => Assert.Single(d.Value));
        Assert.Equal(descriptions.Count, descriptions.Values.Select(d => d.Single()).Distinct().Count());
    }
}
