using System.Globalization;
using System.Net;
using System.Text;

namespace MellaPipeline.Cli.Coverage;

/// <summary>
/// <c>mella coverage --report FILE.html</c>: the report as one self-contained page — inline CSS and
/// SVG bar charts, no script, no font, no link to anything — that any browser opens offline. It is
/// well-formed XHTML, so tests can read it back as XML.
/// </summary>
public static class CoverageHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (string Source, string Colour)[] Sources = [("native", "#2f6db5"), ("mllm", "#e08a1e")];

    public static string Render(CoverageReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>");
        html.Append("<title>Coverage of ").Append(Escape(report.Dataset)).Append("</title>");
        html.Append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}" +
                    "th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}.missed{color:#b00}.met{color:#070}svg text{font-size:12px}</style></head><body>");
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

        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>A grouped horizontal bar chart: one row per language, one bar per source, labelled with its value.</summary>
    private static void Bars(StringBuilder html, string id, CoverageReport report, Func<GroupCoverage, long> value, Func<long, string> label)
    {
        const int barHeight = 14, gap = 10, left = 40, width = 520;
        var langs = report.Languages.Keys.ToList();
        long max = Math.Max(1, report.Languages.Values.SelectMany(s => s.Values).Select(value).DefaultIfEmpty(0).Max());
        int height = (langs.Count * ((Sources.Length * barHeight) + gap)) + 24;
        html.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" width=\"{left + width + 120}\" height=\"{height}\" role=\"img\">");
        for (int i = 0; i < langs.Count; i++)
        {
            int y = i * ((Sources.Length * barHeight) + gap);
            html.Append(Inv, $"<text x=\"0\" y=\"{y + barHeight + 2}\">{Escape(langs[i])}</text>");
            for (int s = 0; s < Sources.Length; s++)
            {
                if (report.Languages[langs[i]].GetValueOrDefault(Sources[s].Source) is not { } group)
                {
                    continue;
                }

                long v = value(group);
                int w = (int)Math.Round((double)v / max * width);
                int by = y + (s * barHeight);
                html.Append(Inv, $"<rect x=\"{left}\" y=\"{by}\" width=\"{Math.Max(1, w)}\" height=\"{barHeight - 2}\" fill=\"{Sources[s].Colour}\" data-lang=\"{Escape(langs[i])}\" data-source=\"{Sources[s].Source}\" data-value=\"{v}\"/>");
                html.Append(Inv, $"<text x=\"{left + w + 4}\" y=\"{by + barHeight - 3}\">{Escape(label(v))}</text>");
            }
        }

        int legendY = height - 6;
        for (int s = 0; s < Sources.Length; s++)
        {
            html.Append(Inv, $"<rect x=\"{left + (s * 90)}\" y=\"{legendY - 10}\" width=\"10\" height=\"10\" fill=\"{Sources[s].Colour}\"/><text x=\"{left + (s * 90) + 14}\" y=\"{legendY}\">{Sources[s].Source}</text>");
        }

        html.Append("</svg>");
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
