using System.Reflection;
using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Config;

/// <summary>schemas/pipeline.schema.json must describe exactly the keys the loader accepts.</summary>
public class PipelineSchemaTests
{
    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "schemas", "pipeline.schema.json"))).RootElement;

    [Theory]
    [InlineData(typeof(PipelineOptions), "")]
    [InlineData(typeof(InputOptions), "input")]
    [InlineData(typeof(CrawlOptions), "input.crawl")]
    [InlineData(typeof(AltTextOptions), "input.alt_text")]
    [InlineData(typeof(StagesOptions), "stages")]
    [InlineData(typeof(NormalizeTextOptions), "stages.normalize_text")]
    [InlineData(typeof(LoadImagesOptions), "stages.load_images")]
    [InlineData(typeof(DedupExactOptions), "stages.dedup_exact")]
    [InlineData(typeof(OutputOptions), "output")]
    public void Schema_and_options_have_the_same_keys(Type options, string path)
    {
        var node = Schema;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node.GetProperty("properties").GetProperty(part);
            if (node.TryGetProperty("$ref", out var reference))
            {
                node = Schema.GetProperty("$defs").GetProperty(reference.GetString()!.Split('/')[^1]);
            }
        }

        var schemaKeys = node.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray();
        var optionKeys = options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => PipelineConfigLoader.SnakeCase(p.Name)).Order().ToArray();

        Assert.Equal(optionKeys, schemaKeys);
        Assert.False(node.GetProperty("additionalProperties").GetBoolean());
    }
}
