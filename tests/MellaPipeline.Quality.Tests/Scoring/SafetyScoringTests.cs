using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.Quality.Scoring;
using MellaPipeline.Records;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;
using SkiaSharp;

namespace MellaPipeline.Quality.Tests.Scoring;

/// <summary>
/// The safety classifier's stage over real images, with a classifier whose answer is known from
/// the picture: the mean brightness of the decoded pixels. Rows get <c>nsfw_score</c>, the ones
/// above <c>max_score</c> are <c>image_unsafe</c>, rows are scored in batches of <c>batch_size</c>
/// and come out in input order; an image the classifier cannot decode is a failed reject with its
/// reason, a row without image bytes passes unscored.
/// </summary>
public class SafetyScoringTests
{
    /// <summary>A real classifier of a plain kind: Skia decodes the image, the score is its mean luma over 255.</summary>
    private sealed class BrightnessScorer : IRowScorer
    {
        public List<int> Batches { get; } = [];

        public bool Disposed { get; private set; }

        public string ModelId => "brightness@1";

        public ValueTask<IReadOnlyList<RowScore>> ScoreAsync(IReadOnlyList<PairRecord> rows, CancellationToken cancellationToken)
        {
            Batches.Add(rows.Count);
            return ValueTask.FromResult<IReadOnlyList<RowScore>>([.. rows.Select(r => Score(r.ImageBytes!))]);
        }

        private static RowScore Score(byte[] bytes)
        {
            if (!ImageHeader.TryRead(bytes, out var header, out string reason))
            {
                return new RowScore(null, reason, "header");
            }

            var decoded = SkiaImageDecoder.Instance.Decode(bytes, header, 0);
            if (decoded.Image is not { } image)
            {
                return new RowScore(null, decoded.Reason, decoded.Detail);
            }

            double sum = 0;
            for (int p = 0; p < image.Rgba.Length; p += 4)
            {
                sum += (0.299 * image.Rgba[p]) + (0.587 * image.Rgba[p + 1]) + (0.114 * image.Rgba[p + 2]);
            }

            return new RowScore((float)(sum / (image.Rgba.Length / 4) / 255));
        }

        public void Dispose() => Disposed = true;
    }

    /// <summary>A 32×32 PNG, left half grey <paramref name="left"/>, right half grey <paramref name="right"/>: its mean brightness is their mean.</summary>
    private static byte[] Halves(byte left, byte right)
    {
        using var bitmap = new SKBitmap(32, 32);
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                byte v = x < 16 ? left : right;
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static PairRecord Row(int i, byte[]? image) =>
        DatasetShards.Row("vi", $"Phố cổ Hội An lung linh đèn lồng về đêm {i}", imageSeed: i) with { ImageBytes = image };

    private static RowScoringStage Stage(SafetyOptions options, IRowScorer scorer) => new(ScoreRule.Safety(options), () => scorer, options.BatchSize);

    [Fact]
    public async Task Rows_above_max_score_are_image_unsafe_the_rest_keep_their_nsfw_score_in_order()
    {
        var scorer = new BrightnessScorer();
        var stage = Stage(new SafetyOptions { Model = "brightness", MaxScore = 0.5, BatchSize = 2 }, scorer);
        PairRecord[] rows =
        [
            Row(0, Halves(20, 40)), // 30/255 = 0.118
            Row(1, Halves(220, 250)), // 235/255 = 0.922
            Row(2, null), // load_images stored no bytes: not scored, not dropped
            Row(3, Halves(100, 154)), // 127/255 = 0.498: just kept
            Row(4, Halves(100, 156)), // 128/255 = 0.502: just over
            Row(5, Halves(0, 0)[..40]), // cut off inside the pixel data
            Row(6, Halves(60, 60)), // 0.235
        ];

        var outcomes = await StageRun.RunAsync(stage, rows);

        Assert.Equal(rows.Select(r => r.Key), outcomes.Select(o => (o.Value ?? (PairRecord)o.Subject!).Key));
        Assert.Equal(
            [OutcomeKind.Ok, OutcomeKind.Dropped, OutcomeKind.Ok, OutcomeKind.Ok, OutcomeKind.Dropped, OutcomeKind.Failed, OutcomeKind.Ok],
            outcomes.Select(o => o.Kind));
        Assert.Equal(30 / 255f, outcomes[0].Value!.NsfwScore!.Value, 3);
        Assert.Null(outcomes[2].Value!.NsfwScore);
        Assert.Equal(127 / 255f, outcomes[3].Value!.NsfwScore!.Value, 3);
        Assert.Equal(60 / 255f, outcomes[6].Value!.NsfwScore!.Value, 3);
        Assert.Equal(("image_unsafe", "nsfw_score 0.922 > 0.500 by brightness@1"), (outcomes[1].Reason, outcomes[1].Detail));
        Assert.Equal(("image_unsafe", "nsfw_score 0.502 > 0.500 by brightness@1"), (outcomes[4].Reason, outcomes[4].Detail));
        Assert.StartsWith("image_", outcomes[5].Reason, StringComparison.Ordinal);
        Assert.Same(rows[5], outcomes[5].Subject);

        // Batches of two rows, the imageless row not sent, the tail of one; the scorer is closed with the stream.
        Assert.Equal([2, 1, 2, 1], scorer.Batches);
        Assert.True(scorer.Disposed);
    }

    [Fact]
    public async Task Batch_size_changes_the_calls_not_the_scores()
    {
        var rows = Enumerable.Range(0, 9).Select(i => Row(i, Halves((byte)(i * 25), (byte)(i * 25 + 10)))).ToArray();
        var one = new BrightnessScorer();
        var many = new BrightnessScorer();

        var singly = await StageRun.RunAsync(Stage(new SafetyOptions { Model = "b", MaxScore = 0.6, BatchSize = 1 }, one), rows);
        var together = await StageRun.RunAsync(Stage(new SafetyOptions { Model = "b", MaxScore = 0.6, BatchSize = 32 }, many), rows);

        Assert.Equal(Enumerable.Repeat(1, 9), one.Batches);
        Assert.Equal([9], many.Batches);
        Assert.Equal(singly.Select(o => (o.Kind, o.Detail, o.Value?.NsfwScore)), together.Select(o => (o.Kind, o.Detail, o.Value?.NsfwScore)));
        Assert.Equal(3, together.Count(o => o.Kind == OutcomeKind.Dropped)); // 6, 7 and 8: brighter than 0.6
    }
}
