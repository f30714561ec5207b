using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.Records;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Stages;

/// <summary><c>load_images</c> reads an image's header once and hands it to the processor with the bytes.</summary>
public class LoadImageHeaderTests
{
    /// <summary>The real processor, recording which entry point the stage used.</summary>
    private sealed class RecordingProcessor : IImageProcessor
    {
        private readonly ImageProcessor _inner = new(SkiaImageDecoder.Instance);

        public List<string> Calls { get; } = [];

        public string HashAlgorithm => _inner.HashAlgorithm;

        public ProcessOutcome Process(byte[] bytes)
        {
            Calls.Add("bytes");
            return _inner.Process(bytes);
        }

        public ProcessOutcome Process(byte[] bytes, ImageHeader header)
        {
            Calls.Add($"header {header.Format} {header.Width}x{header.Height}");
            return _inner.Process(bytes, header);
        }
    }

    [Fact]
    public async Task The_stage_passes_the_header_it_checked_instead_of_having_it_parsed_again()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("a.png"), SyntheticPng.Create(40, 30, 5));
        var candidate = new PairCandidate(PairKey.For("native", "u", null, "Pelmeni"), "t@0", "native", "Пельмени", "ru", "Cyrl", "u", null, dir.File("a.png"), null, null);
        var processor = new RecordingProcessor();

        var outcome = await new LoadImageStage(new LoadImagesOptions(), processor: processor).ProcessAsync(candidate, default);

        Assert.True(outcome.IsOk, outcome.Reason);
        Assert.Equal(["header Png 40x30"], processor.Calls);
        Assert.NotNull(outcome.Value!.Phash);
    }

    [Fact]
    public void Both_entry_points_give_the_same_image()
    {
        byte[] png = SyntheticPng.Create(40, 30, 5);
        var processor = new ImageProcessor(SkiaImageDecoder.Instance);
        Assert.True(ImageHeader.TryRead(png, out var header, out _));

        Assert.Equal(processor.Process(png).Image!.Hash, processor.Process(png, header).Image!.Hash);
    }
}
