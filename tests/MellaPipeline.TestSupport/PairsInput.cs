using System.Text.Json;

namespace MellaPipeline.TestSupport;

/// <summary>Writes a <c>pairs</c> JSONL input with real PNG images into a folder, and pipeline files that read it.</summary>
public static class PairsInput
{
    /// <summary>
    /// Writes <paramref name="count"/> pairs over <paramref name="distinctImages"/> PNG images:
    /// captions cycle through <see cref="Captions.All"/> with a running number, every fourth pair is
    /// an <c>mllm</c> caption. With <paramref name="hosts"/>, pages are spread over that many web
    /// hosts, each image always on the same one; otherwise all on example.org. Returns the JSONL path.
    /// </summary>
    public static string Write(string folder, int count, int distinctImages = 8, int imageSize = 48, int hosts = 0)
    {
        string images = Path.Combine(folder, "images");
        Directory.CreateDirectory(images);
        for (int i = 0; i < distinctImages; i++)
        {
            File.WriteAllBytes(Path.Combine(images, $"p{i}.png"), SyntheticPng.Create(imageSize + i % 5, imageSize, 7 + i));
        }

        string path = Path.Combine(folder, "pairs.jsonl");
        using var writer = new StreamWriter(path);
        for (int i = 0; i < count; i++)
        {
            var (lang, text) = Captions.All[i % Captions.All.Count];
            bool mllm = i % 4 == 3;
            var pair = new Dictionary<string, string>
            {
                ["image_path"] = $"images/p{i % distinctImages}.png",
                ["url"] = $"https://example.org/{lang}/{i}.jpg",
                ["page_url"] = hosts > 0 ? $"https://site{i % distinctImages % hosts}.example/{lang}/page{i / 10}.html" : $"https://example.org/{lang}/page{i / 10}.html",
                ["lang"] = lang,
                ["text"] = $"{text} {i}",
                ["source"] = mllm ? "mllm" : "native",
            };
            if (mllm)
            {
                pair["caption_model"] = "test-captioner";
                pair["caption_source_lang"] = "en";
            }

            writer.WriteLine(JsonSerializer.Serialize(pair));
        }

        return path;
    }

    /// <summary>A pipeline file over <paramref name="pairsPath"/>; <paramref name="extra"/> is appended as YAML.</summary>
    public static string WritePipeline(string folder, string pairsPath, int tasks, int shardMaxRows, string extra = "", string name = "test")
    {
        string path = Path.Combine(folder, "pipeline.yaml");
        File.WriteAllText(path, $"""
            version: 1
            name: {name}
            input:
              kind: pairs
              paths: ["{pairsPath}"]
            tasks: {tasks}
            workers: 1
            output:
              shard_max_rows: {shardMaxRows}
            {extra}
            """);
        return path;
    }
}
