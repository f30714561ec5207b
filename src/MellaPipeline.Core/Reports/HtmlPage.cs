using System.Globalization;
using System.Net;
using System.Text;

namespace MellaPipeline.Reports;

/// <summary>
/// The self-contained report pages (<c>mella coverage --report</c>, <c>mella eval --report</c>):
/// inline CSS and SVG bar charts, no script, no font, no link to anything, so any browser opens
/// them offline; a Content-Security-Policy forbids every fetch (images are <c>data:</c> URIs), so a
/// caption or URL from the data can never make the page load anything. Well-formed XHTML, so tests
/// read them back as XML.
/// </summary>
public static class HtmlPage
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The bar colour of each source.</summary>
    public static readonly (string Source, string Colour)[] Sources = [("native", "#2f6db5"), ("mllm", "#e08a1e"), ("fused", "#3a9a5b")];

    public static StringBuilder Start(string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\"/>");
        html.Append("<title>").Append(Escape(title)).Append("</title>");
        html.Append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}" +
                    "th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}.missed,.worse{color:#b00}.met,.better{color:#070}svg text{font-size:12px}" +
                    ".nodata{color:#777;font-style:italic}section{margin-top:2em}.gallery{display:flex;flex-wrap:wrap;gap:12px}" +
                    "figure{margin:0;width:170px;font-size:12px}figure img{display:block;border:1px solid #ccc}figcaption{margin-top:4px}</style></head><body>");
        return html;
    }

    public static string Finish(StringBuilder html) => html.Append("</body></html>\n").ToString();

    /// <summary>The marker of a stratum or section without data: says so rather than drawing nothing.</summary>
    public static void NoData(StringBuilder html, string what) =>
        html.Append("<p class=\"nodata\" data-nodata=\"true\">No data: ").Append(Escape(what)).Append("</p>");

    /// <summary>
    /// A grouped horizontal bar chart: one row per language, one bar per source that has a value,
    /// labelled with it; each bar carries <c>data-lang</c>, <c>data-source</c> and <c>data-value</c>.
    /// A source without a value in a language gets a "no data" label. With <paramref name="interval"/>,
    /// each bar also gets a whisker over its 95 % interval and its <c>n</c> in the label
    /// (<c>data-n</c>, <c>data-low</c>, <c>data-high</c>).
    /// </summary>
    public static void Bars(
        StringBuilder html, string id, IReadOnlyList<string> langs, Func<string, string, double?> value, Func<double, string> label, double? scaleMax = null,
        Func<string, string, (long N, double[]? Ci95)>? interval = null)
    {
        const int barHeight = 14, gap = 10, left = 40, width = 520;
        double max = scaleMax ?? Math.Max(1, langs.SelectMany(l => Sources.Select(s => value(l, s.Source) ?? 0)).DefaultIfEmpty(0).Max());
        int height = (langs.Count * ((Sources.Length * barHeight) + gap)) + 24;
        html.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" width=\"{left + width + (interval is null ? 120 : 220)}\" height=\"{height}\" role=\"img\">");
        for (int i = 0; i < langs.Count; i++)
        {
            int y = i * ((Sources.Length * barHeight) + gap);
            html.Append(Inv, $"<text x=\"0\" y=\"{y + barHeight + 2}\">{Escape(langs[i])}</text>");
            for (int s = 0; s < Sources.Length; s++)
            {
                int by = y + (s * barHeight);
                if (value(langs[i], Sources[s].Source) is not { } v)
                {
                    html.Append(Inv, $"<text x=\"{left + 4}\" y=\"{by + barHeight - 3}\" fill=\"#777\" data-nodata=\"{Escape(langs[i])}/{Sources[s].Source}\">no data ({Sources[s].Source})</text>");
                    continue;
                }

                int w = (int)Math.Round(Math.Max(0, v) / max * width);
                string extra = "", text = label(v);
                int labelX = left + w + 4;
                if (interval?.Invoke(langs[i], Sources[s].Source) is (long n, var ci))
                {
                    extra = string.Create(Inv, $" data-n=\"{n}\"") + (ci is [var low, var high] ? string.Create(Inv, $" data-low=\"{low}\" data-high=\"{high}\"") : "");
                    text += string.Create(Inv, $" n={n}");
                    if (ci is [var lo, var hi])
                    {
                        int x1 = left + (int)Math.Round(Math.Max(0, lo) / max * width), x2 = left + (int)Math.Round(Math.Max(0, hi) / max * width);
                        int mid = by + ((barHeight - 2) / 2);
                        html.Append(Inv, $"<path d=\"M{x1} {by + 1}V{by + barHeight - 3}M{x1} {mid}H{x2}M{x2} {by + 1}V{by + barHeight - 3}\" stroke=\"#222\" fill=\"none\"/>");
                        text += string.Create(Inv, $" [{lo:0.00}–{hi:0.00}]");
                        labelX = Math.Max(labelX, x2 + 4);
                    }
                }

                html.Append(Inv, $"<rect x=\"{left}\" y=\"{by}\" width=\"{Math.Max(1, w)}\" height=\"{barHeight - 2}\" fill=\"{Sources[s].Colour}\" fill-opacity=\"0.85\" data-lang=\"{Escape(langs[i])}\" data-source=\"{Sources[s].Source}\" data-value=\"{v.ToString(Inv)}\"{extra}/>");
                html.Append(Inv, $"<text x=\"{labelX}\" y=\"{by + barHeight - 3}\">{Escape(text)}</text>");
            }
        }

        int legendY = height - 6;
        for (int s = 0; s < Sources.Length; s++)
        {
            html.Append(Inv, $"<rect x=\"{left + (s * 90)}\" y=\"{legendY - 10}\" width=\"10\" height=\"10\" fill=\"{Sources[s].Colour}\"/><text x=\"{left + (s * 90) + 14}\" y=\"{legendY}\">{Sources[s].Source}</text>");
        }

        html.Append("</svg>");
    }

    /// <summary>A small column histogram (one bar per bin, scaled to the largest), each bar carrying its <c>data-count</c>.</summary>
    public static void Histogram(StringBuilder html, IReadOnlyList<long> counts, int barWidth, string? title = null)
    {
        const int height = 24;
        long max = Math.Max(1, counts.DefaultIfEmpty(0).Max());
        html.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{counts.Count * barWidth}\" height=\"{height}\" role=\"img\">");
        if (title is not null)
        {
            html.Append("<title>").Append(Escape(title)).Append("</title>");
        }

        for (int i = 0; i < counts.Count; i++)
        {
            int h = (int)Math.Round((double)counts[i] / max * height);
            html.Append(Inv, $"<rect x=\"{i * barWidth}\" y=\"{height - h}\" width=\"{barWidth - 1}\" height=\"{h}\" fill=\"#2f6db5\" data-count=\"{counts[i]}\"/>");
        }

        html.Append("</svg>");
    }

    /// <summary>
    /// Text from the data as element text or an attribute value. Besides the markup characters, what XML 1.0 forbids
    /// (C0 controls other than tab, LF and CR, U+FFFE, U+FFFF, unpaired surrogates) becomes U+FFFD, so the page stays
    /// well-formed whatever a caption, key or URL holds.
    /// </summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(XmlCharacters(text));

    private static string XmlCharacters(string text)
    {
        int first = FirstForbidden(text, 0);
        if (first < 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (int i = first; i >= 0; i = FirstForbidden(text, i + 1))
        {
            chars[i] = '\uFFFD';
        }

        return new string(chars);
    }

    /// <summary>The index of the first character at or after <paramref name="from"/> that XML 1.0 does not allow, or -1.</summary>
    private static int FirstForbidden(string text, int from)
    {
        for (int i = from; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF' || char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }
}
