namespace MellaPipeline.TestSupport;

/// <summary>The images of <c>pipelines/demo/</c>: file name, size and the seed that draws each.</summary>
public static class DemoImages
{
    public sealed record DemoImage(string FileName, int Width, int Height, int Seed);

    public static readonly IReadOnlyList<DemoImage> All = Enumerable.Range(1, 26)
        .Select(i => new DemoImage($"img-{i:D2}.png", 96 + (i % 4) * 32, 72 + (i % 3) * 24, 1000 + i))
        .ToArray();
}
