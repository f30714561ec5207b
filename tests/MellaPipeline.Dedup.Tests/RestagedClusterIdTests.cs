namespace MellaPipeline.Dedup.Tests;

/// <summary>
/// A row staged again from a finished dataset (a transient retry) brings its cluster id, which may
/// be a dropped copy's sha256 prefix: the reduce keeps the smaller of that and its cluster's images.
/// </summary>
public class RestagedClusterIdTests
{
    private const ulong Photo = 0x0f0f_0f0f_0f0f_0f0fUL;
    private const string Earlier = "0000000000000abc";

    [Fact]
    public async Task A_restaged_row_keeps_the_cluster_id_it_had_and_a_recovered_near_duplicate_joins_it()
    {
        var kept = StagedRun.Row(1, Photo, side: 200) with { DupCluster = Earlier };
        var recovered = StagedRun.Row(2, Photo ^ 1);
        var alone = StagedRun.Row(3, ~Photo);
        using var staged = await StagedRun.StageAsync(StagedRun.OptionsWith(), [kept], [recovered, alone]);

        await staged.ReduceAllAsync();

        var rows = await staged.FinalClustersAsync();
        Assert.Equal(new SortedDictionary<string, string> { [kept.Key] = Earlier, [alone.Key] = alone.Sha256![..16] }, rows);
        Assert.Equal([(recovered.Key, Stages.ReasonCodes.ImageNearDuplicate)], staged.Rejects().Select(r => (r.Key, r.Reason)));
    }

    [Fact]
    public async Task A_cluster_id_larger_than_the_row_s_own_image_hash_gives_way_to_it()
    {
        var row = StagedRun.Row(1, Photo) with { DupCluster = "ffffffffffffffff" };
        using var staged = await StagedRun.StageAsync(StagedRun.OptionsWith(), [row]);

        await staged.ReduceAllAsync();

        Assert.Equal(row.Sha256![..16], (await staged.FinalClustersAsync())[row.Key]);
    }
}
