using System.Text;
using MellaPipeline.Languages;
using MellaPipeline.Records;

namespace MellaPipeline.Bench;

/// <summary>
/// Metadata rows (no image bytes) shaped like the reference dataset: captions of 20 to 400
/// characters in the eight target languages built from real phrases, two sources, real-looking
/// URLs and hashes. Deterministic for a seed. With <paramref name="rowsPerImage"/> above 1, that
/// many consecutive rows (each in another language) share one image: its hashes, size and
/// near-duplicate cluster, as a photo captioned in several languages does.
/// </summary>
public sealed class SyntheticRows(int seed, int rowsPerImage = 1)
{
    private static readonly (string Lang, string[] Phrases)[] Pools =
    [
        ("ar", ["طبق الكسكس المغربي التقليدي", "مع الخضار الطازجة", "في سوق المدينة القديمة", "عند غروب الشمس", "على طاولة خشبية", "بجانب إبريق شاي بالنعناع"]),
        ("cs", ["Pražský orloj na Staroměstském náměstí", "v ranní mlze", "s houskovým knedlíkem", "na břehu Vltavy", "během vánočních trhů", "pod zasněženými střechami"]),
        ("hu", ["Gulyásleves bográcsban", "a Balaton partján", "a budapesti Országház előtt", "esti kivilágításban", "friss tejföllel", "a nyári fesztivál idején"]),
        ("ko", ["경복궁 근정전 앞에서", "한복을 입은 관광객들이", "김치찌개와 공깃밥", "부산 해운대 해수욕장의", "여름 풍경을 담은 사진", "전통 시장의 활기찬 모습"]),
        ("ru", ["Храм Василия Блаженного", "на Красной площади", "пельмени со сметаной", "в глиняной миске", "зимний лес после снегопада", "набережная Невы белой ночью"]),
        ("sr", ["Манастир Студеница", "у долини Ибра", "Beogradska tvrđava Kalemegdan", "u sumrak nad Dunavom", "ћевапи са кајмаком", "на старој калдрми"]),
        ("th", ["วัดอรุณราชวรารามยามพระอาทิตย์ตก", "ต้มยำกุ้งน้ำข้น", "ในชามดินเผา", "ตลาดน้ำดำเนินสะดวก", "ในตอนเช้าตรู่", "ริมแม่น้ำเจ้าพระยา"]),
        ("vi", ["Phở bò Hà Nội", "với hành lá và rau thơm", "Vịnh Hạ Long nhìn từ trên cao", "áo dài truyền thống", "trong ngày Tết Nguyên Đán", "bên hồ Hoàn Kiếm"]),
    ];

    private readonly Random _random = new(seed);
    private readonly StringBuilder _text = new(512);
    private readonly byte[] _hash = new byte[32];

    public PairRecord Next(long index)
    {
        var (lang, phrases) = Pools[(int)(index % Pools.Length)];
        bool mllm = _random.Next(3) == 0;
        _text.Clear();
        int parts = mllm ? 4 + _random.Next(8) : 1 + _random.Next(3);
        for (int i = 0; i < parts; i++)
        {
            if (i > 0)
            {
                _text.Append(lang is "th" ? "" : " ");
            }

            _text.Append(phrases[_random.Next(phrases.Length)]);
        }

        string text = _text.ToString();
        string url = $"https://img.example.{lang}/{index / 1000}/{index}.jpg";
        string pageUrl = $"https://news.example.{lang}/article/{index / 7}";
        string source = mllm ? PairSources.Mllm : PairSources.Native;
        int width, height;
        if (rowsPerImage > 1)
        {
            long image = index / rowsPerImage;
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(_hash, image);
            ulong low = System.IO.Hashing.XxHash64.HashToUInt64(_hash.AsSpan(0, 8), 1), high = System.IO.Hashing.XxHash64.HashToUInt64(_hash.AsSpan(0, 8), 2);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(_hash.AsSpan(8), low);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(_hash.AsSpan(16), high);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(_hash.AsSpan(24), low ^ high);
            width = 200 + (int)(low % 1800);
            height = 200 + (int)(high % 1800);
        }
        else
        {
            _random.NextBytes(_hash);
            width = 200 + _random.Next(1800);
            height = 200 + _random.Next(1800);
        }

        string sha = Convert.ToHexStringLower(_hash);
        return new PairRecord
        {
            Key = PairKey.For(source, url, pageUrl, text),
            Origin = $"synthetic:{index}",
            Lang = lang,
            Script = lang == "sr" ? Scripts.Detect(text) : TargetLanguages.ScriptsOf(lang)[0],
            Source = source,
            Text = text,
            ImageBytes = null,
            ImagePath = url,
            Url = url,
            PageUrl = pageUrl,
            Width = width,
            Height = height,
            OrigWidth = width,
            OrigHeight = height,
            Sha256 = sha,
            Phash = sha[..16],
            DupCluster = sha[16..32],
            CaptionModel = mllm ? "qwen2-vl-7b" : null,
            CaptionSourceLang = mllm ? "en" : null,
        };
    }
}
