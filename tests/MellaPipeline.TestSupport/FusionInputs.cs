using System.Security.Cryptography;
using System.Text.Json;

namespace MellaPipeline.TestSupport;

/// <summary>
/// The inputs of a run whose caption layer fuses: one native pair per photo (a real PNG under
/// <c>images/</c>, its alt text) and <c>captions.jsonl</c>, the translated caption file of an
/// external batch run that also kept each image's English description.
/// </summary>
public static class FusionInputs
{
    /// <summary>Writes the images, <c>captions.jsonl</c> and <c>pairs.jsonl</c> into <paramref name="folder"/>; returns the pairs file's path.</summary>
    /// <param name="imageSeed">The first photo's PNG seed (the others follow), so two tests' photos differ.</param>
    public static string Write(string folder, IReadOnlyList<(string Lang, string Alt, string Description, string Translation)> photos, int imageSeed)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        var pairs = new List<string>();
        var captions = new List<string>();
        for (int i = 0; i < photos.Count; i++)
        {
            byte[] png = SyntheticPng.Create(120, 90, imageSeed + i);
            File.WriteAllBytes(Path.Combine(folder, "images", $"p{i}.png"), png);
            pairs.Add(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["image_path"] = $"images/p{i}.png", ["url"] = $"https://img.example/{i}.jpg", ["lang"] = photos[i].Lang, ["text"] = photos[i].Alt,
            }));
            captions.Add(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(png)), ["lang"] = photos[i].Lang, ["model"] = "batch-vlm", ["source_lang"] = "en",
                ["translation_engine"] = "batch-mt", ["text"] = photos[i].Translation, ["description"] = photos[i].Description,
            }));
        }

        File.WriteAllLines(Path.Combine(folder, "captions.jsonl"), captions);
        string path = Path.Combine(folder, "pairs.jsonl");
        File.WriteAllLines(path, pairs);
        return path;
    }
}
