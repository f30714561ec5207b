using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// A caption layer's fuse step in a real <c>mella run</c> against an OpenAI-compatible server on
/// 127.0.0.1: each native row's alt text and its image's description (a caption file's
/// <c>description</c> field) become one <c>fused</c> row grounded on that native row; answers are
/// cached, so a rerun asks nothing, and recorded answers alone need no endpoint.
/// </summary>
public class FusionRunTests
{
    /// <summary>Three photos with a native caption each, and what the fusion model answers for each alt text.</summary>
    private static readonly (string Lang, string Alt, string Description, string Translation, string Fused)[] Photos =
    [
        ("cs", "Karlův most přes Vltavu v ranní mlze",
            "An old stone bridge with statues crosses a wide river on a foggy morning; towers of a historic town stand behind it.",
            "Starý kamenný most se sochami vede přes širokou řeku za mlhavého rána.",
            "Karlův most přes Vltavu v ranní mlze, se sochami na kamenném zábradlí a věžemi starého města v pozadí."),
        ("ru", "Храм Василия Блаженного на Красной площади зимой",
            "A colourful church with onion domes stands on a wide snowy square under a grey sky; people walk in front of it.",
            "Пёстрая церковь с луковичными куполами стоит на заснеженной площади под серым небом.",
            "Храм Василия Блаженного на Красной площади зимой: пёстрые луковичные купола под серым небом и прохожие на заснеженной площади."),
        ("th", "ตลาดน้ำดำเนินสะดวกในตอนเช้า",
            "Wooden boats loaded with fruit and vegetables crowd a narrow canal in the morning; vendors in straw hats paddle them.",
            "เรือไม้บรรทุกผลไม้และผักแน่นคลองแคบในตอนเช้า",
            "ตลาดน้ำดำเนินสะดวกในตอนเช้า มีเรือไม้บรรทุกผลไม้และผักแน่นคลองแคบ แม่ค้าสวมหมวกงอบพายเรือ"),
    ];

    private static string WriteInputs(string folder) =>
        FusionInputs.Write(folder, [.. Photos.Select(p => (p.Lang, p.Alt, p.Description, p.Translation))], imageSeed: 900);

    private static string Pipeline(string folder, string endpoint, string extra = "") =>
        PairsInput.WritePipeline(folder, WriteInputs(folder), tasks: 2, shardMaxRows: 4, extra: $"""
            captions:
              - name: grounded
                paths: [captions.jsonl]
                fuse:
                  endpoint: {endpoint}
                  model: test-llm
                  prompt_id: fuse-test
                  concurrency: 2
                  max_retries: 0
                  {extra}
            """);

    private static ChatReply Fuse(ChatRequest request) =>
        new(Photos.Single(p => request.Prompt.Contains($": {p.Alt}\n", StringComparison.Ordinal)).Fused);

    [Fact]
    public async Task Each_native_row_gets_a_fused_row_grounded_on_it_and_a_rerun_asks_nothing()
    {
        using var dir = new TempDir();
        await using var server = new ChatCompletionsServer(Fuse);
        string pipeline = Pipeline(dir.Path, server.Endpoint);
        string runDir = dir.File("run");

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, server.Requests);
        var natives = DuckDb.Query($"SELECT key, sha256, lang FROM {DuckDb.Shards(runDir)} WHERE source = 'native' ORDER BY lang");
        var fused = DuckDb.Query(
            $"SELECT grounded_from, sha256, lang, text, script, caption_model, caption_prompt_id, caption_source_lang, caption_translator FROM {DuckDb.Shards(runDir)} WHERE source = 'fused' ORDER BY lang");
        Assert.Equal(3, fused.Count);
        for (int i = 0; i < 3; i++)
        {
            var photo = Photos.Single(p => p.Lang == (string)fused[i][2]!);
            Assert.Equal(new object?[] { natives[i][0], natives[i][1], photo.Lang, photo.Fused }, fused[i][..4]);
            Assert.Equal(new object?[] { "test-llm", "fuse-test", photo.Lang, null }, fused[i][5..]);
        }

        Assert.Equal(["Cyrl", "Latn", "Thai"], fused.Select(r => (string)r[4]!).Order(StringComparer.Ordinal).ToArray());
        var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(runDir, "reduce", "captions-grounded.json"))).RootElement;
        var usage = summary.GetProperty("fuse_usage");
        Assert.Equal((3, 3 * 12, 3 * 34), (usage.GetProperty("requests").GetInt64(), usage.GetProperty("prompt_tokens").GetInt64(), usage.GetProperty("completion_tokens").GetInt64()));
        Assert.Contains("fuse: 3 requests sent to the endpoint, 36 prompt and 102 completion tokens", result.Stderr, StringComparison.Ordinal);

        // The layer is lost (a crash before its marker): rebuilding it asks the endpoint nothing and writes the same rows.
        var (before, rerun, after) = await CaptionLayerRebuild.RunAsync(pipeline, runDir, "grounded");
        Assert.Equal(3, server.Requests);
        Assert.Equal(before, after);
        Assert.Contains("fuse: 0 requests sent", rerun.Stderr, StringComparison.Ordinal);

        // The run's answer cache shipped as recorded answers: a fresh run against a closed port gives the same fused rows.
        using var fresh = new TempDir();
        File.Copy(Path.Combine(runDir, "cache", "fuse-grounded.jsonl"), fresh.File("answers.jsonl"));
        string offline = Pipeline(fresh.Path, $"http://127.0.0.1:{ClosedPort()}/v1", "answers: [answers.jsonl]");
        var replayed = await MellaProcess.RunAsync(["run", offline, "--out", fresh.File("run")]);
        Assert.True(replayed.ExitCode == 0, replayed.ToString());
        Assert.Contains("fuse: 0 requests sent", replayed.Stderr, StringComparison.Ordinal);
        Assert.Equal(
            fused.Select(r => (string)r[3]!).Order(StringComparer.Ordinal),
            DuckDb.Query($"SELECT text FROM {DuckDb.Shards(fresh.File("run"))} WHERE source = 'fused'").Select(r => (string)r[0]!).Order(StringComparer.Ordinal));
        Assert.Equal(3, server.Requests);
    }

    [Theory]
    [InlineData("", "captions[0].fuse")] // nothing to take descriptions from
    [InlineData("paths: [captions.jsonl]", "captions[0].fuse.min_entity_share", "min_entity_share: 2")]
    [InlineData("paths: [captions.jsonl]", "captions[0].fuse.answers: a folder", "answers: [images]")]
    public async Task A_misused_fuse_key_is_exit_2_naming_it_before_anything_is_written(string descriptions, string key, string setting = "")
    {
        using var dir = new TempDir();
        string pairs = WriteInputs(dir.Path);
        string pipeline = PairsInput.WritePipeline(dir.Path, pairs, tasks: 1, shardMaxRows: 4, extra: $"""
            captions:
              - name: grounded
                {descriptions}
                fuse:
                  endpoint: http://127.0.0.1:9/v1
                  model: test-llm
                  {setting}
            """);

        var result = await MellaProcess.RunAsync(["run", pipeline, "--out", dir.File("run")]);

        Assert.True(result.ExitCode == 2, result.ToString());
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("run")));
    }

    /// <summary>A loopback port nothing listens on: bound once by the system's choice, then released.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
