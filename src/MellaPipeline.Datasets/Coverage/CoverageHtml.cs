using System.Globalization;
using System.Text;
using MellaPipeline.Reports;

namespace MellaPipeline.Datasets.Coverage;

/// <summary>
/// <c>mella coverage --report FILE.html</c>: the report as one self-contained page — inline CSS and
/// SVG bar charts, no script, no font, no link to anything — that any browser opens offline. It is
/// well-formed XHTML, so tests can read it back as XML.
/// </summary>
public static class CoverageHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(CoverageReport report)
    {
        var html = HtmlPage.Start("Coverage of " + report.Dataset);
        html.Append("<h1>Coverage</h1><p>").Append(Escape(report.Dataset)).Append(": ")
            .Append(report.Rows.ToString("N0", Inv)).Append(" pairs in ").Append(report.Shards.ToString(Inv)).Append(" shards.</p>");

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

    private static void Bars(StringBuilder html, string id, CoverageReport report, Func<GroupCoverage, long> value, Func<long, string> label) =>
        HtmlPage.Bars(html, id, report.Languages.Keys.ToList(),
            (lang, source) => report.Languages[lang].GetValueOrDefault(source) is { } group ? value(group) : null,
            v => label((long)v));

    private static string Escape(string text) => HtmlPage.Escape(text);
}
