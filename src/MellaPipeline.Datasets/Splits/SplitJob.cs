using MellaPipeline.Parquet;
using MellaPipeline.Runs;

namespace MellaPipeline.Datasets.Splits;

/// <summary>What <c>mella split</c> did: the summary, or why the dataset or the output folder was refused (then nothing is left behind).</summary>
public sealed record SplitJob(SplitSummary? Summary, string? DatasetProblem, string? OutputProblem)
{
    /// <summary>
    /// Finds the dataset's shards before the output folder is created or emptied (a refused split leaves nothing
    /// behind), prepares the folder (<see cref="SplitOutputFolder"/>) and splits, showing progress through
    /// <paramref name="showProgress"/>. A shard found broken only while it is read takes the folder this job made with it.
    /// </summary>
    public static async Task<SplitJob> RunAsync(string dataset, string outDir, SplitSettings settings, bool overwrite,
        Func<RunProgress, IAsyncDisposable> showProgress, CancellationToken cancellationToken)
    {
        int shardCount;
        try
        {
            shardCount = ShardReader.FindShards(dataset).Count;
        }
        catch (Exception e) when (Datasets.DatasetProblem.Is(e))
        {
            return new SplitJob(null, Datasets.DatasetProblem.Describe(dataset, e), null);
        }

        bool created = !Directory.Exists(outDir);
        if (SplitOutputFolder.Prepare(outDir, overwrite) is { } refusal)
        {
            return new SplitJob(null, null, refusal);
        }

        try
        {
            var progress = new RunProgress(shardCount, 0);
            await using (showProgress(progress))
            {
                return new SplitJob(await DatasetSplitter.SplitAsync(dataset, outDir, settings, progress, cancellationToken), null, null);
            }
        }
        catch (Exception e) when (Datasets.DatasetProblem.Is(e))
        {
            if (created)
            {
                Directory.Delete(outDir, recursive: true);
            }

            return new SplitJob(null, Datasets.DatasetProblem.Describe(dataset, e), null);
        }
    }
}
