using System.Security.Cryptography;
using System.Text.Json;
using MellaPipeline.Datasets.Splits;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Datasets.Tests;

/// <summary>The LLaVA-style conversations: one line per row with an image, each image file written once, files whole or absent.</summary>
public class SftExportTests
{
    [Fact]
    public void Rows_become_conversations_with_each_image_written_once_by_url_or_left_out()
    {
        using var dir = new TempDir();
        string folder = dir.File("sft");
        var photo = DatasetShards.Row("th", "พระบรมมหาราชวังในกรุงเทพมหานคร", imageSeed: 3);
        var sameInKorean = DatasetShards.Row("ko", "방콕 왕궁의 황금빛 지붕", imageSeed: 3);
        var byUrl = DatasetShards.Row("vi", "Phố cổ Hội An lung linh đèn lồng về đêm", imageSeed: 4) with { ImageBytes = null, ImagePath = "https://img.example/hoi-an.jpg" };
        var noImage = DatasetShards.Row("cs", "Hrad Karlštejn obklopený podzimními lesy", imageSeed: 5) with { ImageBytes = null, ImagePath = null, Url = null };

        SftSummary summary;
        using (var export = new SftExport(folder))
        {
            export.Write(photo, eval: false);
            export.Write(sameInKorean, eval: true);
            export.Write(byUrl, eval: false);
            export.Write(noImage, eval: false);
            summary = export.Commit();
        }

        Assert.Equal(new SftSummary(Train: 2, Eval: 1, Images: 1, ImagesByUrl: 1, WithoutImage: 1), summary);
        var train = File.ReadAllLines(Path.Combine(folder, "train.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var eval = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(folder, "eval.jsonl")))).RootElement;

        Assert.Equal([photo.Key, byUrl.Key], train.Select(l => l.GetProperty("id").GetString()));
        string image = train[0].GetProperty("image").GetString()!;
        Assert.Equal($"images/{photo.Sha256![..2]}/{photo.Sha256}.png", image);
        Assert.Equal(image, eval.GetProperty("image").GetString());
        Assert.Equal(photo.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, image)))));
        Assert.Single(Directory.GetFiles(Path.Combine(folder, "images"), "*", SearchOption.AllDirectories));
        Assert.Equal("https://img.example/hoi-an.jpg", train[1].GetProperty("image").GetString());

        var turns = eval.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal(("human", "gpt"), (turns[0].GetProperty("from").GetString(), turns[1].GetProperty("from").GetString()));
        Assert.Equal("<image>\n" + SftInstructions.For("ko", sameInKorean.Script, sameInKorean.Source), turns[0].GetProperty("value").GetString());
        Assert.Equal("방콕 왕궁의 황금빛 지붕", turns[1].GetProperty("value").GetString());
    }

    [Fact]
    public void An_export_never_committed_leaves_no_conversation_file()
    {
        using var dir = new TempDir();
        string folder = dir.File("sft");
        using (var export = new SftExport(folder))
        {
            export.Write(DatasetShards.Row("ru", "Набережная Невы в Санкт-Петербурге белой ночью", imageSeed: 9), eval: false);
        }

        Assert.Empty(Directory.GetFiles(folder, "*.jsonl*"));
    }
}
