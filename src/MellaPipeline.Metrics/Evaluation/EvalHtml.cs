using System.Globalization;
using MellaPipeline.Reports;
using MellaPipeline.Metrics;

namespace MellaPipeline.Metrics.Evaluation;

/// <summary>
/// <c>mella eval --report FILE.html</c>: one self-contained page — a bar chart per metric (score per
/// language and source, 0–100, each bar with its n and a whisker over its 95 % interval; "no data"
/// where a stratum has no score), then one per metric per source over all languages, the table of scores with their intervals (and, with a baseline,
/// its scores and the differences), the input errors and each metric's signature.
/// </summary>
public static class EvalHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(EvalReport report, string predictions, string? baseline)
    {
        var html = HtmlPage.Start("Evaluation of " + predictions);
        html.Append("<h1>Evaluation</h1><p>").Append(HtmlPage.Escape(predictions));
        if (baseline is not null)
        {
            html.Append(" against the baseline ").Append(HtmlPage.Escape(baseline));
        }

        html.Append("</p>");
        var langs = report.Results.Select(r => r.Lang).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (string metric in MetricNames.All.Append(MetricNames.KeywordAny))
        {
            var byGroup = report.Results.Where(r => r.Metric == metric).ToDictionary(r => (r.Lang, r.Source));
            html.Append("<h2>").Append(HtmlPage.Escape(metric)).Append("</h2>");
            if (byGroup.Count == 0)
            {
                HtmlPage.NoData(html, $"no scores for {metric}");
                continue;
            }

            Chart(html, metric, langs, byGroup);
        }

        // Per source over every language: one chart per metric, the sources side by side.
        html.Append("<h2 id=\"per-source\">Per source, all languages</h2>");
        if (report.PerSource.Count == 0)
        {
            HtmlPage.NoData(html, "no scores");
        }

        foreach (string metric in MetricNames.All.Append(MetricNames.KeywordAny).Where(m => report.PerSource.Any(r => r.Metric == m)))
        {
            html.Append("<h3>").Append(HtmlPage.Escape(metric)).Append(", all languages</h3>");
            Chart(html, metric + "-per-source", [EvalReport.AllLanguages], report.PerSource.Where(r => r.Metric == metric).ToDictionary(r => (r.Lang, r.Source)));
        }

        bool compare = baseline is not null;
        html.Append("<h2>Scores</h2><table><tr><th>lang</th><th>source</th><th>metric</th><th>n</th><th>score</th><th>95 % CI</th>");
        html.Append(compare ? "<th>baseline</th><th>difference</th>" : "").Append("</tr>");
        foreach (var r in report.Results.Concat(report.PerSource))
        {
            html.Append(Inv, $"<tr><td>{HtmlPage.Escape(r.Lang)}</td><td>{HtmlPage.Escape(r.Source)}</td><td>{HtmlPage.Escape(r.Metric)}</td><td>{r.N}</td><td>{r.Score:0.00}</td><td>{(r.Ci95 is { } ci ? string.Create(Inv, $"{ci[0]:0.00} – {ci[1]:0.00}") : "–")}</td>");
            if (compare)
            {
                string css = r.Delta > 0 ? "better" : r.Delta < 0 ? "worse" : "";
                html.Append(Inv, $"<td>{r.Baseline:0.00}</td><td class=\"{css}\">{r.Delta:+0.00;-0.00;0.00}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table><h2>Input errors</h2>");
        Errors(html, "predictions", report.Errors);
        if (report.BaselineErrors is not null)
        {
            Errors(html, "baseline", report.BaselineErrors);
        }

        html.Append("<h2>Signatures</h2><ul>");
        foreach (string signature in report.Results.Select(r => r.Signature).Distinct().Order(StringComparer.Ordinal))
        {
            html.Append("<li><code>").Append(HtmlPage.Escape(signature)).Append("</code></li>");
        }

        html.Append("</ul>");
        return HtmlPage.Finish(html);
    }

    /// <summary>One bar per language × source: its score 0–100, with its n and a whisker over its interval.</summary>
    private static void Chart(System.Text.StringBuilder html, string id, IReadOnlyList<string> langs, Dictionary<(string Lang, string Source), EvalResult> byGroup) =>
        HtmlPage.Bars(html, id, langs, (lang, source) => byGroup.TryGetValue((lang, source), out var r) ? r.Score : null, v => v.ToString("0.00", Inv), scaleMax: 100,
            interval: (lang, source) => byGroup.TryGetValue((lang, source), out var r) ? (r.N, r.Ci95) : (0, null));

    private static void Errors(System.Text.StringBuilder html, string what, EvalErrors errors)
    {
        html.Append(Inv, $"<p>{what}: {errors.Total} errors ({errors.Missing} missing, {errors.Duplicate} duplicate, {errors.Unknown} unknown keys, {errors.Malformed} malformed lines)</p>");
        if (errors.Examples.Count > 0)
        {
            html.Append("<ul>");
            foreach (string example in errors.Examples)
            {
                html.Append("<li>").Append(HtmlPage.Escape(example)).Append("</li>");
            }

            html.Append("</ul>");
        }
    }
}
