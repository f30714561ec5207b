using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.LanguageId;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MellaPipeline.Captions.Tests;

/// <summary>A finished run's native rows in real shards of a run folder, and caption layers built over them in-process.</summary>
internal sealed class LayerRun(TempDir dir, RunDirectory directory, PairRecord[] rows, IReadOnlyList<ShardInfo> shards) : IDisposable
{
    public RunDirectory Directory { get; } = directory;

    public PairRecord[] Rows { get; } = rows;

    public IReadOnlyList<ShardInfo> Shards { get; } = shards;

    public static async Task<LayerRun> CreateAsync(PairRecord[] rows, int shardMaxRows)
    {
        var dir = new TempDir();
        var run = new RunDirectory(dir.File("run"));
        run.Create();
        System.IO.Directory.CreateDirectory(run.ReduceDir); // made by the near-duplicate reduce, which always runs before the layers
        return new LayerRun(dir, run, rows, await DatasetShards.WriteAsync(run.ShardsDir, rows, shardMaxRows));
    }

    /// <param name="identifier">The layer's language ID; without it, a layer that asks for one fails the test.</param>
    /// <param name="time">The fuse endpoint's clock.</param>
    public CaptionLayer Layer(CaptionLayerOptions options, Func<LanguageIdentifier>? identifier = null, TimeProvider? time = null) =>
        new(options, new ShardedDataset("test", new OutputOptions(), "none"), ["ar", "cs", "hu", "ko", "ru", "sr", "th", "vi"], Directory,
            identifier ?? (() => throw new InvalidOperationException("language ID is off")), NullLogger.Instance, time: time);

    /// <summary>A path in the test's folder, beside the run.</summary>
    public string File(string name) => dir.File(name);

    /// <summary>Writes <c>captions.jsonl</c>: each line a string as it is, or an object as JSON.</summary>
    public string WriteCaptions(params object[] lines)
    {
        string path = dir.File("captions.jsonl");
        System.IO.File.WriteAllLines(path, lines.Select(l => l as string ?? JsonSerializer.Serialize(l)));
        return path;
    }

    public List<JsonElement> Rejects(string layer) =>
        [.. System.IO.File.ReadAllLines(Directory.CaptionRejectsPath(layer)).Select(l => JsonDocument.Parse(l).RootElement)];

    /// <summary>DuckDB's <c>read_parquet</c> over the layer's shards.</summary>
    public string Sql(string layer) => DatasetShards.Sql(Directory.ShardsDir, RunDirectory.CaptionShardPrefix(layer) + "*.parquet");

    public void Dispose() => dir.Dispose();
}
