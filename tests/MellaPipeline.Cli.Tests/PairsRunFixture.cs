using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>A real run over a pairs input with PNG images, made once for a test class: its tasks and shard size make several shards.</summary>
public abstract class PairsRunFixture : IDisposable
{
    protected PairsRunFixture(int pairs, int distinctImages, int hosts = 0)
    {
        string input = PairsInput.Write(Dir.Path, pairs, distinctImages, hosts: hosts);
        string pipeline = PairsInput.WritePipeline(Dir.Path, input, tasks: 2, shardMaxRows: 25);
        var result = MellaProcess.RunAsync(["run", pipeline, "--out", RunDir]).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("run failed: " + result);
        }
    }

    public TempDir Dir { get; } = new();

    public string RunDir => Dir.File("run");

    public void Dispose() => Dir.Dispose();
}
