using MellaPipeline.Imaging;
using MellaPipeline.Records;
using MellaPipeline.Stages;
using Microsoft.ML.OnnxRuntime;

namespace MellaPipeline.Quality.Packs;

/// <summary>An output of a batch run: one row of <see cref="Width"/> floats per encoded item, row-major.</summary>
internal sealed record PackOutput(float[] Values, int Width)
{
    public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Width, Width);
}

/// <summary>
/// A pack's image encoder: decodes each row's stored image through the toolkit's hardened
/// decoding (<see cref="ImageProcessor.DecodePixels"/>: header and pixel limits first, upright,
/// sRGB, alpha onto white), preprocesses it (<see cref="PackImagePreprocessor"/>) and runs all the
/// decodable images of a call as one batch tensor through one inference session.
/// </summary>
internal sealed class PackImageEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly PackImage _spec;
    private readonly PackImagePreprocessor _preprocessor;
    private readonly ImageProcessor _images;

    public PackImageEncoder(ModelPack pack, int threads, ImageProcessor? images)
    {
        _spec = pack.Image;
        _session = PackGraphCheck.Open(pack.PathOf(_spec.File), threads);
        _preprocessor = new PackImagePreprocessor(_spec);
        _images = images ?? new ImageProcessor(SkiaImageDecoder.Instance);
    }

    /// <summary>Rows one input tensor holds at most: 2^26 floats (256 MiB), whatever batch_size and the pack's input size are.</summary>
    public int MaxRows => Math.Max(1, (1 << 26) / _preprocessor.Length);

    /// <summary>
    /// <paramref name="rows"/> scored by <paramref name="fill"/> in slices of at most <see cref="MaxRows"/>
    /// rows, so that a large batch of large inputs never needs one tensor beyond an array's size;
    /// <paramref name="fill"/> sets every outcome of its slice.
    /// </summary>
    public ValueTask<IReadOnlyList<RowScore>> ScoreInSlices(IReadOnlyList<PairRecord> rows, Action<IReadOnlyList<PairRecord>, RowScore?[]> fill, CancellationToken cancellationToken)
    {
        var scores = new List<RowScore>(rows.Count);
        for (int start = 0; start < rows.Count; start += MaxRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = rows.Count <= MaxRows ? rows : rows.Skip(start).Take(MaxRows).ToList();
            var outcomes = new RowScore?[slice.Count];
            fill(slice, outcomes);
            scores.AddRange(outcomes.Select(o => o!.Value));
        }

        return ValueTask.FromResult<IReadOnlyList<RowScore>>(scores);
    }

    /// <summary>
    /// Encodes the rows' images. A row with no image bytes, or whose bytes do not decode, gets its
    /// outcome in <paramref name="outcomes"/> (an image reason code) and no output row.
    /// </summary>
    /// <returns>The indices of the encoded rows, in order, and each named output for them.</returns>
    public (int[] Rows, PackOutput[] Outputs) Encode(IReadOnlyList<PairRecord> rows, RowScore?[] outcomes, params string[] outputs)
    {
        var encoded = new List<int>(rows.Count);
        var pixels = new float[rows.Count * _preprocessor.Length];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].ImageBytes is not { } bytes)
            {
                outcomes[i] = new RowScore(null, ReasonCodes.ImageMissing, "the row has no stored image bytes (load_images.store is not bytes)");
                continue;
            }

            var decoded = _images.DecodePixels(bytes);
            if (decoded.Image is not { } image)
            {
                outcomes[i] = new RowScore(null, decoded.Reason, decoded.Detail);
                continue;
            }

            _preprocessor.Write(image, pixels.AsSpan(encoded.Count * _preprocessor.Length, _preprocessor.Length));
            encoded.Add(i);
        }

        if (encoded.Count == 0)
        {
            return ([], outputs.Select(_ => new PackOutput([], 0)).ToArray());
        }

        var memory = pixels.AsMemory(0, encoded.Count * _preprocessor.Length);
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory, [encoded.Count, 3, _spec.Size, _spec.Size]);
        return (encoded.ToArray(), PackRun.Run(_session, [_spec.Input], [input], outputs, encoded.Count));
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>
/// A pack's text encoder: tokenises captions (<see cref="PackTextTokenizer"/>), pads each to
/// <c>max_length</c> with the tokenizer's pad id (the mask 0 there), and runs them as one batch.
/// </summary>
internal sealed class PackTextEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly PackText _spec;

    public PackTextEncoder(ModelPack pack, int threads)
    {
        _spec = pack.Text ?? throw new ArgumentException("an image_classifier pack has no text encoder", nameof(pack));
        Tokenizer = PackTextTokenizer.Open(pack);
        _session = PackGraphCheck.Open(pack.PathOf(_spec.File), threads);
    }

    public PackTextTokenizer Tokenizer { get; }

    public PackOutput Encode(IReadOnlyList<string> texts)
    {
        if (texts.Count == 0)
        {
            return new PackOutput([], 0);
        }

        int length = _spec.MaxLength;
        var ids = new long[texts.Count * length];
        var mask = new long[texts.Count * length];
        Array.Fill(ids, Tokenizer.PadId);
        for (int i = 0; i < texts.Count; i++)
        {
            var tokens = Tokenizer.Encode(texts[i]);
            tokens.CopyTo(ids.AsSpan(i * length));
            mask.AsSpan(i * length, tokens.Length).Fill(1);
        }

        long[] shape = [texts.Count, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        if (_spec.AttentionMask is not { } maskName)
        {
            return PackRun.Run(_session, [_spec.InputIds], [idsValue], [_spec.Output], texts.Count)[0];
        }

        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        return PackRun.Run(_session, [_spec.InputIds, maskName], [idsValue, maskValue], [_spec.Output], texts.Count)[0];
    }

    public void Dispose() => _session.Dispose();
}

internal static class PackRun
{
    /// <summary>Runs a session and copies each named output, a <c>[count, width]</c> float tensor, out of native memory.</summary>
    public static PackOutput[] Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames, int count)
    {
        using var options = new RunOptions();
        using var results = session.Run(options, inputNames, inputs, outputNames);
        var outputs = new PackOutput[outputNames.Length];
        for (int o = 0; o < outputs.Length; o++)
        {
            var values = results[o].GetTensorDataAsSpan<float>().ToArray();
            outputs[o] = new PackOutput(values, values.Length / count);
        }

        return outputs;
    }
}
