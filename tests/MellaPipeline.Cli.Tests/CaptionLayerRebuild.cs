using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// A caption layer lost after it was built (a crash before its marker): the same pipeline run again
/// rebuilds it; the layer's shards before and after, and the rerun's result, for a test to compare.
/// </summary>
internal static class CaptionLayerRebuild
{
    public static async Task<(SortedDictionary<string, string> Before, MellaResult Rerun, SortedDictionary<string, string> After)> RunAsync(
        string pipeline, string runDir, string layer)
    {
        static bool LayerShard(string path) => path.StartsWith("shards/captions-", StringComparison.Ordinal);
        var before = RunSnapshot.Of(runDir, LayerShard);
        File.Delete(Path.Combine(runDir, "completions", "captions-" + layer));
        File.Delete(Path.Combine(runDir, "summary.json"));
        var rerun = await MellaProcess.RunAsync(["run", pipeline, "--out", runDir]);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        return (before, rerun, RunSnapshot.Of(runDir, LayerShard));
    }
}
