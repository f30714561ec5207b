using System.Globalization;
using System.Text;
using MellaPipeline.Reports;

namespace MellaPipeline.Datasets.Coverage;

/// <summary>
/// <c>mella coverage --report FILE.html</c>: the report as one self-contained page — inline CSS and
/// SVG charts, thumbnails as <c>data:</c> URIs, no script, no font, no link to anything — that any
/// browser opens offline: the run's yield funnel, the gallery, reject reasons, caption layers,
/// cross-lingual clusters, then the distributions and counts. It is well-formed XHTML, so tests
/// can read it back as XML.
/// </summary>
public static class CoverageHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The counts alone, without funnel, gallery or clusters (each of those sections then says it has no data).</summary>
    public static string Render(CoverageReport report) =>
        Render(new CoveragePage(report, null, [], new Dictionary<SampledPair, Thumbnail>(), [], [], [], []));

    public static string Render(CoveragePage page)
    {
        var report = page.Report;
        var html = HtmlPage.Start("Coverage of " + report.Dataset);
        html.Append("<h1>Coverage</h1><p>").Append(Escape(report.Dataset)).Append(": ")
            .Append(report.Rows.ToString("N0", Inv)).Append(" pairs in ").Append(report.Shards.ToString(Inv)).Append(" shards.</p>");
        CoverageHtmlSections.Funnel(html, page.Funnel);
        CoverageHtmlSections.Gallery(html, page);
        CoverageHtmlSections.Rejects(html, page.Funnel);
        CoverageHtmlSections.CaptionLayers(html, page.Funnel);
        CoverageHtmlSections.Retention(html, report.Retention);
        CoverageHtmlSections.Clusters(html, page);

        html.Append("<section id=\"distributions\"><h2>Distributions</h2>");
        CoverageHtmlSections.Distributions(html, page);
        html.Append("<h2>Pairs per language and source</h2>");
        Bars(html, "pairs", report, g => g.Pairs, v => v.ToString("N0", Inv));
        html.Append("<h2>Distinct images per language and source</h2>");
        Bars(html, "images", report, g => g.Images, v => v.ToString("N0", Inv));
        html.Append("<h2>Median caption length (grapheme clusters)</h2>");
        Bars(html, "text", report, g => g.TextGraphemes.P50, v => v.ToString("N0", Inv));
        html.Append("<h2>Share of pairs on the ten largest domains</h2>");
        Bars(html, "top10", report, g => (long)Math.Round(g.Top10DomainShare * 100), v => v.ToString(Inv) + " %");

        html.Append("<h2>Figures</h2><table><tr><th>lang</th><th>source</th><th>pairs</th><th>images</th><th>clusters</th><th>domains</th><th>top 10</th>" +
                    "<th>scripts</th><th>text p50 / p95</th><th>image p50</th><th>language ID: sampled, disagree, confidence p50</th></tr>");
        foreach (var (lang, bySource) in report.Languages)
        {
            foreach (var (source, g) in bySource)
            {
                html.Append(Inv, $"<tr><td>{Escape(lang)}</td><td>{Escape(source)}</td><td>{g.Pairs:N0}</td><td>{g.Images:N0}</td><td>{g.Clusters:N0}</td><td>{g.Domains:N0}</td>");
                html.Append(Inv, $"<td>{g.Top10DomainShare:P0}</td><td>{Escape(string.Join(' ', g.Scripts.Select(s => $"{s.Key}:{s.Value}")))}</td>");
                html.Append(Inv, $"<td>{g.TextGraphemes.P50} / {g.TextGraphemes.P95}</td><td>{g.ImageShortSide.P50}</td>");
                html.Append(g.LanguageId is { } id ? string.Create(Inv, $"<td>{id.Sampled}, {id.DisagreeShare:P1}, {id.ConfidenceP50:0.00}</td>") : "<td>–</td>");
                html.Append("</tr>");
            }
        }

        html.Append("</table>");
        if (!report.Languages.Values.Any(l => l.Values.Any(g => g.Scores.Count > 0)))
        {
            HtmlPage.NoData(html, "no score column (align_score, nsfw_score) has a value in this dataset");
        }

        Scores(html, report);
        html.Append("</section>");
        if (report.Targets.Count > 0)
        {
            html.Append("<h2>Targets</h2><ul>");
            foreach (var t in report.Targets)
            {
                html.Append(Inv, $"<li class=\"{(t.Met ? "met" : "missed")}\">{(t.Met ? "met" : "missed")}: {Escape(t.Name)} ({Escape(t.Lang)}, {Escape(t.Source)}): {Escape(t.Measure)} {t.Value:0.###} against {t.Limit:0.###}</li>");
            }

            html.Append("</ul>");
        }

        return HtmlPage.Finish(html);
    }

    /// <summary>
    /// Per score column: quantiles and a histogram per language and source, then what each threshold
    /// would keep — the table a user picks <c>min_score</c> / <c>max_score</c> from.
    /// </summary>
    private static void Scores(StringBuilder html, CoverageReport report)
    {
        var groups = report.Languages.SelectMany(l => l.Value.Select(g => (Lang: l.Key, Source: g.Key, Coverage: g.Value))).ToList();
        foreach (string column in groups.SelectMany(g => g.Coverage.Scores.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            var scored = groups.Where(g => g.Coverage.Scores.ContainsKey(column)).Select(g => (g.Lang, g.Source, Score: g.Coverage.Scores[column])).ToList();
            html.Append(Inv, $"<h2 id=\"score-{column}\">{Escape(column)}</h2><table><tr><th>lang</th><th>source</th><th>scored</th><th>unscored</th><th>min</th><th>p05</th><th>p25</th><th>p50</th><th>p75</th><th>p95</th><th>max</th><th>histogram</th></tr>");
            foreach (var (lang, source, d) in scored)
            {
                html.Append(Inv, $"<tr><td>{Escape(lang)}</td><td>{Escape(source)}</td><td>{d.Scored:N0}</td><td>{d.Unscored:N0}</td><td>{d.Min:0.###}</td><td>{d.P05:0.###}</td><td>{d.P25:0.###}</td><td>{d.P50:0.###}</td><td>{d.P75:0.###}</td><td>{d.P95:0.###}</td><td>{d.Max:0.###}</td><td>");
                Histogram(html, d);
                html.Append("</td></tr>");
            }

            string side = scored[0].Score.Keeps == ScoreDistribution.KeepsAbove ? "at or above" : "at or below";
            html.Append(Inv, $"</table><p>Pairs a threshold would keep (scores {side} it), of the scored pairs:</p><table class=\"thresholds\"><tr><th>threshold</th>");
            foreach (var (lang, source, _) in scored)
            {
                html.Append(Inv, $"<th>{Escape(lang)} {Escape(source)}</th>");
            }

            html.Append("</tr>");
            foreach (double t in scored.SelectMany(g => g.Score.Thresholds.Select(k => k.Threshold)).Distinct().Order())
            {
                html.Append(Inv, $"<tr><td>{t:0.00}</td>");
                foreach (var (_, _, d) in scored)
                {
                    // Outside a group's grid every score lies on one side of the threshold.
                    long kept = d.Thresholds.FirstOrDefault(k => k.Threshold == t)?.Kept
                        ?? ((t < d.Min) == (d.Keeps == ScoreDistribution.KeepsAbove) ? d.Scored : 0);
                    html.Append(Inv, $"<td>{kept:N0} ({(double)kept / d.Scored:P0})</td>");
                }

                html.Append("</tr>");
            }

            html.Append("</table>");
        }
    }

    private static void Histogram(StringBuilder html, ScoreDistribution d) =>
        HtmlPage.Histogram(html, d.Histogram, barWidth: 6, string.Create(Inv, $"{d.Min:0.###} to {d.Max:0.###}"));

    private static void Bars(StringBuilder html, string id, CoverageReport report, Func<GroupCoverage, long> value, Func<long, string> label) =>
        HtmlPage.Bars(html, id, report.Languages.Keys.ToList(),
            (lang, source) => report.Languages[lang].GetValueOrDefault(source) is { } group ? value(group) : null,
            v => label((long)v));

    private static string Escape(string text) => HtmlPage.Escape(text);
}
