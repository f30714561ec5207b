using System.Security.Cryptography;
using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// Captions generated on demand by a real <c>mella run</c> against an OpenAI-compatible server on
/// 127.0.0.1: describe each image once, translate into each of its native languages, cache every
/// answer, and turn 429s, 500s, timeouts and malformed answers into retries or rejects.
/// </summary>
public class CaptionGenerationTests
{
    private static readonly Dictionary<string, string> Translations = new(StringComparer.Ordinal)
    {
        ["Czech"] = "Na fotografii je starý kamenný most přes řeku a v pozadí věže historického města.",
        ["Russian"] = "На фотографии старый каменный мост через реку, а вдали видны башни исторического города.",
        ["Korean"] = "사진에는 강을 가로지르는 오래된 돌다리와 멀리 역사적인 도시의 탑들이 보인다.",
        ["Vietnamese"] = "Bức ảnh cho thấy một cây cầu đá cổ bắc qua sông và những ngọn tháp của thành phố cổ ở phía xa.",
        ["Thai"] = "The photo shows an old stone bridge over a river.", // a translation that came back untranslated
    };

    /// <summary>Four photos: 0 has Czech and Korean captions, 1 Russian, 2 Thai, 3 Vietnamese.</summary>
    private static (string Pairs, string[] Sha256) WritePairs(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        var shas = new string[4];
        for (int i = 0; i < 4; i++)
        {
            byte[] png = SyntheticPng.Create(120, 90, 700 + i);
            File.WriteAllBytes(Path.Combine(folder, "images", $"p{i}.png"), png);
            shas[i] = Convert.ToHexStringLower(SHA256.HashData(png));
        }

        (int Image, string Lang, string Text)[] natives =
        [
            (0, "cs", "Karlův most v ranní mlze"), (0, "ko", "안개 낀 아침의 카를교"), (1, "ru", "Каменный мост в утреннем тумане"),
            (2, "th", "สะพานหินเก่าข้ามแม่น้ำยามเช้า"), (3, "vi", "Cây cầu đá cổ trong sương sớm"),
        ];
        string path = Path.Combine(folder, "pairs.jsonl");
        File.WriteAllLines(path, natives.Select((n, i) => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["image_path"] = $"images/p{n.Image}.png", ["url"] = $"https://img.example/{i}.jpg", ["lang"] = n.Lang, ["text"] = n.Text,
        })));
        return (path, shas);
    }

    private static string Pipeline(string folder, string pairs, string endpoint, string retries = "max_retries: 2") =>
        PairsInput.WritePipeline(folder, pairs, tasks: 2, shardMaxRows: 4, extra: $"""
            captions:
              - name: gen
                generate:
                  endpoint: {endpoint}
                  model: test-vlm
                  prompt_id: describe-v1
                  translate_model: test-mt
                  concurrency: 2
                  {retries}
            """);

    private static ChatReply Answer(ChatRequest request)
    {
        if (request.ImageSha256 is not null)
        {
            return new ChatReply("The photo shows an old stone bridge over a river with towers of a historic town behind it.");
        }

        string language = Translations.Keys.First(name => request.Prompt.Contains($"into {name}", StringComparison.Ordinal));
        return new ChatReply(Translations[language]);
    }

    [Fact]
    public async Task Each_image_is_described_once_translated_into_its_languages_and_never_asked_again()
    {
        using var dir = new TempDir();
        var (pairs, _) = WritePairs(dir.Path);
        await using var server = new ChatCompletionsServer(Answer);
        string pipeline = Pipeline(dir.Path, pairs, server.Endpoint);
        string runDir = dir.File("run");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(4 + 5, server.Requests); // 4 descriptions, 5 translations
        var rows = DuckDb.Query($"SELECT lang, text, caption_model, caption_translator, caption_prompt_id, caption_source_lang FROM {DuckDb.Shards(runDir)} WHERE source = 'mllm' ORDER BY lang");
        Assert.Equal(["cs", "ko", "ru", "vi"], rows.Select(r => (string)r[0]!).ToArray());
        Assert.All(rows, r => Assert.Equal(("test-vlm", "test-mt", "describe-v1", "en"), ((string)r[2]!, (string)r[3]!, (string)r[4]!, (string)r[5]!)));
        Assert.Equal(Translations["Korean"], rows[1][1]);
        var thai = Assert.Single(File.ReadAllLines(Path.Combine(runDir, "rejects", "captions-gen.jsonl")));
        Assert.Contains("\"reason\":\"caption_lang_mismatch\"", thai, StringComparison.Ordinal);

        // The layer is lost (a crash before its marker): rebuilding it asks the endpoint nothing, and gives the same rows.
        var (before, resumed, after) = await CaptionLayerRebuild.RunAsync(pipeline, runDir, "gen");
        Assert.Equal(9, server.Requests);
        Assert.Equal(before, after);
        Assert.Contains("0 requests sent", resumed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limits_are_waited_out_and_server_errors_timeouts_and_malformed_answers_become_rejects()
    {
        using var dir = new TempDir();
        var (pairs, shas) = WritePairs(dir.Path);
        int limited = 0;
        await using var server = new ChatCompletionsServer(request =>
        {
            if (request.ImageSha256 == shas[0] && Interlocked.Increment(ref limited) == 1)
            {
                return new ChatReply(null, Status: 429, Headers: new Dictionary<string, string> { ["Retry-After"] = "1" });
            }

            if (request.ImageSha256 == shas[1])
            {
                return new ChatReply(null, Status: 500);
            }

            if (request.ImageSha256 == shas[2])
            {
                return new ChatReply("too late", Delay: TimeSpan.FromSeconds(5));
            }

            if (request.ImageSha256 == shas[3])
            {
                return new ChatReply(null, RawBody: "{\"choices\": [ {\"message\": ");
            }

            return Answer(request);
        });
        string pipeline = Pipeline(dir.Path, pairs, server.Endpoint, "max_retries: 1\n      timeout_seconds: 1");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run")]);

        // 3 of 10 records failed (5 pairs lines; 2 captions and 3 failed images in the layer): over the 25 % budget, so exit 1, everything written.
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("failure budget exceeded", result.Stderr, StringComparison.Ordinal);
        var rejects = File.ReadAllLines(dir.File("run/rejects/captions-gen.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => r.GetProperty("origin").GetString()!.Split(':')[1], r => r);
        Assert.Equal(("caption_endpoint_http_500", true), Reason(rejects[shas[1][..16]]));
        Assert.Equal(("caption_endpoint_timeout", true), Reason(rejects[shas[2][..16]]));
        Assert.Equal("caption_endpoint_invalid_response", Reason(rejects[shas[3][..16]]).Item1);
        Assert.StartsWith("the answer is not", rejects[shas[3][..16]].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["cs", "ko"], DuckDb.Query($"SELECT lang FROM {DuckDb.Shards(dir.File("run"))} WHERE source = 'mllm' ORDER BY lang").Select(r => (string)r[0]!).ToArray());
        Assert.Equal(2, limited); // the 429, then the retry that succeeded
    }

    private static (string, bool) Reason(JsonElement reject) => (reject.GetProperty("reason").GetString()!, reject.GetProperty("transient").GetBoolean());
}
