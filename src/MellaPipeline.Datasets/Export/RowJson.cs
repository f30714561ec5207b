using System.Text.Encodings.Web;
using System.Text.Json;
using MellaPipeline.Parquet;
using MellaPipeline.Records;

namespace MellaPipeline.Datasets.Export;

/// <summary>
/// A row as one JSON object: every column of the shard schema in file order but the image bytes (the image's
/// <c>path</c> as <c>image_path</c>), text as UTF-8 (not <c>\u</c>-escaped), <c>source_meta</c> as the JSON object it
/// holds rather than a string, a score that is not a finite number (NaN or ±Infinity, which a float column may hold
/// and JSON cannot) as null.
/// Written into <c>KEY.json</c> of a WebDataset sample and each line of <c>metadata.jsonl</c>.
/// </summary>
public static class RowJson
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the row's properties into an object already started.</summary>
    public static void WriteColumns(Utf8JsonWriter json, PairRecord record)
    {
        foreach (var (name, column) in RowFilter.Filterable)
        {
            json.WritePropertyName(name);
            switch (column)
            {
                case IntColumn ints:
                    json.WriteNumberValue(ints.Get(record));
                    break;
                case FloatColumn floats when floats.Get(record) is { } value && float.IsFinite(value):
                    json.WriteNumberValue(value);
                    break;
                case StringColumn strings when strings.Get(record) is { } text:
                    if (!ReferenceEquals(column, ShardColumns.SourceMeta) || !TryWriteJson(json, text))
                    {
                        json.WriteStringValue(text);
                    }

                    break;
                default:
                    json.WriteNullValue();
                    break;
            }
        }
    }

    /// <summary>The row as a whole JSON document (UTF-8).</summary>
    public static byte[] Document(PairRecord record)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            WriteColumns(json, record);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Writes <c>source_meta</c> as the JSON value it holds (the pipeline stores an object), validated by the writer
    /// as it copies it; false, with nothing written, when it is not one value of valid JSON (it then stays a string).
    /// </summary>
    private static bool TryWriteJson(Utf8JsonWriter json, string text)
    {
        try
        {
            json.WriteRawValue(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
