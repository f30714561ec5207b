using MellaPipeline.Imaging;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Quality.Packs;

/// <summary>
/// Scores each row's image with an <c>image_classifier</c> model pack (e.g. NSFW, for
/// <c>nsfw_score</c>): column <c>score.index</c> of the <c>score.output</c> tensor after
/// <c>score.activation</c> (sigmoid and softmax give 0–1). Each call runs its rows' images as one
/// batch; a row whose image is missing or does not decode gets that image reason code. Calls may
/// run at once from several threads.
/// </summary>
public sealed class PackImageClassifier : IRowScorer
{
    private readonly PackImageEncoder _images;
    private readonly PackScore _score;

    /// <param name="threads">ONNX Runtime intra-op threads; 0 = its default (one per core).</param>
    /// <param name="images">How stored images are decoded (the pipeline's decoder); SkiaSharp's by default.</param>
    public PackImageClassifier(ModelPack pack, int threads, ImageProcessor? images = null)
    {
        _score = pack.Score ?? throw new ArgumentException($"{pack.Id} is an alignment pack, not an image_classifier pack", nameof(pack));
        ModelId = pack.Id;
        _images = new PackImageEncoder(pack, threads, images);
    }

    public string ModelId { get; }

    public ValueTask<IReadOnlyList<RowScore>> ScoreAsync(IReadOnlyList<PairRecord> rows, CancellationToken cancellationToken) =>
        _images.ScoreInSlices(rows, Fill, cancellationToken);

    /// <summary>Scores one slice: the encoder has set the outcome of every row it could not encode.</summary>
    private void Fill(IReadOnlyList<PairRecord> rows, RowScore?[] outcomes)
    {
        var (encoded, outputs) = _images.Encode(rows, outcomes, _score.Output);
        for (int k = 0; k < encoded.Length; k++)
        {
            outcomes[encoded[k]] = new RowScore(Activate(outputs[0].Row(k)));
        }
    }

    private float Activate(ReadOnlySpan<float> logits)
    {
        if (_score.Index >= logits.Length)
        {
            return float.NaN; // an output narrower than score.index (its width is only known at run time): score_not_finite, not a crash
        }

        double x = logits[_score.Index];
        switch (_score.Activation)
        {
            case PackActivation.Sigmoid:
                return (float)(1.0 / (1.0 + Math.Exp(-x)));
            case PackActivation.Softmax:
                double max = double.NegativeInfinity, sum = 0;
                foreach (float v in logits)
                {
                    max = Math.Max(max, v);
                }

                foreach (float v in logits)
                {
                    sum += Math.Exp(v - max);
                }

                return (float)(Math.Exp(x - max) / sum);
            default:
                return (float)x;
        }
    }

    public void Dispose() => _images.Dispose();
}
