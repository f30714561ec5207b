using MellaPipeline.Images;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests;

/// <summary>
/// <c>mella phash</c> + <c>mella dedup</c>'s default threshold on <c>../shared/data/images-neardup</c>:
/// edited copies cluster with their originals, different photos (even of one scene) do not.
/// </summary>
[Trait("Category", "SharedData")]
public class SharedDataNearDuplicateTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.SharedData, "images-neardup");

    private static async Task<Dictionary<string, ulong>> HashesAsync(params string[] files)
    {
        var result = await MellaProcess.RunAsync(["phash", .. files.Select(f => Path.Combine(Folder, f))]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .ToDictionary(p => Path.GetRelativePath(Folder, p[1]), p => Convert.ToUInt64(p[0], 16));
    }

    [Fact]
    public async Task Edited_copies_are_within_the_default_threshold_and_different_photos_are_not()
    {
        const int threshold = MellaPipeline.Config.DedupNearOptions.DefaultThreshold;
        var copies = new (string Original, string Copy)[]
        {
            ("jimagehash/highQuality.jpg", "jimagehash/lowQuality.jpg"),           // JPEG re-encode
            ("jimagehash/highQuality.jpg", "jimagehash/thumbnail.jpg"),            // resize to 100×67
            ("jimagehash/highQuality.jpg", "jimagehash/copyright.jpg"),            // watermark
            ("jenssegers-imagehash/forest/forest-high.jpg", "jenssegers-imagehash/forest/forest-cropped.jpg"),
            ("jimagehash/highQualityBase.png", "jimagehash/highQualityBright.png"), // brightness up
            ("jimagehash/highQualityBase.png", "jimagehash/highQualityDark.png"),   // brightness down
            ("imagededup/base_images/ukbench00120.jpg", "imagededup/mixed_images/ukbench00120_resize.jpg"),
            ("images4/euclidean/large.jpg", "images4/euclidean/small.jpg"),
            ("images4/euclidean/small.jpg", "images4/euclidean/small.gif"),        // re-encoded as GIF
        };
        var different = new (string A, string B)[]
        {
            ("jenssegers-imagehash/office/tumblr_ndyfdoR6Wp1tubinno1_1280.jpg", "jenssegers-imagehash/office/tumblr_ndyfnr7lk21tubinno1_1280.jpg"),
            ("jenssegers-imagehash/office/tumblr_ndyfdoR6Wp1tubinno1_1280.jpg", "jenssegers-imagehash/office/tumblr_ndyfq386o41tubinno1_1280.jpg"),
            ("jenssegers-imagehash/office/tumblr_ndyfnr7lk21tubinno1_1280.jpg", "jenssegers-imagehash/office/tumblr_ndyfq386o41tubinno1_1280.jpg"),
            ("jimagehash/ballon.jpg", "jimagehash/highQuality.jpg"),
            ("coenm-imagehash/Github_1.jpg", "coenm-imagehash/Github_2.jpg"),
        };
        var hashes = await HashesAsync([.. copies.SelectMany(c => new[] { c.Original, c.Copy }).Concat(different.SelectMany(d => new[] { d.A, d.B })).Distinct()]);

        Assert.All(copies, c => Assert.True(PerceptualHash.Distance(hashes[c.Original], hashes[c.Copy]) <= threshold,
            $"{c.Copy}: {PerceptualHash.Distance(hashes[c.Original], hashes[c.Copy])} bits from {c.Original}"));
        Assert.All(different, d => Assert.True(PerceptualHash.Distance(hashes[d.A], hashes[d.B]) > threshold,
            $"{d.A} / {d.B}: only {PerceptualHash.Distance(hashes[d.A], hashes[d.B])} bits apart"));
    }
}
