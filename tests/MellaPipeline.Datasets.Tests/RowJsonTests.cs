using System.Text.Json;
using MellaPipeline.Datasets.Export;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Datasets.Tests;

public class RowJsonTests
{
    [Fact]
    public void Source_meta_is_written_as_the_JSON_it_holds_and_anything_else_stays_a_string()
    {
        var row = DatasetShards.Row("cs", "Rozkrojený fík v oranžové misce", imageSeed: 7);
        string[] notJson = ["{\"similarity\": 0.31", "similarity=0.31", "{} {}", ""];

        using (var json = JsonDocument.Parse(RowJson.Document(row with { SourceMeta = "{\"similarity\":0.31,\"punsafe\":0.0012}" })))
        {
            var meta = json.RootElement.GetProperty("source_meta");
            Assert.Equal(JsonValueKind.Object, meta.ValueKind);
            Assert.Equal(0.31, meta.GetProperty("similarity").GetDouble());
            Assert.Equal("Rozkrojený fík v oranžové misce", json.RootElement.GetProperty("text").GetString());
        }

        foreach (string text in notJson)
        {
            // The document stays valid JSON and the value arrives as the text it was, with the columns after it intact.
            using var json = JsonDocument.Parse(RowJson.Document(row with { SourceMeta = text }));
            Assert.Equal(text, json.RootElement.GetProperty("source_meta").GetString());
            Assert.Equal(row.Sha256, json.RootElement.GetProperty("sha256").GetString());
            Assert.Equal(RowFilter.Filterable.Count, json.RootElement.EnumerateObject().Count());
        }
    }
}
