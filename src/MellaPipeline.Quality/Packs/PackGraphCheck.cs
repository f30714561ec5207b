using System.Globalization;
using MellaPipeline.Config;
using Microsoft.ML.OnnxRuntime;

namespace MellaPipeline.Quality.Packs;

/// <summary>
/// Loads each ONNX graph of a pack and compares its signature with pack.json: every input the
/// graph needs is one pack.json names, the named inputs and outputs exist with the element type
/// the scorer feeds or reads (float32 pixels and scores, int64 ids and mask), a dynamic batch axis,
/// and fixed sizes equal to pack.json's (<c>size</c>, <c>max_length</c>, <c>embedding_size</c>).
/// A symbolic size other than the batch is accepted: the graph takes what it is given.
/// </summary>
internal static class PackGraphCheck
{
    public static void Verify(ModelPack pack, string manifest)
    {
        var image = pack.Image;
        using (var session = Open(pack.PathOf(image.File), threads: 1))
        {
            var check = new Signature(session, pack.PathOf(image.File), manifest, "image");
            check.Inputs([image.Input]);
            check.Input("input", image.Input, typeof(float), [-1, 3, image.Size, image.Size]);
            if (image.Output is { } output)
            {
                check.Output("output", output, [-1, pack.EmbeddingSize ?? -1]);
            }

            if (pack.Score is { } score)
            {
                long width = check.Output("score.output", score.Output, [-1, -1], prefix: "")[1];
                if (width > 0 && score.Index >= width)
                {
                    throw new ConfigException(manifest, null, "score.index", string.Create(CultureInfo.InvariantCulture, $"{score.Index} is outside the output's {width} columns"));
                }
            }
        }

        if (pack.Text is { } text)
        {
            using var session = Open(pack.PathOf(text.File), threads: 1);
            var check = new Signature(session, pack.PathOf(text.File), manifest, "text");
            check.Inputs(text.AttentionMask is { } mask ? [text.InputIds, mask] : [text.InputIds]);
            check.Input("input_ids", text.InputIds, typeof(long), [-1, text.MaxLength]);
            if (text.AttentionMask is { } attention)
            {
                check.Input("attention_mask", attention, typeof(long), [-1, text.MaxLength]);
            }

            check.Output("output", text.Output, [-1, pack.EmbeddingSize ?? -1]);
        }
    }

    /// <summary>One inference session on a pack's graph: <paramref name="threads"/> intra-op threads when above 0, else ONNX Runtime's default.</summary>
    /// <exception cref="ConfigException">The file does not load as an ONNX model.</exception>
    public static InferenceSession Open(string path, int threads)
    {
        // Errors only: ONNX Runtime's warnings (graph rewrites it chose) would otherwise go to the run's stderr.
        using var options = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
        }

        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ConfigException(path, null, null, "does not load as an ONNX model: " + FirstLine(e.Message));
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private sealed class Signature(InferenceSession session, string path, string manifest, string section)
    {
        /// <summary>Every input of the graph must be fed: one pack.json does not name has no value.</summary>
        public void Inputs(IReadOnlyCollection<string> named)
        {
            foreach (string input in session.InputMetadata.Keys)
            {
                if (!named.Contains(input))
                {
                    throw new ConfigException(path, null, null, $"the graph has an input '{input}' that pack.json's {section} does not name");
                }
            }
        }

        public void Input(string key, string name, Type element, long[] expected)
        {
            if (!session.InputMetadata.TryGetValue(name, out var metadata))
            {
                throw Wrong(key, $"the graph has no input '{name}' (it has {string.Join(", ", session.InputMetadata.Keys)})");
            }

            Compare(key, name, metadata, element, expected);
        }

        /// <returns>The output's dimensions (−1 where symbolic).</returns>
        public long[] Output(string key, string name, long[] expected, string? prefix = null)
        {
            if (!session.OutputMetadata.TryGetValue(name, out var metadata))
            {
                throw Wrong(key, $"the graph has no output '{name}' (it has {string.Join(", ", session.OutputMetadata.Keys)})", prefix);
            }

            return Compare(key, name, metadata, typeof(float), expected, prefix);
        }

        private long[] Compare(string key, string name, NodeMetadata metadata, Type element, long[] expected, string? prefix = null)
        {
            if (!metadata.IsTensor || metadata.ElementType != element)
            {
                throw Wrong(key, $"'{name}' is {(metadata.IsTensor ? metadata.ElementType.Name : metadata.OnnxValueType.ToString())}, the scorer needs a {element.Name} tensor", prefix);
            }

            var dims = metadata.Dimensions.Select(d => (long)d).ToArray();
            string shape = "[" + string.Join(", ", dims.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";
            if (dims.Length != expected.Length)
            {
                throw Wrong(key, $"'{name}' has shape {shape}, pack.json needs {expected.Length} dimensions", prefix);
            }

            if (dims[0] > 0)
            {
                throw Wrong(key, $"'{name}' has a fixed batch size ({shape}): export it with a dynamic batch axis", prefix);
            }

            for (int i = 1; i < dims.Length; i++)
            {
                if (dims[i] > 0 && expected[i] > 0 && dims[i] != expected[i])
                {
                    throw Wrong(key, string.Create(CultureInfo.InvariantCulture, $"'{name}' has shape {shape}, pack.json says {expected[i]} for dimension {i}"), prefix);
                }
            }

            return dims;
        }

        private ConfigException Wrong(string key, string problem, string? prefix = null) =>
            new(manifest, null, (prefix ?? section + ".") + key, problem + " in " + Path.GetFileName(path));
    }
}
