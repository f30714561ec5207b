using System.Text;
using MellaPipeline.Config;
using MellaPipeline.Languages;
using MellaPipeline.Records;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Stages;

public class StageTests
{
    private static PairCandidate Candidate(string text, string? lang, string? imagePath = null) =>
        new(PairKey.For("native", "u", null, text), "t@0", "native", text, lang, null, "u", null, imagePath, null, null);

    private static async Task<StageOutcome<PairCandidate>> Normalize(string text, string? lang, NormalizeTextOptions? options = null) =>
        await new NormalizeTextStage(options ?? new NormalizeTextOptions(), TargetLanguages.Codes).ProcessAsync(Candidate(text, lang), default);

    [Fact]
    public async Task Normalize_text_keeps_a_good_caption_normalised_with_its_script()
    {
        var outcome = await Normalize("  Phở bò  Hà Nội ".Normalize(NormalizationForm.FormD), "vi");

        Assert.True(outcome.IsOk);
        Assert.Equal("Phở bò Hà Nội", outcome.Value!.Text);
        Assert.Equal("Latn", outcome.Value.Script);
    }

    [Theory]
    [InlineData(" \u200B ", "ru", "text_empty")]
    [InlineData("да", "ru", "text_too_short")]
    [InlineData("Красная площадь", null, "lang_missing")]
    [InlineData("Schloss im Winter", "de", "lang_not_targeted")]
    [InlineData("Red Square at night", "ru", "script_mismatch")]
    [InlineData("Храм Василия Блаженного", "cs", "script_mismatch")]
    [InlineData("วัดอรุณ", "ko", "script_mismatch")]
    public async Task Normalize_text_drops_with_reason(string text, string? lang, string reason)
    {
        var outcome = await Normalize(text, lang);

        Assert.Equal(OutcomeKind.Dropped, outcome.Kind);
        Assert.Equal(reason, outcome.Reason);
    }

    [Fact]
    public async Task Serbian_passes_in_both_scripts_and_limits_count_graphemes()
    {
        Assert.True((await Normalize("Beogradska tvrđava", "sr")).IsOk);
        Assert.True((await Normalize("Београдска тврђава", "sr")).IsOk);
        // Thai: 4 graphemes but 7 code units; min_chars 4 keeps it, max_chars 3 drops it.
        Assert.True((await Normalize("กุ้งที่", "th", new NormalizeTextOptions { MinChars = 3, MaxChars = 4 })).IsOk);
        Assert.Equal("text_too_long", (await Normalize("กุ้งที่นี่", "th", new NormalizeTextOptions { MinChars = 1, MaxChars = 3 })).Reason);
    }

    [Fact]
    public async Task Load_images_turns_a_candidate_into_a_row()
    {
        using var dir = new TempDir();
        byte[] png = SyntheticPng.Create(40, 30, 5);
        File.WriteAllBytes(dir.File("a.png"), png);
        var candidate = Candidate("Пельмени", "ru", dir.File("a.png")) with { Script = "Cyrl" };

        var outcome = await new LoadImageStage(new LoadImagesOptions()).ProcessAsync(candidate, default);
        var byReference = await new LoadImageStage(new LoadImagesOptions { Store = ImageStorage.Reference }).ProcessAsync(candidate, default);

        var row = outcome.Value!;
        Assert.Equal((40, 30), (row.Width, row.Height));
        Assert.Equal(png, row.ImageBytes);
        Assert.Equal("a.png", row.ImagePath);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png)), row.Sha256);
        Assert.Equal(string.Empty, row.DupCluster);
        Assert.Equal((candidate.Key, "Cyrl"), (row.Key, row.Script));
        Assert.Null(byReference.Value!.ImageBytes);
        Assert.Equal(dir.File("a.png"), byReference.Value.ImagePath);
    }

    [Fact]
    public async Task Load_images_rejects_bad_files_with_reasons()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("big.png"), SyntheticPng.Create(300, 300, 1));
        File.WriteAllBytes(dir.File("tiny.png"), SyntheticPng.Create(8, 8, 1));
        File.WriteAllText(dir.File("text.png"), "hello");
        File.WriteAllBytes(dir.File("cut.png"), SyntheticPng.Create(30, 30, 1)[..20]);
        var stage = new LoadImageStage(new LoadImagesOptions { MaxBytes = 100_000, MinDimension = 16, MaxDimension = 256 });
        var maxBytes = new LoadImageStage(new LoadImagesOptions { MaxBytes = 50 });

        async Task<string?> Reason(LoadImageStage s, string file) =>
            (await s.ProcessAsync(Candidate("x", "ru", dir.File(file)), default)).Reason;

        Assert.Equal("image_missing", await Reason(stage, "nowhere.png"));
        Assert.Equal("image_dimensions_out_of_range", await Reason(stage, "big.png"));
        Assert.Equal("image_dimensions_out_of_range", await Reason(stage, "tiny.png"));
        Assert.Equal("image_format_unsupported", await Reason(stage, "text.png"));
        Assert.Equal("image_header_invalid", await Reason(stage, "cut.png"));
        Assert.Equal("image_too_large", await Reason(maxBytes, "tiny.png"));
    }

    [Fact]
    public async Task Load_images_adds_the_perceptual_hash_and_rejects_an_image_that_does_not_decode()
    {
        using var dir = new TempDir();
        byte[] png = SyntheticPng.Create(64, 48, 9);
        File.WriteAllBytes(dir.File("whole.png"), png);
        File.WriteAllBytes(dir.File("cut.png"), png[..(png.Length / 2)]); // the header is intact, the pixels are not
        var stage = new LoadImageStage(new LoadImagesOptions(), processor: new MellaPipeline.Imaging.ImageProcessor(MellaPipeline.Imaging.SkiaImageDecoder.Instance));

        var whole = await stage.ProcessAsync(Candidate("Пельмени", "ru", dir.File("whole.png")) with { Script = "Cyrl" }, default);
        var cut = await stage.ProcessAsync(Candidate("Пельмени", "ru", dir.File("cut.png")) with { Script = "Cyrl" }, default);

        Assert.Equal(MellaPipeline.Images.PerceptualHash.ToHex(MellaPipeline.Imaging.ImageHasher.Hash(png).Hash!.Value), whole.Value!.Phash);
        Assert.Equal("image_truncated", cut.Reason);
    }

    [Fact]
    public async Task Load_images_drops_strips_and_single_colour_images()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("strip.png"), SyntheticPng.Create(200, 40, 3)); // 5:1
        using (var blank = new SkiaSharp.SKBitmap(64, 64))
        {
            blank.Erase(new SkiaSharp.SKColor(30, 120, 200));
            using var image = SkiaSharp.SKImage.FromBitmap(blank);
            File.WriteAllBytes(dir.File("blank.png"), image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).ToArray());
        }

        var stage = new LoadImageStage(new LoadImagesOptions(), processor: new MellaPipeline.Imaging.ImageProcessor(MellaPipeline.Imaging.SkiaImageDecoder.Instance));
        var wide = new LoadImageStage(new LoadImagesOptions { MaxAspectRatio = 6 }, processor: new MellaPipeline.Imaging.ImageProcessor(MellaPipeline.Imaging.SkiaImageDecoder.Instance));

        Assert.Equal("image_aspect_ratio", (await stage.ProcessAsync(Candidate("Pruh", "cs", dir.File("strip.png")), default)).Reason);
        Assert.True((await wide.ProcessAsync(Candidate("Pruh", "cs", dir.File("strip.png")) with { Script = "Latn" }, default)).IsOk);
        Assert.Equal("image_uniform", (await stage.ProcessAsync(Candidate("Modrá", "cs", dir.File("blank.png")), default)).Reason);
    }
}

public class TransientReasonTests
{
    [Theory]
    [InlineData("timeout", true)]
    [InlineData("image_timeout", true)]
    [InlineData("http_503", true)]
    [InlineData("image_http_500", true)]
    [InlineData("caption_endpoint_http_500", true)]
    [InlineData("caption_endpoint_http_429", true)]
    [InlineData("caption_endpoint_timeout", true)]
    [InlineData("caption_endpoint_unreachable", true)]
    [InlineData("caption_endpoint_http_404", false)]
    [InlineData("caption_endpoint_invalid_response", false)]
    [InlineData("caption_lang_mismatch", false)]
    [InlineData("http_429", true)]
    [InlineData("dns_failed", true)]
    [InlineData("connect_failed", true)]
    [InlineData("robots_unavailable", true)]
    [InlineData("http_404", false)]
    [InlineData("image_http_404", false)]
    [InlineData("robots_disallowed", false)]
    [InlineData("address_blocked", false)]
    [InlineData("image_truncated", false)]
    [InlineData("alt_empty", false)]
    [InlineData("http_5000", false)]
    public void Only_failures_that_can_pass_are_transient(string reason, bool transient) =>
        Assert.Equal(transient, ReasonCodes.IsTransient(reason));
}
