namespace MellaPipeline.Dedup.Tests;

/// <summary>The near-duplicate rule's clauses (<see cref="NearDuplicateRule"/>); real photos in MellaPipeline.Cli.Tests' CropWatermarkRunTests.</summary>
public class NearDuplicateRuleTests
{
    [Fact]
    public void Without_windows_the_rule_is_the_phash_alone()
    {
        var rule = new NearDuplicateRule(6);
        ulong a = 0x0123456789abcdefUL, b = a ^ 0xff; // 8 bits apart: beyond T, within the bound
        ulong[] windowsA = [b, 1, 2, 3, 4], windowsB = [5, 6, 7, 8, 9];

        Assert.Equal("near-v1:phash<=6|phash<=14&windows-v1<=4", rule.Id);
        Assert.True(rule.Near(a, windowsA, b, windowsB)); // a's centre window is b's whole hash
        Assert.False(rule.Near(a, [], b, windowsB));
        Assert.False(rule.Near(a, windowsA, a ^ 0xffff, windowsB)); // 16 bits: beyond the bound
        // b and the third hash are 8 bits apart with the same windows: joined only when both have them.
        Assert.Equal([0, 0, 2], rule.Cluster([a, b, a ^ 0xffff], [.. windowsA, .. windowsB, .. windowsB], [true, true, false]));
        Assert.Equal([0, 1, 1], rule.Cluster([a, b, a ^ 0xffff], [.. windowsA, .. windowsB, .. windowsB], [false, true, true]));
    }
}
