using MellaPipeline.Imaging;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Quality.Packs;

/// <summary>
/// Scores how well each row's caption describes its image with an <c>alignment</c> model pack:
/// the cosine of the L2-normalised image and text embeddings (−1 to 1; a zero embedding scores
/// 0). Each call runs its rows' images as one batch and their captions as another; a row whose
/// image is missing or does not decode gets that image reason code instead of a score.
/// <see cref="ModelId"/> is <c>NAME@VERSION</c>. Calls may run at once from several threads
/// (ONNX Runtime sessions are thread-safe; nothing else is shared between calls).
/// </summary>
public sealed class PackAlignmentScorer : IRowScorer
{
    private readonly PackImageEncoder _images;
    private readonly PackTextEncoder _texts;
    private readonly string _embedding;

    /// <param name="threads">ONNX Runtime intra-op threads per session; 0 = its default (one per core).</param>
    /// <param name="images">How stored images are decoded (the pipeline's decoder); SkiaSharp's by default.</param>
    public PackAlignmentScorer(ModelPack pack, int threads, ImageProcessor? images = null)
    {
        if (pack.Kind != PackKind.Alignment)
        {
            throw new ArgumentException($"{pack.Id} is an image_classifier pack, not an alignment pack", nameof(pack));
        }

        ModelId = pack.Id;
        _embedding = pack.Image.Output!;
        _images = new PackImageEncoder(pack, threads, images);
        _texts = new PackTextEncoder(pack, threads);
    }

    public string ModelId { get; }

    public ValueTask<IReadOnlyList<RowScore>> ScoreAsync(IReadOnlyList<PairRecord> rows, CancellationToken cancellationToken) =>
        _images.ScoreInSlices(rows, Fill, cancellationToken);

    /// <summary>Scores one slice: the encoder has set the outcome of every row it could not encode.</summary>
    private void Fill(IReadOnlyList<PairRecord> rows, RowScore?[] outcomes)
    {
        var (encoded, outputs) = _images.Encode(rows, outcomes, _embedding);
        var texts = _texts.Encode(encoded.Select(i => rows[i].Text).ToArray());
        for (int k = 0; k < encoded.Length; k++)
        {
            outcomes[encoded[k]] = new RowScore(Cosine(outputs[0].Row(k), texts.Row(k)));
        }
    }

    /// <summary>The cosine of two embeddings; 0 when either is all zeros.</summary>
    internal static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return aa == 0 || bb == 0 ? 0f : (float)(dot / (Math.Sqrt(aa) * Math.Sqrt(bb)));
    }

    public void Dispose()
    {
        _images.Dispose();
        _texts.Dispose();
    }
}
