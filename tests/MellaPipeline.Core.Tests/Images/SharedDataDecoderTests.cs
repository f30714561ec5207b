using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Images;

/// <summary>
/// Both decoders on every file of <c>../shared/data/images-malformed</c>: each gives a hash or a
/// reject with its reason, within 2 s (a hang guard, not a speed check) and without allocating
/// more than the pixel limit allows; bombs are refused from the header; orientation, CMYK and
/// animation are normalised and recorded.
/// </summary>
[Trait("Category", "SharedData")]
public class SharedDataDecoderTests
{
    private static readonly string Malformed = Path.Combine(RepoPaths.SharedData, "images-malformed");

    public static readonly TheoryData<string> Decoders = ["skiasharp", "imagesharp", "vips"];

    private static ImageProcessor Processor(string decoder) =>
        new(ImageHasher.DecoderFor(Enum.Parse<Config.ImageDecoderKind>(decoder, ignoreCase: true)));

    private static ProcessOutcome Process(string decoder, string relative) =>
        Processor(decoder).Process(File.ReadAllBytes(Path.Combine(Malformed, relative)));

    [Theory]
    [MemberData(nameof(Decoders))]
    public async Task Every_hostile_file_gives_a_hash_or_a_reason_in_bounded_time_and_memory(string decoder)
    {
        var processor = Processor(decoder);
        var files = Directory.EnumerateFiles(Malformed, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("LICENSE", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 80, $"{files.Count} files");
        string[] reasons = [ReasonCodes.ImageTruncated, ReasonCodes.ImageFormatUnsupported, ReasonCodes.ImageHeaderInvalid, ReasonCodes.ImageTooManyPixels, ReasonCodes.ImageDecodeFailed];
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            var work = Task.Run(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                var outcome = processor.Process(bytes);
                return (Outcome: outcome, Allocated: GC.GetAllocatedBytesForCurrentThread() - before);
            });
            // A hang detector, not a speed check: generous enough for a machine loaded by parallel test runs.
            Assert.Same(work, await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(60))));
            var (outcome, allocated) = await work;
            Assert.True(outcome.Image is not null || reasons.Contains(outcome.Reason), $"{file}: {outcome.Reason} {outcome.Detail}");
            Assert.True(allocated < 64L << 20, $"{file}: {allocated >> 20} MB allocated");
        }

        // libvips' native memory is not in the managed count: its process-wide high-water mark (libvips has no reset) stays under the same kind of bound.
        if (decoder == "vips")
        {
            Assert.True(NetVips.Stats.MemHighwater < 64L << 20, $"libvips allocated up to {NetVips.Stats.MemHighwater >> 20} MB");
        }
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Bombs_and_unsupported_formats_are_refused_before_decoding(string decoder)
    {
        foreach (string bomb in new[] { "pillow/decompression_bomb.gif", "pillow/decompression_bomb_extents.gif", "sharp/giant-image.jpg", "sharp/65536-uint32-limit.png" })
        {
            Assert.Equal(ReasonCodes.ImageTooManyPixels, Process(decoder, bomb).Reason);
        }

        foreach (string unsupported in new[] { "sharp/testimgl.jpg", "sharp/pitm.avif", "imagededup/copyleft.tiff", "coenm-imagehash/NotAnImage.txt" })
        {
            Assert.Equal(ReasonCodes.ImageFormatUnsupported, Process(decoder, unsupported).Reason);
        }
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Exif_orientation_turns_every_copy_upright_and_is_recorded(string decoder)
    {
        var upright = Process(decoder, "pillow/hopper.jpg").Image!;
        foreach (int orientation in Enumerable.Range(2, 7))
        {
            var turned = Process(decoder, $"pillow/hopper_orientation_{orientation}.jpg").Image!;
            Assert.True(PerceptualHash.Distance(upright.Hash, turned.Hash) <= 6, $"orientation {orientation}: {PerceptualHash.Distance(upright.Hash, turned.Hash)} bits");
            Assert.Equal($"orient={orientation}", turned.Ops);
        }
    }

    /// <summary>
    /// EXIF orientations 1–8 of a JPEG and images with transparency (tRNS, alpha PNG, WebP, GIF, an
    /// animation's first frame): the three decoders give hashes at most 2 bits apart and record the
    /// same operations (measured: 0 bits on every one of these files).
    /// </summary>
    [Fact]
    public void Orientation_and_alpha_are_normalised_alike_by_all_three_decoders()
    {
        string[] files =
        [
            "pillow/hopper.jpg", .. Enumerable.Range(2, 7).Select(o => $"pillow/hopper_orientation_{o}.jpg"),
            "pillow/transparent.webp", "sharp/5_webp_a.webp", "sharp/grey-plus-alpha.gif", "pillow/tRNS_null_1x1.png",
        ];
        foreach (string file in files)
        {
            var images = ImageHasher.DecoderNames.Select(d => Process(d, file).Image!).ToArray();
            foreach (var image in images.Skip(1))
            {
                Assert.True(PerceptualHash.Distance(images[0].Hash, image.Hash) <= 2, $"{file}: {PerceptualHash.Distance(images[0].Hash, image.Hash)} bits apart");
                Assert.Equal((images[0].Width, images[0].Height), (image.Width, image.Height));
            }

            Assert.Single(images.Select(i => i.Ops).Distinct());
        }

        // A palette PNG's tRNS chunk: Skia and libvips composite it; ImageSharp 2 ignores it (docs/IMAGE_DECODERS.md).
        var skia = Process("skiasharp", "pillow/i_trns.png").Image!;
        var vips = Process("vips", "pillow/i_trns.png").Image!;
        Assert.Equal((skia.Hash, skia.Ops), (vips.Hash, vips.Ops));
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Cmyk_jpegs_are_converted_and_both_decoders_agree_on_them(string decoder)
    {
        foreach (string cmyk in new[] { "sharp/Channel_digital_image_CMYK_color.jpg", "sharp/Channel_digital_image_CMYK_color_no_profile.jpg", "pillow/pil_sample_cmyk.jpg" })
        {
            var image = Process(decoder, cmyk).Image!;
            Assert.StartsWith("cmyk=rgb", image.Ops);
            var other = Process(decoder == "imagesharp" ? "skiasharp" : "imagesharp", cmyk).Image!;
            Assert.True(PerceptualHash.Distance(image.Hash, other.Hash) <= 8, $"{cmyk}: decoders {PerceptualHash.Distance(image.Hash, other.Hash)} bits apart");
        }
    }

    [Fact]
    public void Animations_give_their_first_frame_and_say_how_many_there_were()
    {
        Assert.Equal("frame=0/42", Process("skiasharp", "pillow/iss634.gif").Image!.Ops);
        Assert.Equal("frame=0/9;alpha=white", Process("skiasharp", "sharp/rotating-squares.webp").Image!.Ops);
        Assert.NotNull(Process("imagesharp", "pillow/iss634.gif").Image);
    }
}
