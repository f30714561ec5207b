using MellaPipeline.Imaging;
using MellaPipeline.Quality.Packs;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Quality.Tests.Packs;

public sealed class PackScorerTests
{
    private static async Task<float[]> Scores(IRowScorer scorer, IReadOnlyList<PairRecord> rows) =>
        (await scorer.ScoreAsync(rows, CancellationToken.None)).Select(s => s.Score ?? float.NaN).ToArray();

    [Fact]
    public void Image_embeddings_equal_numpys()
    {
        var expected = PackTestData.Expected("image");
        using var encoder = new PackImageEncoder(PackTestData.Clip, threads: 1, images: null);
        var rows = PackTestData.ImageNames.Select(n => PackTestData.Row(PackTestData.Image(n), "x")).ToArray();
        var (encoded, outputs) = encoder.Encode(rows, new RowScore?[rows.Length], "image_embeds");
        Assert.Equal([0, 1, 2], encoded);
        for (int i = 0; i < rows.Length; i++)
        {
            PackTestData.Near(expected[PackTestData.ImageNames[i]], outputs[0].Row(i), 1e-4);
        }
    }

    [Fact]
    public void Text_embeddings_equal_numpys()
    {
        var expected = PackTestData.Expected("text");
        var captions = PackTestData.Captions();
        using var encoder = new PackTextEncoder(PackTestData.Clip, threads: 1);
        var output = encoder.Encode(captions);
        for (int i = 0; i < captions.Count; i++)
        {
            PackTestData.Near(expected[captions[i]], output.Row(i), 1e-4);
        }
    }

    [Fact]
    public async Task Scores_are_numpys_cosines()
    {
        var expected = PackTestData.Expected("cosine");
        using var scorer = new PackAlignmentScorer(PackTestData.Clip, threads: 1);
        Assert.Equal("tiny-clip@1", scorer.ModelId);
        var pairs = PackTestData.ImageNames.SelectMany(n => PackTestData.Captions().Select(c => (Image: n, Caption: c))).ToArray();
        var scores = await Scores(scorer, pairs.Select(p => PackTestData.Row(PackTestData.Image(p.Image), p.Caption)).ToArray());
        for (int i = 0; i < pairs.Length; i++)
        {
            Assert.Equal(expected[pairs[i].Image + "|" + pairs[i].Caption][0], scores[i], 1e-4);
        }

        Assert.All(scores, s => Assert.InRange(s, -1f, 1f));
        Assert.True(scores.Distinct().Count() > pairs.Length / 2, "different pairs score differently");
    }

    [Fact]
    public async Task A_batch_of_32_scores_as_32_batches_of_one()
    {
        var captions = PackTestData.Captions();
        var rows = Enumerable.Range(0, 32)
            .Select(i => PackTestData.Row(PackTestData.Image(PackTestData.ImageNames[i % 3]), captions[i % captions.Count], "k" + i))
            .ToArray();
        using var scorer = new PackAlignmentScorer(PackTestData.Clip, threads: 1);
        var batched = await Scores(scorer, rows);
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            Assert.Equal(batched[i], (await Scores(scorer, [row]))[0], 1e-6);
        }

        using var classifier = new PackImageClassifier(PackTestData.Nsfw, threads: 1);
        var classified = await Scores(classifier, rows);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(classified[i], (await Scores(classifier, [rows[i]]))[0], 1e-6);
        }
    }

    [Fact]
    public async Task Classifier_scores_are_numpys_sigmoids_in_0_to_1()
    {
        var expected = PackTestData.Expected("nsfw");
        using var classifier = new PackImageClassifier(PackTestData.Nsfw, threads: 1);
        Assert.Equal("tiny-nsfw@1", classifier.ModelId);
        var scores = await Scores(classifier, PackTestData.ImageNames.Select(n => PackTestData.Row(PackTestData.Image(n), "x")).ToArray());
        for (int i = 0; i < scores.Length; i++)
        {
            Assert.InRange(scores[i], 0f, 1f);
            Assert.Equal(expected[PackTestData.ImageNames[i]][0], scores[i], 1e-4);
        }
    }

    [Fact]
    public async Task Rows_without_a_decodable_image_get_an_image_reason_and_the_others_still_score()
    {
        var good = PackTestData.Image("gradient-48x40");
        var truncated = good[..(good.Length / 2)];
        PairRecord[] rows =
        [
            PackTestData.Row(null, "no bytes"),
            PackTestData.Row("not an image at all"u8.ToArray(), "garbage"),
            PackTestData.Row(truncated, "half a PNG"),
            PackTestData.Row(good, PackTestData.Captions()[0]),
        ];
        using var scorer = new PackAlignmentScorer(PackTestData.Clip, threads: 1);
        var outcomes = await scorer.ScoreAsync(rows, CancellationToken.None);
        Assert.Equal(new RowScore?[] { null, null, null }.Length, outcomes.Take(3).Count(o => o.Score is null && o.Reason is not null));
        Assert.Equal(ReasonCodes.ImageMissing, outcomes[0].Reason);
        Assert.Equal(ReasonCodes.ImageFormatUnsupported, outcomes[1].Reason);
        Assert.Equal(ReasonCodes.ImageTruncated, outcomes[2].Reason);
        Assert.Equal(PackTestData.Expected("cosine")["gradient-48x40|" + PackTestData.Captions()[0]][0], outcomes[3].Score!.Value, 1e-4);

        using var classifier = new PackImageClassifier(PackTestData.Nsfw, threads: 1);
        var classified = await classifier.ScoreAsync(rows, CancellationToken.None);
        Assert.Equal(outcomes.Take(3).Select(o => o.Reason), classified.Take(3).Select(o => o.Reason));
        Assert.NotNull(classified[3].Score);
    }

    [Fact]
    public async Task Images_over_the_pixel_limit_are_refused_before_decoding()
    {
        // The scorer decodes through the pipeline's ImageProcessor, limits included (48 × 40 = 1920 pixels).
        using var scorer = new PackImageClassifier(PackTestData.Nsfw, threads: 1, new ImageProcessor(SkiaImageDecoder.Instance, maxPixels: 1000));
        var outcome = (await scorer.ScoreAsync([PackTestData.Row(PackTestData.Image("gradient-48x40"), "x")], CancellationToken.None))[0];
        Assert.Equal((null, ReasonCodes.ImageTooManyPixels, "48x40"), (outcome.Score, outcome.Reason, outcome.Detail));
    }

    [Fact]
    public void Cosine_of_parallel_opposite_and_zero_vectors()
    {
        Assert.Equal(1f, PackAlignmentScorer.Cosine([1, 2, 3], [2, 4, 6]), 1e-6);
        Assert.Equal(-1f, PackAlignmentScorer.Cosine([1, 0], [-3, 0]), 1e-6);
        Assert.Equal(0f, PackAlignmentScorer.Cosine([1, 0], [0, 5]), 1e-6);
        Assert.Equal(0f, PackAlignmentScorer.Cosine([0, 0], [1, 1]));
    }

    [Fact]
    public void A_pack_of_the_other_kind_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PackAlignmentScorer(PackTestData.Nsfw, threads: 1));
        Assert.Throws<ArgumentException>(() => new PackImageClassifier(PackTestData.Clip, threads: 1));
    }
}
