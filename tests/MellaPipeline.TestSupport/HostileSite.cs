using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MellaPipeline.Records;

namespace MellaPipeline.TestSupport;

/// <summary>
/// A web site that does everything a crawler must survive, on a real server on 127.0.0.1: pages in
/// the eight languages with real-looking alt text, and on every page, beside good images, images
/// that trickle, never end, loop, answer 429 or 503 before recovering, reset the connection
/// mid-body, lie about their type, declare billions of pixels, inflate to gigabytes, opt out with
/// their own <c>X-Robots-Tag</c>, or redirect to a trap on 127.0.0.2 that must never see a
/// connection. Everything is generated deterministically from the page count; <see cref="Expected"/>
/// says what must become of every image.
/// </summary>
public sealed class HostileSite : IAsyncDisposable
{
    public const string Stored = "stored";

    private static readonly string[] Languages = ["ar", "cs", "hu", "ko", "ru", "sr", "th", "vi"];

    private readonly Dictionary<string, string> _expected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _urlOfKey = new(StringComparer.Ordinal);
    private readonly Lazy<byte[]> _gzipBomb = new(GzipBomb);

    public HostileSite(int pages = 27, int goodImagesPerPage = 5)
    {
        Trap = new ConnectionTrap();
        Server.Map("/robots.txt", "User-agent: *\nAllow: /\n"u8.ToArray(), "text/plain");
        var alts = Languages.ToDictionary(l => l, _ => 0);
        for (int page = 0; page < pages; page++)
        {
            string lang = Languages[page % Languages.Length];
            var images = new StringBuilder();
            string path = $"/p/{page}.html";
            foreach (var (name, expected) in MapImages(page, goodImagesPerPage))
            {
                string url = $"{Server.Root}h/{page}/{name}";
                string alt = Alt(lang, alts[lang]++);
                _expected[url] = expected;
                _urlOfKey[PairKey.For(PairSources.Native, url, new Uri(Server.Root, path).AbsoluteUri, alt)] = url;
                images.Append($"<figure><img src=\"/h/{page}/{name}\" alt=\"{alt}\"></figure>\n");
            }

            Server.Map(path, Encoding.UTF8.GetBytes($"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{page}</title></head><body>\n{images}</body></html>"), "text/html; charset=utf-8");
            PageUrls.Add(new Uri(Server.Root, path).AbsoluteUri);
        }
    }

    public RawHttpServer Server { get; } = new();

    /// <summary>Listens on 127.0.0.2, which the crawler is not allowed to reach: it must count no connection.</summary>
    public ConnectionTrap Trap { get; }

    public List<string> PageUrls { get; } = [];

    /// <summary>Per image URL, <see cref="Stored"/> or the reject reason it must get.</summary>
    public IReadOnlyDictionary<string, string> Expected => _expected;

    /// <summary>The image URL of each pair key (rejects name their pair by key).</summary>
    public IReadOnlyDictionary<string, string> UrlOfKey => _urlOfKey;

    /// <summary>
    /// Writes <c>hostile.yaml</c> (a crawl of every page, default settings apart from the allowed
    /// address and a higher per-host rate), <c>seeds.txt</c> and <c>expected.json</c>; returns the pipeline's path.
    /// </summary>
    /// <param name="extraCrawlKeys">More <c>input.crawl</c> keys, one <c>key: value</c> a line (tests shorten the backoff).</param>
    /// <param name="extraKeys">More top-level keys, one <c>key: value</c> a line.</param>
    public string WritePipeline(string dir, string extraCrawlKeys = "", string extraKeys = "")
    {
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "seeds.txt"), PageUrls);
        File.WriteAllText(Path.Combine(dir, "expected.json"), JsonSerializer.Serialize(new SortedDictionary<string, string>(_expected, StringComparer.Ordinal), Indented));
        string indented = string.Concat(extraCrawlKeys.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => $"    {line.Trim()}\n"));
        string pipeline = Path.Combine(dir, "hostile.yaml");
        File.WriteAllText(pipeline, $"""
            name: hostile
            input:
              kind: crawl
              paths: [seeds.txt]
              crawl:
                max_depth: 0
                allow_addresses: [127.0.0.1]
                requests_per_second_per_host: 50
                concurrency_per_host: 8

            """.Replace("    concurrency_per_host: 8\n", "    concurrency_per_host: 8\n" + indented, StringComparison.Ordinal) + extraKeys.Trim() + "\n");
        return pipeline;
    }

    /// <summary>The trap's connections and the requests per path, as JSON.</summary>
    public string ServedJson() => JsonSerializer.Serialize(new { trap_connections = Trap.Connections, requests = Server.Counts }, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private IEnumerable<(string Name, string Expected)> MapImages(int page, int good)
    {
        string root = $"/h/{page}/";
        int seed = page * 100;
        byte[] Png(int n) => SyntheticPng.Create(96 + (n % 5 * 8), 72 + (n % 3 * 8), seed + n);
        void Map(string name, Func<RawExchange, Task> handler) => Server.Map(root + name, handler);

        for (int i = 0; i < good; i++)
        {
            var png = Png(i);
            Map($"g{i}.png", e => e.RespondAsync(200, png, "image/png"));
            yield return ($"g{i}.png", Stored);
        }

        // 2 KB/s: far below the throughput floor, but each chunk well within any attempt timeout.
        var slow = Png(20);
        Map("slow.png", e => e.TrickleAsync([.. slow, .. new byte[32 * 1024]], "image/png", 200, TimeSpan.FromMilliseconds(100)));
        yield return ("slow.png", "image_too_slow");

        Map("endless.png", async e =>
        {
            await e.WriteHeadAsync(200, "image/png", contentLength: null);
            var chunk = new byte[64 * 1024];
            while (true)
            {
                await e.WriteAsync(chunk);
            }
        });
        yield return ("endless.png", "image_too_large");

        Map("loop.png", e => e.RedirectAsync(root + "loop-back.png"));
        Map("loop-back.png", e => e.RedirectAsync(root + "loop.png"));
        yield return ("loop.png", "image_redirect_loop");

        var busy = Png(21);
        Map("busy429.png", e => e.Attempt == 1
            ? e.RespondAsync(429, "slow down"u8.ToArray(), "text/plain", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : e.RespondAsync(200, busy, "image/png"));
        yield return ("busy429.png", Stored);

        var flaky = Png(22);
        Map("busy503.png", e => e.Attempt <= 2 ? e.RespondAsync(503, "busy"u8.ToArray(), "text/plain") : e.RespondAsync(200, flaky, "image/png"));
        yield return ("busy503.png", Stored);

        var reset = Png(23);
        Map("reset.png", e => e.Attempt == 1 ? e.ResetMidBodyAsync(reset, "image/png") : e.RespondAsync(200, reset, "image/png"));
        yield return ("reset.png", Stored);

        Map("html-as-png.png", e => e.RespondAsync(200, "<!doctype html><html><body>not a picture</body></html>"u8.ToArray(), "image/png"));
        yield return ("html-as-png.png", "image_format_unsupported");

        var disguised = Png(24);
        Map("png-as-html.png", e => e.RespondAsync(200, disguised, "text/html"));
        yield return ("png-as-html.png", "image_content_type_unexpected");

        var bomb = SyntheticPng.DecompressionBomb(16_000, 16_000);
        Map("bomb.png", e => e.RespondAsync(200, bomb, "image/png"));
        yield return ("bomb.png", "image_too_many_pixels");

        Map("gzip-bomb.png", e => e.RespondAsync(200, _gzipBomb.Value, "image/png", new Dictionary<string, string> { ["Content-Encoding"] = "gzip" }));
        yield return ("gzip-bomb.png", "image_too_large");

        var optedOut = Png(25);
        Map("noai.png", e => e.RespondAsync(200, optedOut, "image/png", new Dictionary<string, string> { ["X-Robots-Tag"] = "noai" }));
        yield return ("noai.png", "image_noai");
        Map("noimageai.png", e => e.RespondAsync(200, optedOut, "image/png", new Dictionary<string, string> { ["X-Robots-Tag"] = "mellapipeline: noimageai" }));
        yield return ("noimageai.png", "image_noai");

        // Scoped to another crawler: it does not apply to us.
        var otherBot = Png(26);
        Map("other-bot.png", e => e.RespondAsync(200, otherBot, "image/png", new Dictionary<string, string> { ["X-Robots-Tag"] = "otherbot: noai, noimageai" }));
        yield return ("other-bot.png", Stored);

        Map("trap.png", e => e.RedirectAsync(Trap.Url + "stolen.png"));
        yield return ("trap.png", "image_address_blocked");
    }

    /// <summary>Gzip members of 64 MiB of zeros, one after the other: 2 GiB once inflated, 2 MiB on the wire.</summary>
    private static byte[] GzipBomb()
    {
        using var member = new MemoryStream();
        using (var gzip = new GZipStream(member, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++)
            {
                gzip.Write(zeros);
            }
        }

        var one = member.ToArray();
        return [.. Enumerable.Repeat(one, 32).SelectMany(b => b)];
    }

    /// <summary>The <paramref name="index"/>-th alt text of a language: a subject and a circumstance, never the same twice.</summary>
    private static string Alt(string lang, int index)
    {
        var (subjects, details) = Phrases[lang];
        return $"{subjects[index % subjects.Length]} {details[index / subjects.Length % details.Length]}";
    }

    private static readonly Dictionary<string, (string[] Subjects, string[] Details)> Phrases = new(StringComparer.Ordinal)
    {
        ["ar"] = (
            ["صورة المسجد الكبير في المدينة", "منظر البحر من الشاطئ", "سوق المدينة القديمة المزدحم", "قارب صيد صغير في الميناء", "حديقة النخيل الواسعة", "جبل عال فوق القرية", "شارع مزدحم بالسيارات", "مكتبة الجامعة الكبيرة", "قلعة حجرية قديمة على التل", "نهر النيل والمراكب"],
            ["عند غروب الشمس", "في صباح يوم مشمس", "تحت المطر الخفيف", "في فصل الشتاء البارد", "مع أضواء المساء", "من نافذة الفندق", "خلال مهرجان الصيف", "بعد العاصفة الرملية"]),
        ["cs"] = (
            ["Pohled na Pražský hrad", "Staré náměstí v Brně", "Dřevěný most přes řeku", "Kostel svatého Mikuláše", "Vinice na jižní Moravě", "Horská chata v Krkonoších", "Rybník plný kachen", "Tramvaj v ulicích Ostravy", "Zámecký park s fontánou", "Lesní cesta mezi smrky"],
            ["při západu slunce", "za deštivého rána", "v zimě pod sněhem", "během letního festivalu", "z vyhlídkové věže", "na podzim plném barev", "v noci s osvětlením", "po jarní bouřce"]),
        ["hu"] = (
            ["A budapesti Lánchíd", "Egy régi vidéki templom", "A Balaton partján álló móló", "Piros tetős parasztház", "Virágzó levendulamező", "A debreceni nagytemplom", "Egy csendes erdei ösvény", "Halászcsárda a Tisza mellett", "Szőlőskert a dombokon", "A szegedi dóm tornyai"],
            ["naplementekor", "egy esős reggelen", "télen hóval borítva", "a nyári fesztivál idején", "a kilátóból nézve", "őszi színekben", "éjszakai kivilágításban", "tavaszi vihar után"]),
        ["ko"] = (
            ["서울 남산타워", "부산 해운대 해수욕장", "경복궁의 정문", "제주도의 돌담길", "한강 위의 다리", "전주 한옥마을", "설악산 등산로", "시장 골목의 포장마차", "벚꽃이 핀 공원", "작은 어촌 마을"],
            ["해질녘의 풍경", "비 오는 아침의 모습", "눈 덮인 겨울 풍경", "여름 축제 기간의 모습", "전망대에서 본 모습", "단풍이 물든 가을", "밤의 화려한 조명", "봄비가 그친 뒤"]),
        ["ru"] = (
            ["Вид на Красную площадь", "Деревянная церковь на острове", "Набережная реки Невы", "Старый трамвай на улице", "Берёзовая роща у деревни", "Заснеженный лес под Москвой", "Рыбацкая лодка на озере", "Главный вокзал города", "Фонтан в городском парке", "Маяк на скалистом берегу"],
            ["на закате солнца", "дождливым утром", "зимой под снегом", "во время летнего фестиваля", "со смотровой площадки", "золотой осенью", "ночью с подсветкой", "после весенней грозы"]),
        ["sr"] = (
            ["Поглед на Калемегдан", "Стара црква у селу", "Мост преко Дунава", "Манастир Студеница", "Улица Кнез Михаилова", "Језеро на Златибору", "Тврђава у Петроварадину", "Кућа од дрвета у планини", "Пијаца у Новом Саду", "Шума поред реке Дрине"],
            ["у вечерње сате пред ноћ", "једног кишног јутра", "зими кад је све под снегом", "током летњег фестивала", "са видиковца који гледа на град", "у јесење доба године", "ноћу са светлима", "после пролећне олује"]),
        ["th"] = (
            ["วัดพระแก้วในกรุงเทพ", "ตลาดน้ำดำเนินสะดวก", "ชายหาดที่ภูเก็ต", "ดอยสุเทพในเชียงใหม่", "เรือหางยาวในแม่น้ำ", "ทุ่งนาสีเขียวในชนบท", "ถนนข้าวสารยามค่ำ", "อุทยานประวัติศาสตร์สุโขทัย", "น้ำตกในป่าเขตร้อน", "สวนดอกไม้ในฤดูหนาว"],
            ["ตอนพระอาทิตย์ตก", "ในเช้าวันที่ฝนตก", "ในฤดูหนาวที่มีหมอก", "ระหว่างเทศกาลสงกรานต์", "มองจากจุดชมวิว", "ในฤดูใบไม้ร่วง", "ยามค่ำคืนที่มีแสงไฟ", "หลังพายุฝนในฤดูร้อน"]),
        ["vi"] = (
            ["Vịnh Hạ Long", "Phố cổ Hội An", "Chùa Một Cột ở Hà Nội", "Ruộng bậc thang Sa Pa", "Chợ nổi Cái Răng", "Cầu Rồng ở Đà Nẵng", "Nhà thờ Đức Bà Sài Gòn", "Làng chài nhỏ ven biển", "Đồi chè xanh ở Mộc Châu", "Hồ Hoàn Kiếm yên bình"],
            ["lúc hoàng hôn", "vào một buổi sáng mưa", "trong mùa đông lạnh giá", "trong lễ hội mùa hè", "nhìn từ trên cao", "vào mùa thu vàng", "về đêm với đèn lồng", "sau cơn mưa mùa xuân"]),
    };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Trap.Dispose();
    }
}
