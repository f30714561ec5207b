using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.LanguageId;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Captions.Tests;

/// <summary>
/// A caption layer's fuse step in-process, over real shards and against an OpenAI-wire-format
/// server on 127.0.0.1 that answers by the alt text in the prompt: a good fusion is a <c>fused</c>
/// row grounded on its native row; a fusion that lost names, came back in another language or
/// script, or copied the alt text is the reject its check names; a malformed answer is a failed
/// request; a 429 is waited out on an injected clock; answers are cached, so a rerun asks nothing
/// and an interrupted run asks only what it lost.
/// </summary>
public class CaptionFusionTests
{
    private static readonly LanguageIdentifier Identifier = LanguageIdentifier.Create();

    /// <summary>Native alt texts, each on its own photo, and how the server answers a fusion of it.</summary>
    private static readonly (string Lang, string Alt, string Answer)[] Natives =
    [
        ("cs", "Karlův most přes Vltavu v ranní mlze", "Karlův most přes Vltavu v ranní mlze, se sochami na kamenném zábradlí a věžemi starého města v pozadí."),
        ("ko", "경복궁 근정전 앞의 한복 입은 관광객들", "궁궐 앞마당에 한복을 입은 사람들이 서 있고 뒤로 산과 푸른 하늘이 보인다."),
        ("cs", "Tradiční české koláče s povidly a tvarohem", "Traditional Czech kolaches with plum jam and curd cheese on a wooden table."),
        ("sr", "Ђердапска клисура на Дунаву у јесен", "Đerdapska klisura na Dunavu u jesen, strme stene obrasle šumom iznad široke reke."),
        ("hu", "A Lánchíd és a budai vár esti kivilágításban", "A Lánchíd és a budai vár esti kivilágításában."),
        ("vi", "Phố cổ Hội An lung linh đèn lồng về đêm", MalformedAnswer),
        ("th", "ตลาดน้ำดำเนินสะดวกในตอนเช้า", "ตลาดน้ำดำเนินสะดวกในตอนเช้า มีเรือไม้บรรทุกผลไม้และผักหลากสีแน่นคลอง"),
        ("ru", "Храм Василия Блаженного на Красной площади зимой", "never asked: its image has no description"),
    ];

    private const string MalformedAnswer = "{malformed}";

    private const string Description = "A photo taken outdoors in daylight; the main subject stands in the middle, with people and buildings around it.";

    private static Task<LayerRun> CreateRunAsync() =>
        LayerRun.CreateAsync([.. Natives.Select((n, i) => DatasetShards.Row(n.Lang, n.Alt, imageSeed: 40 + i))], shardMaxRows: 3);

    /// <summary>
    /// A caption file: an English description on a line of every photo but the Russian one (whose
    /// line has none), and two translated captions whose names the retention check counts.
    /// </summary>
    private static string WriteCaptions(LayerRun run)
    {
        var lines = run.Rows.Select(row => new Dictionary<string, string>
        {
            ["sha256"] = row.Sha256!, ["lang"] = "en", ["model"] = "batch-vlm", ["text"] = Description,
        }).ToList<object>();
        for (int i = 0; i < run.Rows.Length - 1; i++)
        {
            ((Dictionary<string, string>)lines[i])["description"] = $"{Description} (photo {i})";
        }

        lines.Add(new { sha256 = run.Rows[0].Sha256, lang = "cs", model = "batch-vlm", source_lang = "en", text = "Starý kamenný most přes Vltavu za mlhavého rána." });
        lines.Add(new { sha256 = run.Rows[7].Sha256, lang = "ru", model = "batch-vlm", source_lang = "en", text = "Храм Василия Блаженного на Красной площади зимой под снегом." });
        return run.WriteCaptions([.. lines]);
    }

    private static CaptionLayerOptions Options(string captions, string endpoint, params string[] answers) => new()
    {
        Name = "v1",
        Paths = [captions],
        Fuse = new CaptionFusionOptions { Endpoint = endpoint, Model = "test-llm", PromptId = "fuse-test", Concurrency = 2, MaxRetries = 2, Answers = [.. answers] },
    };

    private static string Sql(LayerRun run) => run.Sql("v1");

    /// <summary>Answers by the alt text in the prompt; the Thai one is rate limited once with a 30 s <c>Retry-After</c>.</summary>
    private static ChatCompletionsServer Server(Func<string, bool>? malformed = null)
    {
        int thai = 0;
        return new ChatCompletionsServer(request =>
        {
            var native = Natives.Single(n => request.Prompt.Contains($": {n.Alt}\n", StringComparison.Ordinal));
            if (native.Lang == "th" && Interlocked.Increment(ref thai) == 1)
            {
                return new ChatReply(null, Status: 429, Headers: new Dictionary<string, string> { ["Retry-After"] = "30" });
            }

            return native.Answer == MalformedAnswer && (malformed?.Invoke(native.Alt) ?? true)
                ? new ChatReply(null, RawBody: "{\"choices\": [ {\"message\": ")
                : new ChatReply(native.Answer == MalformedAnswer ? "Phố cổ Hội An lung linh đèn lồng về đêm, những chiếc đèn lồng đỏ vàng treo trên mái nhà cổ bên sông." : native.Answer);
        });
    }

    [Fact]
    public async Task Each_answer_is_a_fused_row_or_the_reject_of_the_check_it_fails()
    {
        using var run = await CreateRunAsync();
        await using var server = Server();
        var clock = new SkippingClock();

        var summary = await run.Layer(Options(WriteCaptions(run), server.Endpoint), () => Identifier, clock).RunAsync(run.Shards, 1, CancellationToken.None);

        // 7 descriptions (the Russian photo has none): 7 fusions, 1 of them rate limited once and asked again.
        Assert.Equal(8, server.Requests);
        Assert.Equal([TimeSpan.FromSeconds(30)], clock.Waits);
        var rows = DuckDb.Query($"SELECT key, source, text, lang, script, caption_model, caption_prompt_id, caption_source_lang, caption_translator, grounded_from, sha256 FROM {Sql(run)} WHERE source = 'fused' ORDER BY lang");
        Assert.Equal(["cs", "th"], rows.Select(r => (string)r[3]!));
        foreach (var (row, index) in new[] { (rows[0], 0), (rows[1], 6) })
        {
            var native = run.Rows[index];
            Assert.Equal(
                new object?[]
                {
                    CaptionFuser.KeyOf("v1", native.Sha256!, native.Key), "fused", Natives[index].Answer, native.Lang, native.Script,
                    "test-llm", "fuse-test", native.Lang, null, native.Key, native.Sha256,
                },
                row);
        }

        // Each reject names the stage, reason, language and the native row it grounds on (by model/prompt and key).
        var rejects = run.Rejects("v1").Where(r => r.GetProperty("origin").GetString()!.StartsWith("test-llm/fuse-test:native:", StringComparison.Ordinal))
            .ToDictionary(r => r.GetProperty("origin").GetString()!["test-llm/fuse-test:native:".Length..]);
        Assert.Equal(5, rejects.Count);
        Assert.All(rejects.Values, r => Assert.Equal("captions_v1", r.GetProperty("stage").GetString()));
        Assert.Equal(("fused_entities_lost", "dropped", "ko"), Reason(rejects[run.Rows[1].Key]));
        Assert.Equal("kept 2 of 6 names of the alt text (min 100 %); lost: 경복궁, 근정전, 앞의, 관광객들", Detail(rejects[run.Rows[1].Key]));
        Assert.Equal(("fused_lang_mismatch", "dropped", "cs"), Reason(rejects[run.Rows[2].Key]));
        Assert.StartsWith("identified as en (", Detail(rejects[run.Rows[2].Key]), StringComparison.Ordinal);
        Assert.Equal(("fused_lang_mismatch", "dropped", "sr"), Reason(rejects[run.Rows[3].Key]));
        Assert.Equal("written in Latn, the alt text in Cyrl", Detail(rejects[run.Rows[3].Key]));
        Assert.Equal(("fused_copy", "dropped", "hu"), Reason(rejects[run.Rows[4].Key]));
        Assert.Equal("similarity 0.98 to the alt text (max 0.90)", Detail(rejects[run.Rows[4].Key]));
        Assert.Equal(("caption_endpoint_invalid_response", "failed", "vi"), Reason(rejects[run.Rows[5].Key]));
        Assert.Equal(CaptionFuser.KeyOf("v1", run.Rows[1].Sha256!, run.Rows[1].Key), rejects[run.Rows[1].Key].GetProperty("key").GetString());

        // Lines: 8 English captions (not a pipeline language) and 2 translations, then 7 fusions; rows: 2 mllm, 2 fused.
        Assert.Equal((17L, 4L, 13L), (summary.Lines, summary.Rows, summary.Rejected));
        Assert.Equal(new FuseUsage(7, 6 * 12, 6 * 34), summary.FuseUsage);

        // Hand counts. mllm: the Czech translation keeps most, přes and vltavu of karlův, most, přes, vltavu, ranní, mlze; the
        // Russian keeps all six of храм, василия, блаженного, красной, площади, зимой. fused, every answer that came, before its
        // checks: cs 6 of 6 and 0 of 5 (tradiční, české, koláče, povidly, tvarohem: the English answer); hu 4 of 5 (the copy lost
        // kivilágításban to kivilágításában); ko 2 of 6 (한복, 입은 kept; 경복궁, 근정전, 앞의, 관광객들 lost); sr 4 of 4 across scripts; th all 5
        // ICU words of the alt text, which the answer begins with.
        Assert.Equal(
            [
                new CaptionRetention("cs", "mllm", 1, 0, 6, 3),
                new CaptionRetention("cs", "fused", 2, 1, 11, 6),
                new CaptionRetention("hu", "fused", 1, 0, 5, 4),
                new CaptionRetention("ko", "fused", 1, 0, 6, 2),
                new CaptionRetention("ru", "mllm", 1, 1, 6, 6),
                new CaptionRetention("sr", "fused", 1, 1, 4, 4),
                new CaptionRetention("th", "fused", 1, 1, 5, 5),
            ],
            summary.Retention!);
        var figures = JsonDocument.Parse(File.ReadAllBytes(run.Directory.CaptionStatsPath("v1"))).RootElement;
        Assert.Equal(7, figures.GetProperty("fuse_usage").GetProperty("requests").GetInt64());
        Assert.Equal(2, figures.GetProperty("retention")[1].GetProperty("checked").GetInt64());
    }

    [Fact]
    public async Task A_rerun_asks_nothing_an_interrupted_run_asks_only_what_it_lost_and_a_failure_is_asked_again()
    {
        using var run = await CreateRunAsync();
        bool failVietnamese = true;
        await using var server = Server(_ => failVietnamese);
        string captions = WriteCaptions(run);
        var first = await run.Layer(Options(captions, server.Endpoint), () => Identifier, new SkippingClock()).RunAsync(run.Shards, 1, CancellationToken.None);
        Assert.Equal(8, server.Requests);
        string cache = Path.Combine(run.Directory.Root, "cache", "fuse-v1.jsonl");
        Assert.Equal(6, File.ReadAllLines(cache).Length); // the failed request is not kept

        // The same layer built again from scratch (its marker lost): the failed fusion is asked again, nothing else.
        failVietnamese = false;
        File.Delete(run.Directory.CaptionCompletionPath("v1"));
        var second = await run.Layer(Options(captions, server.Endpoint), () => Identifier).RunAsync(run.Shards, 1, CancellationToken.None);
        Assert.Equal(9, server.Requests);
        Assert.Equal(new FuseUsage(1, 12, 34), second.FuseUsage);
        Assert.Equal(first.Rows + 1, second.Rows);
        var rows = Fused(run);

        // A run killed while answers were arriving: the last two answers lost, one of them half written.
        var lines = File.ReadAllLines(cache);
        File.WriteAllText(cache, string.Join('\n', lines[..^2]) + "\n" + lines[^1][..20]);
        File.Delete(run.Directory.CaptionCompletionPath("v1"));
        var resumed = await run.Layer(Options(captions, server.Endpoint), () => Identifier).RunAsync(run.Shards, 1, CancellationToken.None);
        Assert.Equal(11, server.Requests);
        Assert.Equal(2, resumed.FuseUsage!.Requests);
        Assert.Equal(rows, Fused(run));

        File.Delete(run.Directory.CaptionCompletionPath("v1"));
        var again = await run.Layer(Options(captions, server.Endpoint), () => Identifier).RunAsync(run.Shards, 1, CancellationToken.None);
        Assert.Equal(11, server.Requests);
        Assert.Equal(new FuseUsage(0, 0, 0), again.FuseUsage);
        Assert.Equal(rows, Fused(run));
    }

    [Fact]
    public async Task Recorded_answers_are_read_before_asking_never_written_and_part_of_the_layers_fingerprint()
    {
        using var run = await CreateRunAsync();
        await using var server = Server();
        string captions = WriteCaptions(run);
        await run.Layer(Options(captions, server.Endpoint), () => Identifier, new SkippingClock()).RunAsync(run.Shards, 1, CancellationToken.None);
        var rows = Fused(run);

        // The run's cache shipped as recorded answers, the cache itself gone: only the fusion that failed is asked again (and fails again).
        string cache = Path.Combine(run.Directory.Root, "cache", "fuse-v1.jsonl");
        string answers = run.File("answers.jsonl");
        File.Move(cache, answers);
        byte[] recorded = File.ReadAllBytes(answers);
        var layer = run.Layer(Options(captions, server.Endpoint, answers), () => Identifier);
        Assert.Null(layer.Current());
        var replayed = await layer.RunAsync(run.Shards, 1, CancellationToken.None);
        Assert.Equal(9, server.Requests);
        Assert.Equal(1, replayed.FuseUsage!.Requests);
        Assert.Equal(rows, Fused(run));
        Assert.Equal(recorded, File.ReadAllBytes(answers));
        Assert.NotNull(run.Layer(Options(captions, server.Endpoint, answers), () => Identifier).Current());

        // Another answer in the recorded file makes another layer.
        File.AppendAllText(answers, "{\"request\": \"0\", \"text\": \"x\"}\n");
        Assert.Null(run.Layer(Options(captions, server.Endpoint, answers), () => Identifier).Current());
    }

    [Fact]
    public async Task The_layers_own_generate_step_gives_the_descriptions_in_its_source_language()
    {
        using var run = await CreateRunAsync();
        var fusions = new List<string>();
        await using var server = new ChatCompletionsServer(request =>
        {
            if (request.ImageSha256 is { } image)
            {
                return new ChatReply($"Un pont de pierre dans le brouillard, photo {Array.FindIndex(run.Rows, r => r.Sha256 == image)}.");
            }

            if (request.Model == "test-mt")
            {
                return new ChatReply(null, Status: 400); // translations are not what this test is about
            }

            lock (fusions)
            {
                fusions.Add(request.Prompt);
            }

            return new ChatReply(Natives.Single(n => request.Prompt.Contains($": {n.Alt}\n", StringComparison.Ordinal)).Answer.Replace(MalformedAnswer, "x", StringComparison.Ordinal));
        });
        var options = new CaptionLayerOptions
        {
            Name = "v1",
            CheckLanguage = false,
            Generate = new CaptionGenerationOptions { Endpoint = server.Endpoint, Model = "test-vlm", TranslateModel = "test-mt", SourceLang = "fr", MaxRetries = 0 },
            Fuse = new CaptionFusionOptions { Endpoint = server.Endpoint, Model = "test-llm", Prompt = "{language} | {description_language} | {description} | Alt: {alt}\n", MaxRetries = 0 },
        };

        await run.Layer(options, () => Identifier).RunAsync(run.Shards, 1, CancellationToken.None);

        // Every native row, the Russian one too, has its image's French description.
        Assert.Equal(8, fusions.Count);
        Assert.Contains("Czech | French | Un pont de pierre dans le brouillard, photo 0. | Alt: Karlův most přes Vltavu v ranní mlze\n", fusions);
        Assert.Contains("Russian | French | Un pont de pierre dans le brouillard, photo 7. | Alt: Храм Василия Блаженного на Красной площади зимой\n", fusions);
        Assert.Equal(["cs", "th"], DuckDb.Query($"SELECT lang FROM {Sql(run)} WHERE source = 'fused' ORDER BY lang").Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task A_parquet_caption_files_description_column_is_fused_on_the_image_its_key_names()
    {
        using var run = await CreateRunAsync();
        var prompts = new List<string>();
        await using var server = new ChatCompletionsServer(request =>
        {
            lock (prompts)
            {
                prompts.Add(request.Prompt);
            }

            return new ChatReply(Natives[0].Answer);
        });
        string parquet = run.File("captions.parquet");
        DuckDb.Query($"""
            COPY (SELECT '{run.Rows[0].Key}' AS key, 'cs' AS lang, 'batch-vlm' AS model, 'Starý kamenný most přes řeku za mlhavého rána.' AS text,
                         'fr' AS source_lang, 'Un vieux pont de pierre avec des statues.' AS description)
            TO '{parquet}' (FORMAT PARQUET)
            """);
        var options = new CaptionLayerOptions
        {
            Name = "v1",
            Paths = [parquet],
            MatchBy = CaptionMatch.Key,
            Fuse = new CaptionFusionOptions { Endpoint = server.Endpoint, Model = "test-llm", Prompt = "{description_language}: {description} | Alt: {alt}\n", MaxRetries = 0 },
        };

        await run.Layer(options, () => Identifier).RunAsync(run.Shards, 1, CancellationToken.None);

        Assert.Equal(["French: Un vieux pont de pierre avec des statues. | Alt: Karlův most přes Vltavu v ranní mlze\n"], prompts);
        Assert.Equal(
            [["mllm", null], ["fused", run.Rows[0].Key]],
            DuckDb.Query($"SELECT source, grounded_from FROM {Sql(run)} ORDER BY source DESC").Select(r => r.ToArray()));
    }

    private static List<string> Fused(LayerRun run) =>
        [.. DuckDb.Query($"SELECT key || ' ' || text FROM {Sql(run)} WHERE source = 'fused' ORDER BY key").Select(r => (string)r[0]!)];

    private static (string, string, string) Reason(JsonElement reject) =>
        (reject.GetProperty("reason").GetString()!, reject.GetProperty("kind").GetString()!, reject.GetProperty("lang").GetString()!);

    private static string Detail(JsonElement reject) => reject.GetProperty("detail").GetString()!;
}
