using MellaPipeline.Datasets.Coverage;
using MellaPipeline.Datasets.Splits;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Datasets.Tests;

/// <summary>What <c>mella split</c> and <c>mella coverage</c> call before and around the real work, run in-process.</summary>
public class SplitAndCoverageEntryPointTests
{
    [Fact]
    public void A_split_folder_is_created_or_emptied_of_an_earlier_split_only()
    {
        using var dir = new TempDir();
        string fresh = dir.File("fresh");
        string earlier = dir.File("earlier");
        Directory.CreateDirectory(Path.Combine(earlier, DatasetSplitter.TrainFolder));
        File.WriteAllText(Path.Combine(earlier, SplitSummary.FileName), "{}");
        File.WriteAllText(dir.File("file"), "");

        Assert.Null(SplitOutputFolder.Prepare(fresh, overwrite: false));
        Assert.True(Directory.Exists(fresh));
        Assert.Equal("is a file", SplitOutputFolder.Prepare(dir.File("file"), overwrite: true));
        Assert.Equal("not empty (--overwrite replaces an earlier split)", SplitOutputFolder.Prepare(earlier, overwrite: false));
        Assert.Null(SplitOutputFolder.Prepare(earlier, overwrite: true));
        Assert.Empty(Directory.EnumerateFileSystemEntries(earlier));
    }

    [Fact]
    public void A_folder_holding_anything_else_is_not_emptied()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File(DatasetSplitter.EvalFolder));
        File.WriteAllText(dir.File("notes.txt"), "mine");

        Assert.Equal("holds notes.txt, which is not a split's; not removing it", SplitOutputFolder.Prepare(dir.Path, overwrite: true));
        Assert.True(File.Exists(dir.File("notes.txt")));
        Assert.True(Directory.Exists(dir.File(DatasetSplitter.EvalFolder)));
    }

    [Fact]
    public async Task A_split_of_a_missing_dataset_is_refused_before_its_folder_is_made()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        bool shown = false;

        var job = await SplitJob.RunAsync(dir.File("none"), outDir, new SplitSettings(10, null, 0, SplitGrouping.Cluster, Sft: false), overwrite: false,
            _ => { shown = true; return new NothingToDispose(); }, CancellationToken.None);

        Assert.Null(job.Summary);
        Assert.Null(job.OutputProblem);
        Assert.StartsWith(dir.File("none"), job.DatasetProblem);
        Assert.False(Directory.Exists(outDir));
        Assert.False(shown);
    }

    [Fact]
    public async Task Coverage_names_a_missing_targets_file_or_dataset()
    {
        using var dir = new TempDir();
        var targets = new FileInfo(dir.File("targets.yaml"));

        var (noTargets, _, targetsProblem) = await CoverageRun.RunAsync(dir.Path, targets, 0, page: false, CancellationToken.None);
        var (noDataset, _, datasetProblem) = await CoverageRun.RunAsync(dir.File("none"), null, 0, page: true, CancellationToken.None);

        Assert.Null(noTargets);
        Assert.Equal($"--targets {targets}: no such file", targetsProblem);
        Assert.Null(noDataset);
        Assert.StartsWith(dir.File("none"), datasetProblem);
    }

    private sealed class NothingToDispose : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
