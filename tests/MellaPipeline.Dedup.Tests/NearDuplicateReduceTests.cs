using MellaPipeline.Config;
using MellaPipeline.Runs;
using MellaPipeline.Stages;

namespace MellaPipeline.Dedup.Tests;

public class NearDuplicateReduceTests
{
    private const ulong PhotoA = 0x0f0f_0f0f_0f0f_0f0fUL;
    private const ulong PhotoB = 0xf0f0_f0f0_1234_5678UL;

    /// <summary>
    /// Rows 1–3 show photo A (3 is a one-bit variant, 2 a larger copy), row 4 photo A in Thai,
    /// row 5 photo B: with threshold 4, rows 1–4 are one cluster; per language, row 2 is kept for
    /// Russian (largest image), row 4 for Thai, row 5 alone.
    /// </summary>
    private static Records.PairRecord[] FiveRows() =>
    [
        StagedRun.Row(1, PhotoA),
        StagedRun.Row(2, PhotoA, side: 200),
        StagedRun.Row(3, PhotoA ^ 1),
        StagedRun.Row(4, PhotoA ^ 2, lang: "th", text: "วัดอรุณราชวราราม"),
        StagedRun.Row(5, PhotoB),
    ];

    private static string Key(int id) => id.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The cluster id rows 1–4 share: the smallest SHA-256 prefix among their images (row 1's).</summary>
    private static readonly string ClusterOfA = StagedRun.Row(1, PhotoA).Sha256![..16];

    [Fact]
    public async Task Near_duplicates_keep_the_largest_image_per_language_and_name_the_cluster_by_its_smallest_image_hash()
    {
        using var staged = await StagedRun.StageAsync(StagedRun.OptionsWith(), FiveRows());

        var stats = await staged.ReduceAllAsync();

        var rows = await staged.FinalClustersAsync();
        Assert.Equal([Key(2), Key(4), Key(5)], rows.Keys);
        Assert.Equal(ClusterOfA, rows[Key(2)]);
        Assert.Equal(ClusterOfA, rows[Key(4)]);
        Assert.Equal(StagedRun.Row(5, PhotoB).Sha256![..16], rows[Key(5)]);
        var rejects = staged.Rejects();
        Assert.Equal([Key(1), Key(3)], rejects.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.All(rejects, r => Assert.Equal((ReasonCodes.ImageNearDuplicate, NearDuplicateReduce.StageName), (r.Reason, r.Stage)));
        Assert.All(rejects, r => Assert.EndsWith("kept " + Key(2), r.Detail));
        Assert.Equal((5L, 3L, 2L), (stats[0].InputRecords, stats[0].Rows, stats[0].Dropped));
        Assert.Equal(2, stats[0].Reasons[ReasonCodes.ImageNearDuplicate]);
        Assert.False(Directory.Exists(staged.Run.StagingDir));
    }

    [Fact]
    public async Task Keep_all_keeps_every_row_under_its_cluster()
    {
        using var staged = await StagedRun.StageAsync(StagedRun.OptionsWith(keep: NearDuplicateKeep.All), FiveRows());

        await staged.ReduceAllAsync();

        var rows = await staged.FinalClustersAsync();
        Assert.Equal(5, rows.Count);
        Assert.Equal(4, rows.Values.Count(c => c == ClusterOfA));
        Assert.Empty(staged.Rejects());
    }

    [Fact]
    public async Task Cluster_ids_and_kept_rows_do_not_depend_on_the_number_of_tasks_or_the_row_order()
    {
        var rows = FiveRows();
        using var one = await StagedRun.StageAsync(StagedRun.OptionsWith(), rows);
        using var three = await StagedRun.StageAsync(StagedRun.OptionsWith(), [rows[4], rows[2]], [rows[3]], [rows[1], rows[0]]);

        await StagedRun.AssertSameReduceAsync(one, three);
    }

    [Fact]
    public async Task A_key_staged_twice_gives_one_row_and_a_duplicate_pair_reject_naming_the_task_that_kept_it()
    {
        var options = StagedRun.OptionsWith();
        options.Enabled = false;
        using var staged = await StagedRun.StageAsync(options, [StagedRun.Row(1, PhotoA), StagedRun.Row(5, PhotoB)], [StagedRun.Row(1, PhotoA), StagedRun.Row(1, PhotoA)]);

        var stats = await staged.ReduceAllAsync();

        var rows = await staged.FinalClustersAsync();
        Assert.Equal([Key(1), Key(5)], rows.Keys);
        var rejects = staged.Rejects();
        Assert.Equal(2, rejects.Count);
        Assert.All(rejects, r => Assert.Equal((Key(1), ReasonCodes.DuplicatePair), (r.Key, r.Reason)));
        Assert.All(rejects, r => Assert.Equal("same key in task 00000, kept there", r.Detail));
        Assert.Equal((0L, 2L), (stats[1].Rows, stats[1].Dropped));
        Assert.Equal(2L, (await staged.Reduce().ClusterAsync(2, CancellationToken.None)).RepeatedKeys);
    }

    [Fact]
    public async Task An_interrupted_filter_is_redone_from_scratch_and_a_finished_one_is_skipped()
    {
        using var staged = await StagedRun.StageAsync(StagedRun.OptionsWith(), FiveRows()[..3], FiveRows()[3..]);
        var reduce = staged.Reduce();
        await reduce.ClusterAsync(2, CancellationToken.None);
        var first = await reduce.FilterTaskAsync(0, CancellationToken.None);

        // Task 1's filter died mid-way: a half-written shard, a temporary rejects file, no marker.
        string partial = Path.Combine(staged.Run.ShardsDir, RunDirectory.ShardFileName(1, 0));
        File.WriteAllText(partial, "not parquet");
        File.WriteAllText(AtomicFile.TempPathFor(staged.Run.ReducedRejectsPath(1)), "{\"partial\":");

        // Task 0 is skipped: its marker exists, so neither its consumed staging nor its decisions are read again.
        File.Delete(staged.Run.ClustersPath(0));
        var again = await reduce.FilterTaskAsync(0, CancellationToken.None);
        var redone = await reduce.FilterTaskAsync(1, CancellationToken.None);

        Assert.Equal(first.Rows, again.Rows);
        Assert.Equal(first.Shards.Select(s => s.Path), again.Shards.Select(s => s.Path));
        Assert.Equal(2, redone.Rows);
        Assert.Equal([Key(2), Key(4), Key(5)], (await staged.FinalClustersAsync()).Keys);
        Assert.False(File.Exists(AtomicFile.TempPathFor(staged.Run.ReducedRejectsPath(1))));
        Assert.True(staged.Run.IsReduced(1));
    }

    [Fact]
    public async Task Staged_shards_left_by_a_filter_that_died_after_its_marker_are_removed_when_it_is_skipped()
    {
        using var staged = await StagedRun.StageAsync(StagedRun.OptionsWith(), FiveRows());
        var reduce = staged.Reduce();
        await reduce.ClusterAsync(1, CancellationToken.None);
        await reduce.FilterTaskAsync(0, CancellationToken.None);
        string leftover = Path.Combine(staged.Run.StagingDir, RunDirectory.ShardFileName(0, 0));
        File.WriteAllText(leftover, "staged rows of a filtered task");

        await reduce.FilterTaskAsync(0, CancellationToken.None);
        reduce.RemoveStaging();

        Assert.False(Directory.Exists(staged.Run.StagingDir));
    }

    [Fact]
    public async Task Clustering_is_recorded_once_and_read_back_on_the_next_attempt()
    {
        using var staged = await StagedRun.StageAsync(StagedRun.OptionsWith(), FiveRows());

        var summary = await staged.Reduce().ClusterAsync(1, CancellationToken.None);
        File.Delete(staged.Run.StatsPath(0)); // a second clustering would need the task's stats
        var recorded = await staged.Reduce().ClusterAsync(1, CancellationToken.None);

        Assert.Equal(summary, recorded);
        Assert.Equal((5L, 2L, 1L, 4L, 2L), (summary.Rows, summary.Clusters, summary.SharedClusters, summary.RowsInSharedClusters, summary.RowsDropped));
        Assert.Equal("per_language", summary.Keep);
    }
}
