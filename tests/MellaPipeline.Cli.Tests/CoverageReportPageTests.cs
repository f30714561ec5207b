using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Cli.Tests;

/// <summary>One demo run and its coverage report page (and the page of its bare shards folder), shared by <see cref="CoverageReportPageTests"/>.</summary>
public sealed class CoverageReportPageFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public string RunDir => _dir.File("demo");

    public string ReportPath => _dir.File("report.html");

    public string ShardsReportPath => _dir.File("shards-report.html");

    public TempDir Dir => _dir;

    public MellaResult Report { get; private set; } = null!;

    public MellaResult ShardsReport { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var run = await MellaProcess.RunAsync(["run", RepoPaths.Demo, "--out", RunDir]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Report = await MellaProcess.RunAsync(["coverage", RunDir, "--report", ReportPath, "--langid-sample", "0"]);
        ShardsReport = await MellaProcess.RunAsync(["coverage", Path.Combine(RunDir, "shards"), "--report", ShardsReportPath, "--langid-sample", "0"]);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>mella coverage --report</c> on a real demo run, read back as XML: the funnel adds up to
/// <c>summary.json</c>, the gallery holds real captions of every language and source of the shards
/// (as DuckDB reads them) with decodable thumbnails, and headless Chromium renders the page.
/// Relations only: the demo's captions and images are not pinned here.
/// </summary>
public class CoverageReportPageTests(CoverageReportPageFixture fixture) : IClassFixture<CoverageReportPageFixture>
{
    private static readonly XNamespace X = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    internal static XDocument Load(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    private static XElement Section(XDocument page, string id) => page.Descendants(X + "section").Single(s => (string?)s.Attribute("id") == id);

    private static long Count(XElement e, string attribute) => long.Parse(e.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    [Fact]
    public void The_funnel_adds_up_to_summary_json_per_language_and_in_total()
    {
        Assert.True(fixture.Report.ExitCode == 0, fixture.Report.ToString());
        var page = Load(fixture.ReportPath);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.RunDir, "summary.json"))).RootElement;
        var funnel = Section(page, "funnel");
        Assert.Empty(funnel.Descendants(X + "section"));
        Assert.Empty(Section(page, "gallery").Descendants(X + "section"));

        long input = summary.GetProperty("input_records").GetInt64();
        var shown = funnel.Descendants(X + "span").Single(s => (string?)s.Attribute("id") == "input-records");
        Assert.Equal(input, Count(shown, "data-value"));
        Assert.Contains(input.ToString("N0", CultureInfo.InvariantCulture), shown.Value, StringComparison.Ordinal);

        var segments = funnel.Descendants(Svg + "rect").Where(r => r.Attribute("data-lang") is not null).ToList();
        Assert.Equal(input, segments.Sum(r => Count(r, "data-count")));
        Assert.Equal(summary.GetProperty("rows").GetInt64(), segments.Where(r => r.Attribute("data-kind")!.Value == "rows").Sum(r => Count(r, "data-count")));
        Assert.Equal(summary.GetProperty("dropped").GetInt64(), segments.Where(r => r.Attribute("data-kind")!.Value == "dropped").Sum(r => Count(r, "data-count")));
        Assert.Equal(summary.GetProperty("failed").GetInt64(), segments.Where(r => r.Attribute("data-kind")!.Value == "failed").Sum(r => Count(r, "data-count")));

        // Per language: rows kept as summary.json counts them, and read = kept + every reject, as the table says too.
        var counts = summary.GetProperty("counts");
        var table = funnel.Descendants(X + "tr").Where(r => r.Attribute("data-lang") is not null).ToDictionary(r => r.Attribute("data-lang")!.Value);
        foreach (var bar in segments.GroupBy(r => r.Attribute("data-lang")!.Value))
        {
            long rows = counts.TryGetProperty(bar.Key, out var bySource) ? bySource.EnumerateObject().Sum(s => s.Value.GetInt64()) : 0;
            Assert.Equal(rows, bar.Where(r => r.Attribute("data-kind")!.Value == "rows").Sum(r => Count(r, "data-count")));
            var row = table[bar.Key];
            Assert.Equal(bar.Sum(r => Count(r, "data-count")), long.Parse(row.Elements(X + "td").Single(td => (string?)td.Attribute("class") == "read").Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
        }

        Assert.All(counts.EnumerateObject(), lang => Assert.True(table.ContainsKey(lang.Name), $"no funnel for {lang.Name}"));

        // Every reason summary.json counts is drawn, as often.
        foreach (var reason in summary.GetProperty("reasons").EnumerateObject())
        {
            Assert.Equal(reason.Value.GetInt64(), segments.Where(r => (string?)r.Attribute("data-reason") == reason.Name).Sum(r => Count(r, "data-count")));
        }

        // The caption layers' figures are those of reduce/captions-*.json.
        foreach (string file in Directory.GetFiles(Path.Combine(fixture.RunDir, "reduce"), "captions-*.json"))
        {
            var layer = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
            var tr = Section(page, "caption-layers").Descendants(X + "tr").Single(r => (string?)r.Attribute("data-layer") == layer.GetProperty("layer").GetString());
            Assert.Equal(
                new[] { "lines", "rows", "rejected", "images_without_caption" }.Select(p => layer.GetProperty(p).GetInt64()),
                tr.Elements(X + "td").Skip(1).Select(td => long.Parse(td.Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void The_gallery_shows_real_captions_of_every_language_and_source_with_decodable_thumbnails()
    {
        var page = Load(fixture.ReportPath);
        var rows = DuckDb.Query($"SELECT lang, source, text, dup_cluster FROM {DuckDb.Shards(fixture.RunDir)}");
        var captions = rows.GroupBy(r => ((string)r[0]!, (string)r[1]!)).ToDictionary(g => g.Key, g => g.Select(r => (string)r[2]!).ToHashSet());
        var figures = Section(page, "gallery").Descendants(X + "figure").ToList();

        Assert.All(captions.Keys, stratum => Assert.Contains(figures, f => (f.Attribute("data-lang")!.Value, f.Attribute("data-source")!.Value) == stratum));
        foreach (var figure in figures)
        {
            string lang = figure.Attribute("data-lang")!.Value, source = figure.Attribute("data-source")!.Value;
            var caption = figure.Element(X + "figcaption")!;
            Assert.Equal(lang, caption.Attribute("lang")!.Value);
            Assert.Equal(lang == "ar" ? "rtl" : "ltr", caption.Attribute("dir")!.Value);
            Assert.Contains(caption.Value, captions[(lang, source)]);

            // The demo stores every image: each figure has a thumbnail that decodes at its stated size, at most 160 px a side.
            var img = figure.Element(X + "img");
            Assert.True(img is not null, $"no thumbnail for {caption.Value}");
            Assert.False(string.IsNullOrWhiteSpace((string?)img.Attribute("alt")));
            string src = img.Attribute("src")!.Value;
            Assert.StartsWith("data:image/jpeg;base64,", src, StringComparison.Ordinal);
            using var bitmap = SKBitmap.Decode(Convert.FromBase64String(src["data:image/jpeg;base64,".Length..]));
            Assert.NotNull(bitmap);
            Assert.Equal((Count(img, "width"), Count(img, "height")), (bitmap.Width, bitmap.Height));
            Assert.InRange(Math.Max(bitmap.Width, bitmap.Height), 1, 160);
        }

        // Cross-lingual clusters: the images per number of languages add up to the distinct clusters, and each example's captions are that cluster's.
        var clusters = Section(page, "clusters");
        long distinct = rows.Select(r => (string)r[3]!).Distinct().Count();
        Assert.Equal(distinct, clusters.Descendants(X + "tr").Where(r => r.Attribute("data-images") is not null).Sum(r => Count(r, "data-images")));
        foreach (var example in clusters.Descendants(X + "ul").Where(u => u.Attribute("data-cluster") is not null))
        {
            string id = example.Attribute("data-cluster")!.Value;
            var mine = rows.Where(r => (string)r[3]! == id).ToList();
            Assert.True(mine.Select(r => r[0]).Distinct().Count() >= 2);
            foreach (var span in example.Descendants(X + "span"))
            {
                string lang = span.Attribute("lang")!.Value;
                Assert.Equal(lang == "ar" ? "rtl" : "ltr", span.Attribute("dir")!.Value);
                Assert.Contains(mine, r => (string)r[0]! == lang && (string)r[2]! == span.Value);
            }
        }
    }

    [Fact]
    public void A_bare_shards_folder_has_no_funnel_figures_but_its_gallery_and_counts()
    {
        Assert.True(fixture.ShardsReport.ExitCode == 0, fixture.ShardsReport.ToString());
        var page = Load(fixture.ShardsReportPath);

        var funnel = Section(page, "funnel");
        Assert.Contains(funnel.Descendants(X + "p"), p => (string?)p.Attribute("data-nodata") == "true" && p.Value.Contains("summary.json", StringComparison.Ordinal));
        Assert.Empty(funnel.Descendants(Svg + "rect"));
        Assert.NotEmpty(Section(page, "gallery").Descendants(X + "figure"));
        Assert.Contains(Section(page, "rejects").Descendants(X + "p"), p => (string?)p.Attribute("data-nodata") == "true");
    }

    [Fact]
    public void The_page_forbids_every_fetch_and_has_no_script()
    {
        string text = File.ReadAllText(fixture.ReportPath);
        var page = Load(fixture.ReportPath);

        var policy = page.Descendants(X + "meta").Single(m => (string?)m.Attribute("http-equiv") == "Content-Security-Policy");
        Assert.StartsWith("default-src 'none'", policy.Attribute("content")!.Value, StringComparison.Ordinal);
        Assert.Empty(page.Descendants(X + "script"));
        Assert.All(page.Descendants(X + "img"), img => Assert.StartsWith("data:", img.Attribute("src")!.Value, StringComparison.Ordinal));
        Assert.DoesNotContain("<link", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headless_chromium_renders_the_page_with_the_gallery_s_pictures()
    {
        string png = fixture.Dir.File($"shot-{Guid.NewGuid():N}.png");

        var run = await Chromium.RunAsync(fixture.Dir.File($"profile-{Guid.NewGuid():N}"), [$"--screenshot={png}", "--window-size=1280,2400", new Uri(fixture.ReportPath).AbsoluteUri]);

        Assert.True(File.Exists(png), $"Chromium wrote no screenshot: {run}");
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((1280, 2400), (bitmap.Width, bitmap.Height));
        var pixels = bitmap.Pixels;
        int distinct = pixels.Select(p => (uint)p).Distinct().Count();
        double inked = pixels.Count(p => Math.Min(p.Red, Math.Min(p.Green, p.Blue)) < 245) / (double)pixels.Length;
        double coloured = pixels.Count(p => Math.Max(p.Red, Math.Max(p.Green, p.Blue)) - Math.Min(p.Red, Math.Min(p.Green, p.Blue)) > 60) / (double)pixels.Length;

        // A blank or text-only page has a few hundred grey shades; the thumbnails (re-encoded photos) bring thousands of colours.
        Assert.True(distinct > 5000, $"{distinct} distinct colours");
        Assert.True(inked > 0.05, $"{inked:P1} of the pixels are not white");
        Assert.True(coloured > 0.02, $"{coloured:P1} of the pixels are coloured");
    }

    [Fact]
    public async Task Headless_chromium_reads_every_figure_of_the_gallery()
    {
        var page = Load(fixture.ReportPath);
        int figures = Section(page, "gallery").Descendants(X + "figure").Count();

        var run = await Chromium.RunAsync(fixture.Dir.File($"profile-{Guid.NewGuid():N}"), ["--dump-dom", new Uri(fixture.ReportPath).AbsoluteUri]);

        Assert.True(run.ExitCode == 0, run.ToString());
        string dom = run.Stdout;
        int gallery = dom.IndexOf("id=\"gallery\"", StringComparison.Ordinal);
        Assert.True(gallery > 0, "no gallery in Chromium's DOM");
        string section = dom[gallery..dom.IndexOf("</section>", gallery, StringComparison.Ordinal)];
        Assert.True(figures > 0);
        Assert.Equal(figures, CountOf(section, "<figure"));
        Assert.Equal(figures, CountOf(section, "<img src=\"data:image/jpeg;base64,"));
        Assert.Equal(figures, CountOf(section, "<figcaption lang="));
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
