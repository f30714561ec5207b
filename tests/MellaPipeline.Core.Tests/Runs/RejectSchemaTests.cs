using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Records;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Runs;

/// <summary>schemas/reject.schema.json lists exactly the fields a reject line has, in their order.</summary>
public class RejectSchemaTests
{
    [Fact]
    public void A_reject_line_has_the_fields_of_the_schema_in_its_order()
    {
        var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "schemas", "reject.schema.json"))).RootElement;
        var reject = RejectRecord.Of(new UnparsedInput("k", "pairs.jsonl@0", "https://example.org/a.jpg", "https://example.org/"), "load_images", OutcomeKind.Failed, "image_http_503", "busy");

        var line = JsonDocument.Parse(JsonSerializer.Serialize(reject, MellaJson.Compact)).RootElement;

        Assert.Equal(schema.GetProperty("properties").EnumerateObject().Select(p => p.Name), line.EnumerateObject().Select(p => p.Name));
        Assert.Equal(schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()), line.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("https://example.org/a.jpg", "https://example.org/", true, "failed"),
            (line.GetProperty("url").GetString(), line.GetProperty("page_url").GetString(), line.GetProperty("transient").GetBoolean(), line.GetProperty("kind").GetString()));
    }
}
