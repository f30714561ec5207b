using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MellaPipeline.Parquet.Tests;

/// <summary>
/// The parts of <c>schemas/shard.md</c> and <c>schemas/shard.schema.json</c> that
/// <see cref="ShardColumns"/> determines, rendered from the table.
/// </summary>
internal static class ShardSchemaDocuments
{
    public const string TableStart = "<!-- columns: generated from src/MellaPipeline.Parquet/ShardColumns.cs (MELLA_WRITE_SCHEMAS=1 and the Parquet tests rewrite it) -->";
    public const string TableEnd = "<!-- end of columns -->";

    private static readonly JsonSerializerOptions OneLine = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The column table of <c>schemas/shard.md</c>, between its markers.</summary>
    public static string MarkdownTable()
    {
        var table = new StringBuilder();
        table.Append(TableStart).Append('\n');
        table.Append("| column | Parquet type | nullable | meaning |\n");
        table.Append("| --- | --- | --- | --- |\n");
        foreach (var column in ShardColumns.All)
        {
            Row(table, column.Name, column);
            if (column is ImageColumn)
            {
                foreach (var field in column.Leaves)
                {
                    Row(table, $"{column.Name}.{field.Name}", field);
                }
            }
        }

        table.Append(TableEnd);
        return table.ToString();

        static void Row(StringBuilder table, string name, ShardColumn column) =>
            table.Append($"| `{name}` | {column.ParquetType} | {(column.Nullable ? "yes" : "no")} | {column.Description} |\n");
    }

    /// <summary><c>schemas/shard.md</c> with its column table replaced by <see cref="MarkdownTable"/>.</summary>
    public static string WithMarkdownTable(string markdown)
    {
        int start = markdown.IndexOf(TableStart, StringComparison.Ordinal);
        int end = markdown.IndexOf(TableEnd, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidDataException($"schemas/shard.md has lost its column table markers:\n{TableStart}\n{TableEnd}");
        }

        return markdown[..start] + MarkdownTable() + markdown[(end + TableEnd.Length)..];
    }

    /// <summary>
    /// <c>schemas/shard.schema.json</c>: a JSON Schema of one row as a JSON object (binary as
    /// base64), with the Parquet type of each column; <c>required</c> lists every column in file order.
    /// </summary>
    public static string JsonSchema()
    {
        var lines = new StringBuilder();
        lines.Append("{\n");
        Member(lines, "$schema", "https://json-schema.org/draft/2020-12/schema");
        Member(lines, "$id", "https://mellapipeline.dev/schemas/shard.schema.json");
        Member(lines, "title", "MellaPipeline dataset shard row");
        Member(lines, "description", "One row of a dataset shard (schemas/shard.md) as a JSON object, binary values in base64. Every column is always present, in the order of 'required', which is the file's column order; x-parquet-type is the column's type in the Parquet file.");
        Member(lines, "x-schema-version", ShardSchema.Version);
        Member(lines, "type", "object");
        Member(lines, "required", new JsonArray([.. ShardColumns.All.Select(c => JsonValue.Create(c.Name))]));
        Member(lines, "additionalProperties", false);
        lines.Append("  \"properties\": {\n");
        var columns = ShardColumns.All;
        for (int i = 0; i < columns.Count; i++)
        {
            string separator = i < columns.Count - 1 ? "," : "";
            lines.Append($"    {Compact(columns[i].Name)}: {Compact(Property(columns[i]))}{separator}\n");
        }

        lines.Append("  }\n}\n");
        return lines.ToString();

        static void Member(StringBuilder lines, string name, JsonNode value) => lines.Append($"  {Compact(name)}: {Compact(value)},\n");
    }

    private static JsonObject Property(ShardColumn column)
    {
        var property = new JsonObject { ["description"] = column.Description };
        switch (column)
        {
            case ImageColumn:
                property["type"] = JsonType("object", column.Nullable);
                property["required"] = new JsonArray([.. column.Leaves.Select(f => JsonValue.Create(f.Name))]);
                property["additionalProperties"] = false;
                property["properties"] = new JsonObject(column.Leaves.Select(f => KeyValuePair.Create(f.Name, (JsonNode?)Property(f))));
                break;
            case IntColumn:
                property["type"] = JsonType("integer", column.Nullable);
                break;
            case FloatColumn:
                property["type"] = JsonType("number", column.Nullable);
                break;
            case BytesColumn:
                property["type"] = JsonType("string", column.Nullable);
                property["contentEncoding"] = "base64";
                break;
            case StringColumn:
                property["type"] = JsonType("string", column.Nullable);
                break;
            default:
                throw new NotSupportedException($"no JSON Schema type for {column.GetType().Name} '{column.Name}'");
        }

        property["x-parquet-type"] = column.ParquetType;
        return property;
    }

    private static JsonNode JsonType(string type, bool nullable) => nullable ? new JsonArray(type, "null") : JsonValue.Create(type);

    private static string Compact(JsonNode? node) => node?.ToJsonString(OneLine) ?? "null";

    private static string Compact(string name) => JsonSerializer.Serialize(name, OneLine);
}
