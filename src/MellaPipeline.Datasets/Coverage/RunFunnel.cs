using System.Text.Json;
using System.Text.Json.Serialization;
using MellaPipeline.Input;
using MellaPipeline.Json;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;

namespace MellaPipeline.Datasets.Coverage;

/// <summary>How many records one stage dropped or failed for one reason.</summary>
public sealed record FunnelStep(string Stage, string Kind, string Reason, long Count);

/// <summary>
/// One language's yield: records read, then each reject reason in stage order, then rows kept;
/// <c>Read == Rows + Steps.Sum(Count)</c> by construction.
/// </summary>
/// <param name="Lang">ISO 639-1 code, or <see cref="RunFunnel.NoLanguage"/> for records rejected before any language was known.</param>
public sealed record FunnelStratum(string Lang, long Read, long Rows, IReadOnlyList<FunnelStep> Steps);

/// <summary>The figures of one caption layer (<c>reduce/captions-NAME.json</c>).</summary>
/// <param name="Retention">The entity retention check per language × source; null in runs from before it existed.</param>
public sealed record CaptionLayerFigures(
    [property: JsonPropertyName("layer")] string Layer,
    [property: JsonPropertyName("lines")] long Lines,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("rejected")] long Rejected,
    [property: JsonPropertyName("images_without_caption")] long ImagesWithoutCaption,
    [property: JsonPropertyName("retention")] IReadOnlyList<Records.CaptionRetention>? Retention = null)
{
    /// <summary>The figures of every caption layer of the run <paramref name="dataset"/> names, in file name order; none for a dataset that is no run directory, and none of a file that cannot be read.</summary>
    public static IReadOnlyList<CaptionLayerFigures> Load(string dataset) =>
        UserFile.KindOf(dataset) != UserFileKind.Folder ? [] : Load(new RunDirectory(dataset));

    internal static List<CaptionLayerFigures> Load(RunDirectory run) =>
        RunFunnel.JsonFiles(run.ReduceDir, "captions-*.json").Select(RunFunnel.ReadJson<CaptionLayerFigures>).OfType<CaptionLayerFigures>().ToList();
}

/// <summary>
/// What a finished run says about its yield, for the report's funnel: <c>summary.json</c> (totals,
/// rows per language, reasons per stage), every <c>rejects/*.jsonl</c> line (the reject's stage,
/// reason and language) and the caption layers' figures. Rows per language come from the summary,
/// rejects per language from the reject lines, so the strata add up to the summary's
/// <c>input_records</c> exactly when the reject files are complete (<see cref="RejectLines"/>
/// against <c>dropped + failed</c> says whether they are).
/// </summary>
public sealed record RunFunnel(
    RunSummary Summary, IReadOnlyList<FunnelStratum> Languages, long RejectLines, long UnreadableRejectLines, IReadOnlyList<CaptionLayerFigures> CaptionLayers)
{
    /// <summary>The stratum of records rejected before their language was known (a malformed line, an empty alt text).</summary>
    public const string NoLanguage = "none";

    /// <summary>Largest <c>summary.json</c> or caption layer figures file read.</summary>
    private const long MaxSummaryBytes = 16L << 20;

    /// <summary>The funnel of the run <paramref name="dataset"/> names, or null when it is no finished run (a shards folder or file, a <c>mella split</c> output).</summary>
    public static RunFunnel? Load(string dataset)
    {
        if (UserFile.KindOf(dataset) != UserFileKind.Folder)
        {
            return null;
        }

        var run = new RunDirectory(dataset);
        if (UserFile.KindOf(run.SummaryPath) != UserFileKind.RegularFile || ReadJson<RunSummary>(run.SummaryPath) is not { } summary)
        {
            return null;
        }

        var steps = new Dictionary<(string Lang, string Stage, string Kind, string Reason), long>();
        long lines = 0, unreadable = 0;
        foreach (string file in JsonFiles(run.RejectsDir, "*.jsonl"))
        {
            foreach (var (_, text, problem) in UserFile.ReadLines(file))
            {
                if (text is null || problem is not null || Parse(text) is not { } reject)
                {
                    unreadable++;
                    continue;
                }

                lines++;
                var step = (reject.Lang ?? NoLanguage, reject.Stage, reject.Kind, reject.Reason);
                steps[step] = steps.GetValueOrDefault(step) + 1;
            }
        }

        // Stage order is the pipeline's (the summary lists stages in the order they ran); reasons alphabetically within a stage.
        var stageOrder = summary.Stages.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var langs = summary.Counts.Keys.Concat(steps.Keys.Select(k => k.Lang)).Distinct().Order(StringComparer.Ordinal)
            .OrderBy(l => l == NoLanguage ? 1 : 0).ToList();
        var strata = new List<FunnelStratum>();
        foreach (string lang in langs)
        {
            long rows = summary.Counts.GetValueOrDefault(lang)?.Values.Sum() ?? 0;
            var mine = steps.Where(s => s.Key.Lang == lang)
                .Select(s => new FunnelStep(s.Key.Stage, s.Key.Kind, s.Key.Reason, s.Value))
                .OrderBy(s => stageOrder.GetValueOrDefault(s.Stage, int.MaxValue)).ThenBy(s => s.Stage, StringComparer.Ordinal).ThenBy(s => s.Reason, StringComparer.Ordinal)
                .ToList();
            strata.Add(new FunnelStratum(lang, rows + mine.Sum(s => s.Count), rows, mine));
        }

        return new RunFunnel(summary, strata, lines, unreadable, CaptionLayerFigures.Load(run));
    }

    /// <summary>Whether the strata add up to the summary: every reject line read, and as many as the summary counts.</summary>
    public bool AddsUp => UnreadableRejectLines == 0 && RejectLines == Summary.Dropped + Summary.Failed && Languages.Sum(l => l.Read) == Summary.InputRecords;

    internal static IEnumerable<string> JsonFiles(string folder, string pattern) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, pattern).Where(f => UserFile.KindOf(f) == UserFileKind.RegularFile).Order(StringComparer.Ordinal)
            : [];

    internal static T? ReadJson<T>(string path)
        where T : class
    {
        string? text = UserFile.ReadAllText(path, out _, MaxSummaryBytes);
        try
        {
            return text is null ? null : JsonSerializer.Deserialize<T>(text, MellaJson.Compact);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static RejectRecord? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<RejectRecord>(line, MellaJson.Compact);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
