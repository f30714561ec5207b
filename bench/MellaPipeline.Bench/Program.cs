using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Bench;
using MellaPipeline.Config;
using MellaPipeline.Parquet;

// Writes synthetic metadata rows through the real shard writer and reports throughput and peak memory.
//   dotnet run -c Release --project bench/MellaPipeline.Bench -- shard-write --rows 6800000 --tasks 2 --out /tmp/bench-shards
var arguments = BenchArguments.Parse(args);
if (arguments.Command == "langid-eval")
{
    return LangIdEvaluation.Run(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "langid"));
}

if (arguments.Command == "langid-parity")
{
    return LangIdParity.Run(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "langid"));
}

if (arguments.Command == "decoder-outcomes")
{
    return DecoderComparison.Outcomes(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "images-malformed"));
}

if (arguments.Command == "decoder-speed")
{
    return DecoderComparison.Speed(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "images-neardup"), arguments.Value("decoder") ?? "skiasharp", (int)arguments.Get("rounds", 5));
}

if (arguments.Command == "decoder-process")
{
    return DecoderComparison.Process(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "images-neardup"), arguments.Value("decoder") ?? "skiasharp",
        (int)arguments.Get("rounds", 5), (int)arguments.Get("size", 384), (int)arguments.Get("quality", 95));
}

if (arguments.Command == "phash-stages")
{
    return PhashStages.Run(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "images-neardup"), arguments.Value("decoder") ?? "skiasharp", (int)arguments.Get("rounds", 3));
}

if (arguments.Command == "reduce-stage")
{
    return await ReduceScale.StageAsync(arguments.Value("out") ?? Path.Combine(Path.GetTempPath(), "mella-bench-reduce"), arguments.Get("rows", 6_800_000), (int)arguments.Get("tasks", 2),
        arguments.Value("images"), arguments.Value("config"));
}

if (arguments.Command == "reduce")
{
    return await ReduceScale.ReduceAsync(arguments.Value("out") ?? Path.Combine(Path.GetTempPath(), "mella-bench-reduce"), (int)arguments.Get("tasks", 2), (int)arguments.Get("threshold", 6),
        arguments.Value("against"), arguments.Value("truth"), arguments.Value("captions") == "true");
}

if (arguments.Command == "decontaminate-hashes")
{
    return await ReduceScale.BenchmarkHashesAsync(arguments.Value("out") ?? Path.Combine(Path.GetTempPath(), "mella-bench-reduce"), (int)arguments.Get("tasks", 2),
        (int)arguments.Get("count", 1_000_000), (int)arguments.Get("planted", 10_000), arguments.Value("hashes") ?? "benchmark.tsv", arguments.Value("truth") ?? "planted.txt");
}

if (arguments.Command == "metric-speed")
{
    return MetricSpeed.Run(arguments.Value("dir") ?? ".", (int)arguments.Get("rounds", 3), arguments.Value("matching") ?? "exact", (int)arguments.Get("threads", 1));
}

if (arguments.Command == "neardup-eval")
{
    return NearDupEvaluation.Run(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "images-neardup"));
}

if (arguments.Command == "dedup-hashes")
{
    return DedupHashes.Generate(arguments.Get("count", 6_800_000), (int)arguments.Get("threshold", 8),
        arguments.Value("out") ?? "hashes.tsv", arguments.Value("truth") ?? "truth.tsv");
}

if (arguments.Command == "cluster-windows")
{
    return WindowClustering.Run((int)arguments.Get("rows", 6_800_000), (int)arguments.Get("threshold", 6), (int)arguments.Get("rounds", 1));
}

if (arguments.Command == "dedup-verify")
{
    return DedupHashes.Verify(arguments.Value("truth") ?? "truth.tsv", arguments.Value("result") ?? "dedup.jsonl");
}

if (arguments.Command == "charset-eval")
{
    return CharsetEvaluation.Run(arguments);
}

if (arguments.Command == "extract-throughput")
{
    return ExtractThroughput.Run(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "html-multilingual"), (int)arguments.Get("rounds", 20), (int)arguments.Get("threads", 1),
        arguments.Value("language-id") != "false");
}

if (arguments.Command == "serve-urls")
{
    return await UrlListServer.RunAsync(arguments.Value("photos") ?? ".", arguments.Value("pages"), (int)arguments.Get("port", 8080), (int)arguments.Get("hosts", 8), (int)arguments.Get("latency-ms", 0));
}

if (arguments.Command == "fusion-endpoint")
{
    return await FusionEndpoint.RunAsync(arguments.Value("answers"), (int)arguments.Get("port", 0), (int)arguments.Get("delay-ms", 0));
}

if (arguments.Command == "image-process")
{
    return UrlFlowBenchmark.ProcessOnly(arguments.Value("photos") ?? ".", (int)arguments.Get("rounds", 5));
}

if (arguments.Command == "url-flow")
{
    return await UrlFlowBenchmark.RunAsync(arguments.Value("urls") ?? "urls.tsv", arguments.Value("mode") ?? "self-limited", (int)arguments.Get("concurrency", 128),
        (int)arguments.Get("per-host", 16), (int)arguments.Get("hosts", 8), double.Parse(arguments.Value("hot") ?? "0", CultureInfo.InvariantCulture), arguments.Value("process") != "false");
}

if (arguments.Command == "laion-urls")
{
    var list = new LaionUrlList(CaptionPools.Load(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "langid")), (int)arguments.Get("seed", 16));
    var figures = await list.WriteAsync(arguments.Value("out") ?? "laion.parquet", arguments.Get("rows", 6_800_000), arguments.Get("row-group-rows", LaionUrlList.DefaultRowGroupRows));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"rows={figures.Rows} row_groups={figures.RowGroups} bytes={figures.Bytes} hosts={figures.DistinctHosts} target_language_rows={figures.TargetRows} repeats={figures.Repeats} wrong_labels={figures.WrongLabels} empty_urls={figures.EmptyUrls} ftp_urls={figures.FtpUrls} null_captions={figures.NullCaptions} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
    return 0;
}

if (arguments.Command == "decontaminate")
{
    string? blocks = arguments.Value("blocks");
    return DecontaminateScale.Run((int)arguments.Get("references", 1_000_000), (int)arguments.Get("rows", 6_800_000), (int)arguments.Get("threshold", 10),
        (int)arguments.Get("planted", 10_000), blocks is null ? null : int.Parse(blocks, CultureInfo.InvariantCulture));
}

if (arguments.Command == "parquet-read")
{
    return await ParquetReadMemory.RunAsync(arguments.Value("file") ?? "laion.parquet", (arguments.Value("columns") ?? "URL,TEXT,LANGUAGE").Split(','));
}

if (arguments.Command == "caption-dedup-eval")
{
    return CaptionDedupBenchmark.Evaluate(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "langid"));
}

if (arguments.Command == "caption-dedup-scale")
{
    return CaptionDedupBenchmark.Scale(arguments.Value("data") ?? Path.Combine("..", "shared", "data", "langid"), (int)arguments.Get("rows", 1_000_000));
}

if (arguments.Command != "shard-write")
{
    Console.Error.WriteLine("usage: MellaPipeline.Bench shard-write [--rows N] [--tasks N] [--rows-per-image N] [--compression zstd|snappy] [--out DIR]");
    Console.Error.WriteLine("       MellaPipeline.Bench langid-eval [--data ../shared/data/langid]");
    Console.Error.WriteLine("       MellaPipeline.Bench metric-speed --dir DIR [--rounds 3] [--matching exact|stem] [--threads 1]");
    Console.Error.WriteLine("       MellaPipeline.Bench neardup-eval [--data ../shared/data/images-neardup]");
    Console.Error.WriteLine("       MellaPipeline.Bench reduce-stage [--rows 6800000] [--tasks 2] [--images DIR] [--config config.json] [--out DIR]; then reduce [--tasks 2] [--threshold 6] [--captions true] [--out DIR]");
    Console.Error.WriteLine("       MellaPipeline.Bench decoder-outcomes [--data ../shared/data/images-malformed]");
    Console.Error.WriteLine("       MellaPipeline.Bench decoder-speed --decoder skiasharp|imagesharp|vips [--data ../shared/data/images-neardup] [--rounds 5]");
    Console.Error.WriteLine("       MellaPipeline.Bench phash-stages --decoder skiasharp|imagesharp|vips [--data DIR] [--rounds 3]");
    Console.Error.WriteLine("       MellaPipeline.Bench decoder-process --decoder skiasharp|imagesharp|vips [--data ../shared/data/images-neardup] [--rounds 5] [--size 384] [--quality 95]");
    Console.Error.WriteLine("       MellaPipeline.Bench dedup-hashes [--count 6800000] [--threshold 8] [--out hashes.tsv] [--truth truth.tsv]");
    Console.Error.WriteLine("       MellaPipeline.Bench dedup-verify --truth truth.tsv --result dedup.jsonl");
    Console.Error.WriteLine("       MellaPipeline.Bench cluster-windows [--rows 6800000] [--threshold 6] [--rounds 1]");
    Console.Error.WriteLine("       MellaPipeline.Bench serve-urls --photos DIR [--pages DIR] [--port 8080] [--hosts 8] [--latency-ms 0]   (until stdin closes)");
    Console.Error.WriteLine("       MellaPipeline.Bench fusion-endpoint [--answers FILE.jsonl] [--port 0 = any free] [--delay-ms 0]   (OpenAI-compatible, 127.0.0.1; until stdin closes)");
    Console.Error.WriteLine("       MellaPipeline.Bench image-process --photos DIR [--rounds 5]");
    Console.Error.WriteLine("       MellaPipeline.Bench url-flow --urls urls.tsv [--mode self-limited|fixed] [--concurrency 128] [--per-host 16] [--hosts 8] [--hot 0.5] [--process false]");
    Console.Error.WriteLine("       MellaPipeline.Bench laion-urls [--rows 6800000] [--row-group-rows 1048576, 0 = one group] [--seed 16] [--data ../shared/data/langid] [--out laion.parquet]");
    Console.Error.WriteLine("       MellaPipeline.Bench decontaminate-hashes --out STAGED_RUN [--tasks 2] [--count 1000000] [--planted 10000] [--hashes benchmark.tsv] [--truth planted.txt]; then reduce --against benchmark.tsv --truth planted.txt");
    Console.Error.WriteLine("       MellaPipeline.Bench decontaminate [--references 1000000] [--rows 6800000] [--threshold 10] [--planted 10000] [--blocks 3..6]");
    Console.Error.WriteLine("       MellaPipeline.Bench caption-dedup-eval [--data ../shared/data/langid]; caption-dedup-scale [--rows 1000000] [--data ../shared/data/langid]");
    Console.Error.WriteLine("       MellaPipeline.Bench parquet-read --file laion.parquet [--columns URL,TEXT,LANGUAGE]");
    Console.Error.WriteLine("       MellaPipeline.Bench extract-throughput [--data ../shared/data/html-multilingual] [--rounds 20] [--threads 1] [--language-id true|false]");
    return 2;
}

long rows = arguments.Get("rows", 6_800_000);
int tasks = (int)arguments.Get("tasks", 2);
int rowsPerImage = (int)arguments.Get("rows-per-image", 1);
var compression = Enum.Parse<ShardCompression>(arguments.Value("compression") ?? "zstd", ignoreCase: true);
bool generateOnly = arguments.Value("generate-only") == "true";
string outDir = arguments.Value("out") ?? Path.Combine(Path.GetTempPath(), "mella-bench-shards");
if (Directory.Exists(outDir))
{
    Directory.Delete(outDir, recursive: true);
}

Directory.CreateDirectory(outDir);
var output = new OutputOptions { Compression = compression };
var clock = Stopwatch.StartNew();
var results = await Task.WhenAll(Enumerable.Range(0, tasks).Select(rank => Task.Run(async () =>
{
    long begin = rows * rank / tasks, end = rows * (rank + 1) / tasks;
    var synthetic = new SyntheticRows(seed: rank, rowsPerImage);
    await using var writer = new ParquetShardWriter(new ShardWriterOptions(outDir, rank, output, "bench"));
    for (long i = begin; i < end; i++)
    {
        var row = synthetic.Next(i);
        if (!generateOnly)
        {
            await writer.WriteAsync(row, default);
        }
    }

    await writer.CompleteAsync(default);
    return writer.Shards;
})));
clock.Stop();


var shards = results.SelectMany(s => s).ToArray();
long written = shards.Sum(s => s.Rows);
long bytes = shards.Sum(s => s.Bytes);
var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv, $"rows={written} tasks={tasks} compression={compression.ToString().ToLowerInvariant()} shards={shards.Length} bytes={bytes}"));
Console.WriteLine(string.Create(inv, $"seconds={clock.Elapsed.TotalSeconds:F1} rows_per_second={written / clock.Elapsed.TotalSeconds:F0} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
Console.WriteLine(string.Create(inv,
    $"gc_collections={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} gc_pause_seconds={GC.GetTotalPauseDuration().TotalSeconds:F1} allocated_gb={GC.GetTotalAllocatedBytes() / 1e9:F1}"));
return written == rows || generateOnly ? 0 : 1;

/// <summary><c>COMMAND --name value ...</c></summary>
internal sealed record BenchArguments(string? Command, Dictionary<string, string> Options)
{
    public static BenchArguments Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return new BenchArguments(args.Length > 0 ? args[0] : null, options);
    }

    public string? Value(string name) => Options.GetValueOrDefault(name);

    public long Get(string name, long fallback) =>
        Options.TryGetValue(name, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
