using System.Text.Json.Nodes;
using MellaPipeline.Json;

namespace MellaPipeline.Crawl.UrlLists;

/// <summary>
/// One row of a URL list as read, before any rule looked at it: the values of its layout's columns
/// as text, the kept columns as one JSON object, or why the row could not be read at all.
/// </summary>
/// <param name="Origin">File and row (<c>laion-00000.parquet:row 17</c>, <c>list.csv:line 9</c>): what a reject names.</param>
/// <param name="Problem">The reason code when the row itself is unreadable (a value of the wrong type, a malformed CSV record); null otherwise.</param>
public sealed record UrlListRow(
    string Origin,
    string? Url,
    string? Caption,
    string? Lang,
    string? PageUrl,
    string? Source,
    string? ExtractStatus,
    string? AltRaw,
    string? SourceMeta,
    string? Problem = null,
    string? ProblemDetail = null)
{
    /// <summary>A row whose values come from <paramref name="text"/> (a column's value as text, null when empty or absent) and <paramref name="json"/> (its value for <c>source_meta</c>).</summary>
    public static UrlListRow From(UrlListLayout layout, string origin, Func<string, string?> text, Func<string, JsonNode?> json)
    {
        string? meta = null;
        if (layout.Keep.Count > 0)
        {
            var kept = new JsonObject();
            foreach (string column in layout.Keep)
            {
                kept[column] = json(column);
            }

            meta = kept.ToJsonString(MellaJson.Compact);
        }

        return new UrlListRow(
            origin, text(layout.Url), text(layout.Caption), Optional(layout.Lang), Optional(layout.PageUrl), Optional(layout.Source),
            Optional(layout.ExtractStatus), Optional(layout.AltRaw), meta);

        string? Optional(string? column) => column is null ? null : text(column);
    }

    /// <summary>A row that could not be read; <paramref name="reason"/> is a registry code, <paramref name="detail"/> names the column.</summary>
    public static UrlListRow Unreadable(string origin, string reason, string detail) =>
        new(origin, null, null, null, null, null, null, null, null, reason, detail);

    /// <summary>A JSON value for <c>source_meta</c> from a value read as text: the text itself, or null.</summary>
    public static JsonNode? TextNode(string? value) => value is null ? null : JsonValue.Create(value);
}
