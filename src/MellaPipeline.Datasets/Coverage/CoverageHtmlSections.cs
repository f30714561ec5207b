using System.Globalization;
using System.Text;
using MellaPipeline.Reports;

namespace MellaPipeline.Datasets.Coverage;

/// <summary>
/// The report page's sections beyond the counts: funnel, reject reasons, caption layers,
/// cross-lingual clusters, gallery and distributions. Each section is one flat
/// <c>&lt;section&gt;</c> (none nested) and says "no data" rather than drawing nothing.
/// </summary>
internal static class CoverageHtmlSections
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Rows of a long table shown before "N more".</summary>
    private const int MaxTableRows = 60;

    private const string KeptColour = "#3a8d3a";

    /// <summary>Text from the data shown in a caption or a cluster's list: at most about this many characters.</summary>
    private const int MaxShownText = 300;

    /// <summary>Height of the box that stands for a thumbnail that cannot be shown.</summary>
    private const int PlaceholderHeight = 100;

    /// <summary>Right-to-left languages among those a dataset may hold.</summary>
    public static string Direction(string lang) => lang is "ar" or "fa" or "he" or "ur" ? "rtl" : "ltr";

    public static void Funnel(StringBuilder html, RunFunnel? funnel)
    {
        html.Append("<section id=\"funnel\"><h2>Yield per language</h2>");
        if (funnel is null)
        {
            HtmlPage.NoData(html, "this dataset has no summary.json (a shards folder or file, or a mella split output), so what was read and rejected is not known here");
            html.Append("</section>");
            return;
        }

        var summary = funnel.Summary;
        html.Append(Inv, $"<p><span id=\"input-records\" data-value=\"{summary.InputRecords}\">{summary.InputRecords:N0}</span> input records read; ")
            .Append(Inv, $"{summary.Rows:N0} rows kept, {summary.Dropped:N0} dropped, {summary.Failed:N0} failed (summary.json). ")
            .Append("Each bar is one language's records read: green the rows kept, then every reject reason, in stage order.</p>");
        if (!funnel.AddsUp)
        {
            html.Append(Inv, $"<p class=\"missed\">The reject files hold {funnel.RejectLines:N0} readable lines ({funnel.UnreadableRejectLines:N0} unreadable) against {summary.Dropped + summary.Failed:N0} rejects in summary.json: the strata below do not add up to it.</p>");
        }

        const int barHeight = 16, gap = 8, left = 50, width = 640;
        long max = Math.Max(1, funnel.Languages.Select(l => l.Read).DefaultIfEmpty(0).Max());
        var reasonColours = funnel.Languages.SelectMany(l => l.Steps).Select(s => s.Reason).Distinct().Order(StringComparer.Ordinal)
            .Select((r, i) => (r, i)).ToDictionary(p => p.r, p => Palette(p.i), StringComparer.Ordinal);
        html.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"funnel-chart\" width=\"{left + width + 160}\" height=\"{(funnel.Languages.Count * (barHeight + gap)) + 4}\" role=\"img\">");
        for (int i = 0; i < funnel.Languages.Count; i++)
        {
            var stratum = funnel.Languages[i];
            int y = i * (barHeight + gap);
            html.Append(Inv, $"<text x=\"0\" y=\"{y + barHeight - 3}\">{Escape(stratum.Lang)}</text>");
            double x = left;
            void Segment(long count, string colour, string attributes, string title)
            {
                double w = (double)count / max * width;
                html.Append(Inv, $"<rect x=\"{x:0.##}\" y=\"{y}\" width=\"{Math.Max(0.5, w):0.##}\" height=\"{barHeight}\" fill=\"{colour}\" data-lang=\"{Escape(stratum.Lang)}\" data-count=\"{count}\" {attributes}><title>{Escape(title)}</title></rect>");
                x += w;
            }

            Segment(stratum.Rows, KeptColour, "data-kind=\"rows\"", $"{stratum.Lang}: {stratum.Rows} rows kept");
            foreach (var step in stratum.Steps)
            {
                Segment(step.Count, reasonColours[step.Reason], $"data-kind=\"{Escape(step.Kind)}\" data-stage=\"{Escape(step.Stage)}\" data-reason=\"{Escape(step.Reason)}\"",
                    $"{stratum.Lang}: {step.Count} {step.Kind} at {step.Stage}: {step.Reason}");
            }

            html.Append(Inv, $"<text x=\"{x + 4:0.##}\" y=\"{y + barHeight - 3}\">{stratum.Read:N0} read → {stratum.Rows:N0} kept</text>");
        }

        html.Append("</svg><table id=\"funnel-table\"><tr><th>lang</th><th>read</th><th>rejected (stage: reason count)</th><th>rows kept</th></tr>");
        foreach (var stratum in funnel.Languages)
        {
            html.Append(Inv, $"<tr data-lang=\"{Escape(stratum.Lang)}\"><td>{Escape(stratum.Lang)}</td><td class=\"read\">{stratum.Read:N0}</td><td style=\"text-align:left\">");
            html.Append(Escape(string.Join(", ", stratum.Steps.Select(s => string.Create(Inv, $"{s.Stage}: {s.Reason} {s.Count:N0}")))));
            html.Append(Inv, $"</td><td class=\"rows\">{stratum.Rows:N0}</td></tr>");
        }

        html.Append(Inv, $"<tr><th>all</th><th>{funnel.Languages.Sum(l => l.Read):N0}</th><th></th><th>{funnel.Languages.Sum(l => l.Rows):N0}</th></tr></table>");
        html.Append(Inv, $"<p>“{RunFunnel.NoLanguage}” holds the records rejected before their language was known (a malformed line, an alt text dropped before language identification, a caption line that cannot be read).</p></section>");
    }

    public static void Rejects(StringBuilder html, RunFunnel? funnel)
    {
        html.Append("<section id=\"rejects\"><h2>Reject reasons per stage</h2>");
        var rows = funnel?.Summary.Stages.SelectMany(s => s.Reasons.Select(r => (Stage: s.Name, Reason: r.Key, Count: r.Value))).ToList() ?? [];
        if (rows.Count == 0)
        {
            HtmlPage.NoData(html, funnel is null ? "no summary.json" : "no record was rejected");
            html.Append("</section>");
            return;
        }

        const int barHeight = 14, left = 330, width = 400;
        long max = Math.Max(1, rows.Max(r => r.Count));
        var shown = rows.Take(MaxTableRows).ToList();
        html.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"reject-chart\" width=\"{left + width + 60}\" height=\"{(shown.Count * barHeight) + 4}\" role=\"img\">");
        for (int i = 0; i < shown.Count; i++)
        {
            var (stage, reason, count) = shown[i];
            int w = (int)Math.Max(1, Math.Round((double)count / max * width));
            html.Append(Inv, $"<text x=\"0\" y=\"{(i * barHeight) + barHeight - 3}\">{Escape(stage)}: {Escape(reason)}</text>");
            html.Append(Inv, $"<rect x=\"{left}\" y=\"{i * barHeight}\" width=\"{w}\" height=\"{barHeight - 2}\" fill=\"#b5562f\" data-stage=\"{Escape(stage)}\" data-reason=\"{Escape(reason)}\" data-count=\"{count}\"/>");
            html.Append(Inv, $"<text x=\"{left + w + 4}\" y=\"{(i * barHeight) + barHeight - 3}\">{count:N0}</text>");
        }

        html.Append("</svg><table id=\"stage-table\"><tr><th>stage</th><th>reasons</th><th>in</th><th>ok</th><th>dropped</th><th>failed</th></tr>");
        foreach (var stage in funnel!.Summary.Stages)
        {
            html.Append(Inv, $"<tr><td>{Escape(stage.Name)}</td><td style=\"text-align:left\">{Escape(string.Join(", ", stage.Reasons.Select(r => $"{r.Key} {r.Value}")))}</td><td>{stage.In:N0}</td><td>{stage.Ok:N0}</td><td>{stage.Dropped:N0}</td><td>{stage.Failed:N0}</td></tr>");
        }

        html.Append("</table>");
        More(html, rows.Count - shown.Count, "reasons");
        html.Append("</section>");
    }

    public static void CaptionLayers(StringBuilder html, RunFunnel? funnel)
    {
        html.Append("<section id=\"caption-layers\"><h2>Caption layers</h2>");
        if (funnel is null || funnel.CaptionLayers.Count == 0)
        {
            HtmlPage.NoData(html, funnel is null ? "no run directory, so no reduce/captions-*.json" : "the run has no caption layer");
        }
        else
        {
            html.Append("<table><tr><th>layer</th><th>lines</th><th>rows</th><th>rejects</th><th>images without a caption</th></tr>");
            foreach (var layer in funnel.CaptionLayers)
            {
                html.Append(Inv, $"<tr data-layer=\"{Escape(layer.Layer)}\"><td>{Escape(layer.Layer)}</td><td>{layer.Lines:N0}</td><td>{layer.Rows:N0}</td><td>{layer.Rejected:N0}</td><td>{layer.ImagesWithoutCaption:N0}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</section>");
    }

    /// <summary>
    /// The entity retention check of the caption layers: per language, a bar per source for the
    /// share of captions that kept every name of the native alt text of their image, and one for
    /// the share of names kept; then the figures.
    /// </summary>
    public static void Retention(StringBuilder html, IReadOnlyList<RetentionCoverage> retention)
    {
        html.Append("<section id=\"retention\"><h2>Entity retention</h2>");
        if (retention.Count == 0)
        {
            HtmlPage.NoData(html, "no caption layer of this dataset has entity retention figures (reduce/captions-*.json retention)");
            html.Append("</section>");
            return;
        }

        html.Append("<p>Captions of an image that has a native alt text in the same language, checked against it: did the caption keep the alt text's names and content words ")
            .Append("(Keyword Accuracy's extraction and matching)? For <code>mllm</code> captions, how often translation loses what the alt text names; ")
            .Append("for <code>fused</code> ones, how often the fusion did, before its rejects.</p>");
        var langs = retention.Select(r => r.Lang).Distinct().ToList();
        var byGroup = retention.ToDictionary(r => (r.Lang, r.Source));
        double? Value(string lang, string source, Func<RetentionCoverage, double?> share) =>
            byGroup.TryGetValue((lang, source), out var r) && share(r) is { } v ? Math.Round(v * 100, 1) : null;
        html.Append("<h3>Share of captions that kept every name (%)</h3>");
        HtmlPage.Bars(html, "retention-all-kept", langs, (lang, source) => Value(lang, source, r => r.AllKeptShare), v => v.ToString("0.0", Inv) + " %", scaleMax: 100);
        html.Append("<h3>Share of names kept (%)</h3>");
        HtmlPage.Bars(html, "retention-names-kept", langs, (lang, source) => Value(lang, source, r => r.NamesKeptShare), v => v.ToString("0.0", Inv) + " %", scaleMax: 100);
        html.Append("<table id=\"retention-table\"><tr><th>lang</th><th>source</th><th>layers</th><th>captions checked</th><th>kept every name</th><th>names</th><th>names kept</th></tr>");
        foreach (var r in retention)
        {
            html.Append(Inv, $"<tr data-lang=\"{Escape(r.Lang)}\" data-source=\"{Escape(r.Source)}\" data-checked=\"{r.Checked}\" data-all-kept=\"{r.AllKept}\" data-names=\"{r.Names}\" data-kept=\"{r.Kept}\">")
                .Append(Inv, $"<td>{Escape(r.Lang)}</td><td>{Escape(r.Source)}</td><td>{r.Layers}</td><td>{r.Checked:N0}</td><td>{r.AllKept:N0} ({CoverageReport.Percent(r.AllKeptShare)})</td>")
                .Append(Inv, $"<td>{r.Names:N0}</td><td>{r.Kept:N0} ({CoverageReport.Percent(r.NamesKeptShare)})</td></tr>");
        }

        html.Append("</table></section>");
    }

    public static void Clusters(StringBuilder html, CoveragePage page)
    {
        html.Append("<section id=\"clusters\"><h2>Cross-lingual clusters</h2>");
        if (page.ClustersByLanguageCount.Count == 0)
        {
            HtmlPage.NoData(html, "no rows");
            html.Append("</section>");
            return;
        }

        html.Append("<p>Images (near-duplicate clusters, <code>dup_cluster</code>) by how many languages have a caption of them:</p><table id=\"cluster-table\"><tr><th>languages</th><th>images</th></tr>");
        foreach (var (languages, images) in page.ClustersByLanguageCount)
        {
            html.Append(Inv, $"<tr data-languages=\"{languages}\" data-images=\"{images}\"><td>{languages}</td><td>{images:N0}</td></tr>");
        }

        html.Append("</table>");
        if (page.ClusterExamples.Count == 0)
        {
            HtmlPage.NoData(html, "no sampled image has captions in two languages or more");
        }

        foreach (var example in page.ClusterExamples)
        {
            html.Append(Inv, $"<h3>Cluster <code>{Escape(example.Cluster)}</code>: {example.Languages} languages</h3><ul class=\"cluster\" data-cluster=\"{Escape(example.Cluster)}\">");
            foreach (var caption in example.Captions)
            {
                html.Append(Inv, $"<li><b>{Escape(caption.Lang)} {Escape(caption.Source)}</b>: <span lang=\"{Escape(caption.Lang)}\" dir=\"{Direction(caption.Lang)}\">{Escape(UserText(caption.Text, MaxShownText))}</span></li>");
            }

            html.Append("</ul>");
        }

        html.Append("</section>");
    }

    public static void Gallery(StringBuilder html, CoveragePage page)
    {
        html.Append("<section id=\"gallery\"><h2>Sample pairs per language and source</h2>");
        if (page.Gallery.Count == 0)
        {
            HtmlPage.NoData(html, "no rows to sample");
        }
        else
        {
            html.Append("<p>An even sample of the dataset (the same rows every time), a few per language and source; thumbnails re-encoded at most ")
                .Append(GalleryThumbnails.MaxSide.ToString(Inv)).Append(" px a side.</p>");
        }

        foreach (var (lang, bySource) in page.Gallery)
        {
            foreach (var (source, pairs) in bySource)
            {
                html.Append(Inv, $"<h3>{Escape(lang)} · {Escape(source)}</h3><div class=\"gallery\" data-lang=\"{Escape(lang)}\" data-source=\"{Escape(source)}\">");
                foreach (var pair in pairs)
                {
                    Figure(html, pair, page.Thumbnails.GetValueOrDefault(pair));
                }

                html.Append("</div>");
            }
        }

        html.Append("</section>");
    }

    private static void Figure(StringBuilder html, SampledPair pair, Thumbnail? thumbnail)
    {
        html.Append(Inv, $"<figure data-lang=\"{Escape(pair.Lang)}\" data-source=\"{Escape(pair.Source)}\" data-script=\"{Escape(pair.Script)}\">");
        if (thumbnail?.DataUri is { } uri)
        {
            html.Append(Inv, $"<img src=\"{uri}\" width=\"{thumbnail.Width}\" height=\"{thumbnail.Height}\" alt=\"{Escape(UserText(pair.Text, 120))}\"/>");
        }
        else if (thumbnail?.ByReference is { } reference)
        {
            Placeholder(html, "data-reference", "stored by reference", "stored by reference: " + UserText(reference, MaxShownText));
        }
        else
        {
            Placeholder(html, "data-undecodable", "image not shown", "image not shown: " + (thumbnail?.Problem ?? "not read"));
        }

        html.Append(Inv, $"<figcaption lang=\"{Escape(pair.Lang)}\" dir=\"{Direction(pair.Lang)}\">{Escape(UserText(pair.Text, MaxShownText))}</figcaption></figure>");
    }

    /// <summary>
    /// The thumbnail of a row without one (stored by reference, or not decodable): still an <c>&lt;img&gt;</c>, as every
    /// figure has one, a grey box drawn by a small inline SVG; its alt text says what the box stands for.
    /// </summary>
    private static void Placeholder(StringBuilder html, string marker, string label, string alt)
    {
        string svg = string.Create(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{GalleryThumbnails.MaxSide}\" height=\"{PlaceholderHeight}\">" +
            $"<rect x=\"0.5\" y=\"0.5\" width=\"{GalleryThumbnails.MaxSide - 1}\" height=\"{PlaceholderHeight - 1}\" fill=\"#eee\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>" +
            $"<text x=\"{GalleryThumbnails.MaxSide / 2}\" y=\"{PlaceholderHeight / 2}\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#555\">{label}</text></svg>");
        string uri = "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));
        html.Append(Inv, $"<img src=\"{uri}\" width=\"{GalleryThumbnails.MaxSide}\" height=\"{PlaceholderHeight}\" {marker}=\"true\" alt=\"{Escape(alt)}\"/>");
    }

    public static void Distributions(StringBuilder html, CoveragePage page)
    {
        Histograms(html, "caption-length", "Caption length (grapheme clusters)", page.CaptionLengths);
        Histograms(html, "image-size", "Stored image size (longer side, px)", page.ImageSizes);
        html.Append("<h3>Serbian script mix</h3>");
        var serbian = page.Report.Languages.GetValueOrDefault("sr");
        if (serbian is null)
        {
            HtmlPage.NoData(html, "no Serbian rows");
            return;
        }

        html.Append("<table id=\"serbian-scripts\"><tr><th>source</th><th>Cyrl</th><th>Latn</th><th>other</th></tr>");
        foreach (var (source, group) in serbian)
        {
            long cyrl = group.Scripts.GetValueOrDefault("Cyrl"), latn = group.Scripts.GetValueOrDefault("Latn");
            html.Append(Inv, $"<tr data-source=\"{Escape(source)}\" data-cyrl=\"{cyrl}\" data-latn=\"{latn}\"><td>{Escape(source)}</td><td>{cyrl:N0}</td><td>{latn:N0}</td><td>{group.Pairs - cyrl - latn:N0}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Histograms(StringBuilder html, string id, string title, SortedDictionary<string, BinnedCounts> byLang)
    {
        html.Append("<h3>").Append(Escape(title)).Append("</h3>");
        if (byLang.Count == 0)
        {
            HtmlPage.NoData(html, "no rows");
            return;
        }

        var edges = byLang.Values.First().Edges;
        html.Append(Inv, $"<table id=\"{id}\"><tr><th>lang</th>");
        for (int i = 0; i < edges.Count; i++)
        {
            html.Append(Inv, $"<th>{(i + 1 < edges.Count ? $"{edges[i]}–{edges[i + 1] - 1}" : $"≥ {edges[i]}")}</th>");
        }

        html.Append("<th>histogram</th></tr>");
        foreach (var (lang, bins) in byLang)
        {
            html.Append(Inv, $"<tr data-lang=\"{Escape(lang)}\"><td>{Escape(lang)}</td>");
            foreach (long count in bins.Counts)
            {
                html.Append(Inv, $"<td>{count:N0}</td>");
            }

            html.Append("<td>");
            HtmlPage.Histogram(html, bins.Counts, barWidth: 10);
            html.Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static void More(StringBuilder html, int more, string what)
    {
        if (more > 0)
        {
            html.Append(Inv, $"<p>{more:N0} more {what} not shown.</p>");
        }
    }

    /// <summary>Text from the data cut to about <paramref name="max"/> characters at a grapheme boundary (an ellipsis when cut).</summary>
    private static string UserText(string text, int max) => text.Length <= max ? text : Show.ShowTable.Cut(text, max);

    /// <summary>A fixed, distinguishable colour per reject reason (by its index in reason order).</summary>
    private static string Palette(int index)
    {
        string[] colours = ["#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1b9e77", "#666666", "#b2182b", "#2166ac", "#8c510a", "#c51b7d"];
        return colours[index % colours.Length];
    }

    private static string Escape(string text) => HtmlPage.Escape(text);
}
