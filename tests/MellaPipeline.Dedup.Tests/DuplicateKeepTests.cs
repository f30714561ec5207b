namespace MellaPipeline.Dedup.Tests;

public class DuplicateKeepTests
{
    [Fact]
    public void The_largest_image_wins_then_the_longest_text_then_the_smallest_tie_break()
    {
        DuplicateCandidate small = new(100, 50, 1), large = new(400, 1, 9), largeLonger = new(400, 2, 8), largeLongerEarlier = new(400, 2, 3);

        Assert.True(DuplicateKeep.Compare(large, small) < 0);
        Assert.True(DuplicateKeep.Compare(largeLonger, large) < 0);
        Assert.True(DuplicateKeep.Compare(largeLongerEarlier, largeLonger) < 0);
        Assert.Equal(0, DuplicateKeep.Compare(small, small));
    }

    [Fact]
    public void One_member_is_kept_per_group_and_every_other_member_names_it()
    {
        long[] groups = [7, 7, 3, 7, 3];
        DuplicateCandidate[] candidates = [new(10, 0, 0), new(30, 0, 1), new(5, 0, 2), new(30, 0, 0), new(5, 0, 1)];

        var kept = DuplicateKeep.KeptPerGroup(groups, candidates);

        // Group 7: members 1 and 3 tie on size; 3 has the smaller tie-break. Group 3: member 4 by tie-break.
        Assert.Equal([3, 3, 4, 3, 4], kept);
    }

    [Fact]
    public void A_cluster_is_named_by_its_smallest_content_id_and_is_shared_when_it_holds_several()
    {
        int[] roots = [0, 0, 2, 0];
        ulong[] contentIds = [0x30, 0x10, 0x50, 0x10];

        var (ids, shared) = DuplicateKeep.NameClusters(roots, contentIds);

        Assert.Equal((0x10UL, 0x50UL), (ids[0], ids[2]));
        Assert.Equal((true, false), (shared[0], shared[2]));
    }
}
