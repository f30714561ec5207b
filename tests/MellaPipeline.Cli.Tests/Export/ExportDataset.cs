using System.Security.Cryptography;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Cli.Tests.Export;

/// <summary>
/// A small finished dataset in a run directory's <c>shards/</c>, written by the real shard writer: native rows in the
/// eight languages (PNGs, one JPEG, one with LAION-style <c>source_meta</c>), one row stored by reference (a URL and no
/// bytes), and a caption layer's <c>captions-*.parquet</c> shard of <c>mllm</c> rows on the same images.
/// </summary>
public sealed class ExportDataset : IDisposable
{
    public static readonly (string Lang, string Text)[] Native =
    [
        ("ar", "قطة تجلس على حافة النافذة في الصباح"),
        ("cs", "Pohled na Karlův most v ranní mlze"),
        ("hu", "A Lánchíd éjszakai kivilágításban"),
        ("ko", "경복궁 근정전 앞의 넓은 마당"),
        ("ru", "Зимний дворец на набережной Невы"),
        ("sr", "Манастир Студеница у пролеће"),
        ("th", "วัดอรุณราชวรารามยามพระอาทิตย์ตก"),
        ("vi", "Thuyền trên vịnh Hạ Long lúc bình minh"),
        ("ko", "부산 해운대 해수욕장의 여름 풍경"),
        ("th", "ตลาดน้ำดำเนินสะดวกในตอนเช้า"),
    ];

    public static readonly (string Lang, string Text, int Image)[] Captions =
    [
        ("ko", "바위 위에 앉아 있는 갈매기 한 마리", 3),
        ("th", "นกนางนวลเกาะอยู่บนโขดหิน", 3),
        ("vi", "Một con mòng biển đậu trên tảng đá", 7),
        ("ru", "Чайка сидит на камне у моря", 4),
    ];

    public ExportDataset()
    {
        var native = Native.Select((n, i) => DatasetShards.Row(n.Lang, n.Text, imageSeed: i + 1, pageUrl: $"https://site{i % 3}.example/{n.Lang}/page")).ToList();
        native[1] = WithJpeg(native[1]);
        native[4] = native[4] with { SourceMeta = "{\"similarity\":0.31,\"punsafe\":0.0012}" };
        native[5] = native[5] with { ImageBytes = null, Sha256 = null, ImagePath = native[5].Url, DupCluster = native[5].Key[..16] };
        var captions = Captions.Select(c => DatasetShards.Row(c.Lang, c.Text, imageSeed: c.Image, source: PairSources.Mllm, url: $"https://img.example/{c.Image}.png")
            with { CaptionModel = "qwen2-vl-7b", CaptionSourceLang = "en" }).ToList();

        DatasetShards.WriteAsync(Shards, native, shardMaxRows: 4).GetAwaiter().GetResult();
        DatasetShards.WriteAsync(Shards, captions, shardMaxRows: 1000, prefix: "captions-qwen-").GetAwaiter().GetResult();
    }

    public TempDir Dir { get; } = new();

    public string RunDir => Dir.File("run");

    public string Shards => Path.Combine(RunDir, "shards");

    public int Rows => Native.Length + Captions.Length;

    public string NewOut() => Dir.File("out-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Dir.Dispose();

    private static PairRecord WithJpeg(PairRecord row)
    {
        using var bitmap = new SKBitmap(40, 30);
        bitmap.Erase(new SKColor(200, 80, 40));
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        byte[] jpeg = data.ToArray();
        return row with { ImageBytes = jpeg, Sha256 = Convert.ToHexStringLower(SHA256.HashData(jpeg)), ImagePath = "photo.jpg", Width = 40, Height = 30 };
    }
}
