using System.Globalization;
using MellaPipeline.Config;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Stages;

namespace MellaPipeline.Dedup.Tests;

public class CaptionNearDuplicateReduceTests
{
    private const string Caption = "Стоковое фото красивый закат над морем бесплатное изображение для сайта";

    private static readonly DedupCaptionsOptions On = new() { Enabled = true };

    private static string Key(int id) => id.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>A different photo per id: random 64-bit hashes, about 32 bits apart, far beyond the image threshold used here (4).</summary>
    private static ulong Photo(int id) => System.IO.Hashing.XxHash64.HashToUInt64(BitConverter.GetBytes(id));

    /// <summary>
    /// Rows 1 and 2: the same stock caption (other punctuation) on two different photos, row 1's larger;
    /// row 3: row 1's photo again with the caption (an image near duplicate, dropped there, not again);
    /// row 4 another caption, row 5 the caption in Serbian, row 6 the caption and one more word (the 6 shingles of ten words and one more).
    /// </summary>
    private static PairRecord[] Rows() =>
    [
        StagedRun.Row(1, Photo(1), side: 300, text: Caption),
        StagedRun.Row(2, Photo(2), text: "Стоковое фото: красивый закат над морем, бесплатное изображение для сайта!"),
        StagedRun.Row(3, Photo(1) ^ 1, text: Caption),
        StagedRun.Row(4, Photo(4), text: "Храм Христа Спасителя в Москве зимой"),
        StagedRun.Row(5, Photo(5), lang: "sr", text: Caption),
        StagedRun.Row(6, Photo(6), text: Caption + " магазина"),
    ];

    private static async Task<StagedRun> StageAsync(params PairRecord[][] tasks)
    {
        var staged = await StagedRun.StageAsync(StagedRun.OptionsWith(), tasks);
        staged.Captions = On;
        return staged;
    }

    [Fact]
    public async Task Caption_near_duplicates_on_other_images_are_dropped_after_the_image_clustering_naming_the_kept_row_and_the_jaccard()
    {
        using var staged = await StageAsync(Rows());

        var stats = await staged.ReduceAllAsync();

        Assert.Equal([Key(1), Key(4), Key(5)], (await staged.FinalClustersAsync()).Keys);
        var rejects = staged.Rejects().OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                (Key(2), ReasonCodes.CaptionNearDuplicate, $"jaccard 1.00 with kept {Key(1)} (ru, native)"),
                (Key(6), ReasonCodes.CaptionNearDuplicate, $"jaccard 0.86 with kept {Key(1)} (ru, native)"),
            ],
            rejects.Where(r => r.Reason == ReasonCodes.CaptionNearDuplicate).Select(r => (r.Key, r.Reason, r.Detail)));
        Assert.Equal((Key(3), ReasonCodes.ImageNearDuplicate), (rejects[1].Key, rejects[1].Reason));
        Assert.All(rejects, r => Assert.Equal(NearDuplicateReduce.StageName, r.Stage));
        Assert.Equal(2, stats[0].Reasons[ReasonCodes.CaptionNearDuplicate]);
        Assert.Equal((6L, 3L, 3L), (stats[0].InputRecords, stats[0].Rows, stats[0].Dropped));

        var figures = AtomicFile.ReadJson<CaptionClusteringSummary>(CaptionNearDuplicatePhase.FiguresPath(staged.Run), Json.MellaJson.Indented);
        Assert.Equal((5L, 2L, 1L, 2L), (figures.Rows, figures.Groups, figures.Clusters, figures.RowsDropped)); // row 3 was never offered
        Assert.Equal((0.8, 5), (figures.Threshold, figures.Shingle));
    }

    [Fact]
    public async Task The_same_rows_give_the_same_dataset_and_rejects_in_one_task_or_three()
    {
        var rows = Rows();
        using var one = await StageAsync(rows);
        using var three = await StageAsync([rows[5], rows[1]], [rows[3], rows[4]], [rows[2], rows[0]]);

        await StagedRun.AssertSameReduceAsync(one, three);
    }

    [Fact]
    public async Task Off_by_default_and_on_without_image_clustering_too()
    {
        using var off = await StagedRun.StageAsync(StagedRun.OptionsWith(), Rows());
        var noImages = StagedRun.OptionsWith();
        noImages.Enabled = false;
        using var captionsOnly = await StagedRun.StageAsync(noImages, Rows());
        captionsOnly.Captions = On;

        await off.ReduceAllAsync();
        await captionsOnly.ReduceAllAsync();

        Assert.DoesNotContain(off.Rejects(), r => r.Reason == ReasonCodes.CaptionNearDuplicate);
        Assert.False(File.Exists(CaptionNearDuplicatePhase.FiguresPath(off.Run)));
        // Without image clustering row 3 is a caption near duplicate of row 1 as well.
        Assert.Equal([Key(2), Key(3), Key(6)], captionsOnly.Rejects().Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.All(captionsOnly.Rejects(), r => Assert.Equal(ReasonCodes.CaptionNearDuplicate, r.Reason));
    }

    [Fact]
    public async Task A_clustering_interrupted_after_its_decision_files_is_redone_from_the_image_decisions_and_a_finished_one_is_kept()
    {
        using var staged = await StageAsync(Rows()[..3], Rows()[3..]);
        var reduce = staged.Reduce();
        await reduce.ClusterAsync(2, CancellationToken.None);
        var decided = Enumerable.Range(0, 2).Select(rank => File.ReadAllBytes(staged.Run.ClustersPath(rank))).ToArray();

        // Died after rewriting the decision files, before the marker: the next attempt starts over and decides the same.
        File.Delete(staged.Run.ClustersSummaryPath);
        await staged.Reduce().ClusterAsync(2, CancellationToken.None);
        Assert.Equal(decided, Enumerable.Range(0, 2).Select(rank => File.ReadAllBytes(staged.Run.ClustersPath(rank))));

        // Finished: nothing is read again (the captions' figures stay as written).
        File.Delete(CaptionNearDuplicatePhase.FiguresPath(staged.Run));
        await staged.Reduce().ClusterAsync(2, CancellationToken.None);
        Assert.False(File.Exists(CaptionNearDuplicatePhase.FiguresPath(staged.Run)));

        for (int rank = 0; rank < 2; rank++)
        {
            await reduce.FilterTaskAsync(rank, CancellationToken.None);
        }

        Assert.Equal([Key(1), Key(4), Key(5)], (await staged.FinalClustersAsync()).Keys);
    }

    [Fact]
    public async Task Rows_an_earlier_decision_drops_are_never_compared_nor_kept_in_another_row_s_place()
    {
        using var staged = await StagedRun.StageAsync(StagedRun.OptionsWith(), Rows());
        await staged.Reduce().ClusterAsync(1, CancellationToken.None);
        string decisions = staged.Run.ClustersPath(0);
        var bytes = File.ReadAllBytes(decisions);
        var other = (RowDecision)3; // as decontamination marks a row, before this phase runs
        DecisionFile.Write(bytes, 0, DecisionFile.Read(bytes, 0) with { Decision = other });
        File.WriteAllBytes(decisions, bytes);

        var figures = await CaptionNearDuplicatePhase.RunAsync(On, staged.Run, 1, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);

        bytes = File.ReadAllBytes(decisions);
        Assert.Equal(other, DecisionFile.Read(bytes, 0).Decision);
        // Row 1 (the largest image) is out, so rows 2 and 6 keep one of them: row 6, the longer caption.
        Assert.Equal((RowDecision.CaptionNearDuplicate, UInt128.Parse(Key(6), NumberStyles.HexNumber, CultureInfo.InvariantCulture)),
            (DecisionFile.Read(bytes, 1).Decision, DecisionFile.Read(bytes, 1).KeptKey));
        Assert.Equal(RowDecision.Kept, DecisionFile.Read(bytes, 5).Decision);
        Assert.Equal((4L, 1L), (figures!.Rows, figures.RowsDropped));
    }
}
