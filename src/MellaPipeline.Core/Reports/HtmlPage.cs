using System.Globalization;
using System.Net;
using System.Text;

namespace MellaPipeline.Reports;

/// <summary>
/// The self-contained report pages (<c>mella coverage --report</c>, <c>mella eval --report</c>):
/// inline CSS and SVG bar charts, no script, no font, no link to anything, so any browser opens
/// them offline. Well-formed XHTML, so tests read them back as XML.
/// </summary>
public static class HtmlPage
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The bar colour of each source.</summary>
    public static readonly (string Source, string Colour)[] Sources = [("native", "#2f6db5"), ("mllm", "#e08a1e")];

    public static StringBuilder Start(string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>");
        html.Append("<title>").Append(Escape(title)).Append("</title>");
        html.Append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}" +
                    "th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}.missed,.worse{color:#b00}.met,.better{color:#070}svg text{font-size:12px}</style></head><body>");
        return html;
    }

    public static string Finish(StringBuilder html) => html.Append("</body></html>\n").ToString();

    /// <summary>
    /// A grouped horizontal bar chart: one row per language, one bar per source that has a value,
    /// labelled with it; each bar carries <c>data-lang</c>, <c>data-source</c> and <c>data-value</c>.
    /// </summary>
    public static void Bars(StringBuilder html, string id, IReadOnlyList<string> langs, Func<string, string, double?> value, Func<double, string> label, double? scaleMax = null)
    {
        const int barHeight = 14, gap = 10, left = 40, width = 520;
        double max = scaleMax ?? Math.Max(1, langs.SelectMany(l => Sources.Select(s => value(l, s.Source) ?? 0)).DefaultIfEmpty(0).Max());
        int height = (langs.Count * ((Sources.Length * barHeight) + gap)) + 24;
        html.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" width=\"{left + width + 120}\" height=\"{height}\" role=\"img\">");
        for (int i = 0; i < langs.Count; i++)
        {
            int y = i * ((Sources.Length * barHeight) + gap);
            html.Append(Inv, $"<text x=\"0\" y=\"{y + barHeight + 2}\">{Escape(langs[i])}</text>");
            for (int s = 0; s < Sources.Length; s++)
            {
                if (value(langs[i], Sources[s].Source) is not { } v)
                {
                    continue;
                }

                int w = (int)Math.Round(Math.Max(0, v) / max * width);
                int by = y + (s * barHeight);
                html.Append(Inv, $"<rect x=\"{left}\" y=\"{by}\" width=\"{Math.Max(1, w)}\" height=\"{barHeight - 2}\" fill=\"{Sources[s].Colour}\" data-lang=\"{Escape(langs[i])}\" data-source=\"{Sources[s].Source}\" data-value=\"{v.ToString(Inv)}\"/>");
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

    public static string Escape(string text) => WebUtility.HtmlEncode(text);
}
