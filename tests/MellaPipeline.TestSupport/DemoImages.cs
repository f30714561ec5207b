namespace MellaPipeline.TestSupport;

/// <summary>The images of <c>pipelines/demo/</c>: file name, size and the seed that draws each.</summary>
public static class DemoImages
{
    /// <param name="DesignWidth">Width of the picture this one is a resized copy of (its own width when it is an original).</param>
    public sealed record DemoImage(string FileName, int Width, int Height, int Seed, int DesignWidth, int DesignHeight)
    {
        public byte[] Draw() => SyntheticPng.CreateResized(DesignWidth, DesignHeight, Seed, Width, Height);
    }

    private static DemoImage Original(int i)
    {
        int width = 96 + (i % 4) * 32, height = 72 + (i % 3) * 24;
        return new DemoImage($"img-{i:D2}.png", width, height, 1000 + i, width, height);
    }

    /// <summary>Near duplicates the demo site serves: smaller copies of img-14 (160 × 120).</summary>
    private static readonly DemoImage[] ResizedCopies =
    [
        Original(14) with { FileName = "img-27.png", Width = 112, Height = 84 },
        Original(14) with { FileName = "img-28.png", Width = 128, Height = 96 },
    ];

    public static readonly IReadOnlyList<DemoImage> All = [.. Enumerable.Range(1, 26).Select(Original), .. ResizedCopies];
}
