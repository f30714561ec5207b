using System.Collections.Frozen;
using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Input;

namespace MellaPipeline.Quality.Packs;

/// <summary>
/// A model pack (docs/MODEL_PACKS.md): a folder with <c>pack.json</c>, ONNX encoders and a
/// tokenizer, every one of its files listed with its SHA-256. A pack is checked whole before
/// anything scores with it — strict keys, regular files under the folder within size caps,
/// hashes, and each ONNX graph loaded and its input and output names, element types and shapes
/// compared with pack.json — because a model that silently differs from the one its name says
/// would write wrong scores into every row. Packs are never downloaded: a pipeline names a folder.
/// </summary>
public sealed class ModelPack
{
    /// <summary>The manifest's file name inside a pack folder.</summary>
    public const string ManifestName = "pack.json";

    internal const long MaxManifestBytes = 1 << 20;

    /// <summary>The largest file a pack may name: protobuf's 2 GiB limit on a single ONNX model.</summary>
    internal const long MaxFileBytes = (2L << 30) - 1;

    internal const long MaxTokenizerBytes = 256L << 20;

    private static readonly FrozenDictionary<string, PackKind> Kinds = new Dictionary<string, PackKind>
    {
        ["alignment"] = PackKind.Alignment,
        ["image_classifier"] = PackKind.ImageClassifier,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, PackResize> Resizes = new Dictionary<string, PackResize>
    {
        ["shortest_side_bicubic"] = PackResize.ShortestSideBicubic,
        ["shortest_side_bilinear"] = PackResize.ShortestSideBilinear,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, bool> Crops = new Dictionary<string, bool> { ["center"] = true }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, bool> Layouts = new Dictionary<string, bool> { ["NCHW"] = true }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, PackTokenizerKind> TokenizerKinds = new Dictionary<string, PackTokenizerKind>
    {
        ["sentencepiece"] = PackTokenizerKind.SentencePiece,
        ["clip_bpe"] = PackTokenizerKind.ClipBpe,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, PackActivation> Activations = new Dictionary<string, PackActivation>
    {
        ["none"] = PackActivation.None,
        ["sigmoid"] = PackActivation.Sigmoid,
        ["softmax"] = PackActivation.Softmax,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private ModelPack(string folder, string name, string version, PackKind kind, int? embeddingSize, PackImage image, PackText? text, PackScore? score,
        IReadOnlyDictionary<string, string> files)
    {
        Folder = folder;
        Name = name;
        Version = version;
        Kind = kind;
        EmbeddingSize = embeddingSize;
        Image = image;
        Text = text;
        Score = score;
        Files = files;
    }

    /// <summary>The pack's folder, absolute.</summary>
    public string Folder { get; }

    public string Name { get; }

    public string Version { get; }

    public PackKind Kind { get; }

    /// <summary>Width of the embeddings (required for an alignment pack).</summary>
    public int? EmbeddingSize { get; }

    public PackImage Image { get; }

    /// <summary>The text encoder; null for an image classifier.</summary>
    public PackText? Text { get; }

    /// <summary>The score output; null for an alignment pack.</summary>
    public PackScore? Score { get; }

    /// <summary>pack.json's <c>files</c>: each file name and its lowercase hex SHA-256.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary><c>NAME@VERSION</c>: what a row's <c>align_model</c> says.</summary>
    public string Id => Name + "@" + Version;

    /// <summary>The absolute path of one of the pack's files.</summary>
    public string PathOf(string file) => Path.Combine(Folder, file);

    /// <summary>
    /// Null when <paramref name="folder"/> holds a usable pack; otherwise the one line that says
    /// what is wrong, naming the folder or file and the key (<c>…/pack.json: files.image.onnx: SHA-256 …</c>).
    /// </summary>
    public static string? Problem(string folder)
    {
        try
        {
            Load(folder);
            return null;
        }
        catch (ConfigException e)
        {
            return e.Message;
        }
    }

    /// <summary>As <see cref="Problem(string)"/>, and the pack must be of <paramref name="kind"/> (an alignment pack for <c>stages.align.model</c>, a classifier for <c>stages.safety.model</c>).</summary>
    public static string? Problem(string folder, PackKind kind)
    {
        try
        {
            var pack = Load(folder);
            return pack.Kind == kind
                ? null
                : new ConfigException(Path.Combine(pack.Folder, ManifestName), null, "kind", $"is {KindName(pack.Kind)}, this stage needs an {KindName(kind)} pack").Message;
        }
        catch (ConfigException e)
        {
            return e.Message;
        }
    }

    private static string KindName(PackKind kind) => Kinds.Single(k => k.Value == kind).Key;

    /// <summary>Reads and checks the pack in <paramref name="folder"/> (see the class summary).</summary>
    /// <exception cref="ConfigException">The pack cannot be used; the message is <see cref="Problem(string)"/>'s line.</exception>
    public static ModelPack Load(string folder)
    {
        // The load-time check and every task of the process load the same pack: its files are hashed
        // and its graphs checked once, again only when a file in the folder changed (size or time).
        string stamp = Stamp(Path.GetFullPath(folder));
        lock (Verified)
        {
            if (Verified.TryGetValue(stamp, out var known))
            {
                return known;
            }
        }

        var pack = LoadAndVerify(folder);
        lock (Verified)
        {
            Verified[stamp] = pack;
        }

        return pack;
    }

    private static readonly Dictionary<string, ModelPack> Verified = new(StringComparer.Ordinal);

    /// <summary>The folder and every entry in it with its size and write time (empty for a folder that is not there).</summary>
    private static string Stamp(string root) =>
        !Directory.Exists(root)
            ? root + "\0missing"
            : string.Join('\n', new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Take(10_000)
                .Select(e => $"{e.FullName}\t{(e as FileInfo)?.Length}\t{e.LastWriteTimeUtc.Ticks}").Order(StringComparer.Ordinal).Prepend(root));

    private static ModelPack LoadAndVerify(string folder)
    {
        string root = Path.GetFullPath(folder);
        string manifest = Path.Combine(root, ManifestName);
        if (UserFile.KindOf(root) != UserFileKind.Folder)
        {
            throw new ConfigException(root, null, null, "not a model pack folder (" + (UserFile.NotRegularFile(root) ?? "a file, not a folder") + ")");
        }

        var bytes = UserFile.ReadAllBytes(manifest, MaxManifestBytes);
        if (!bytes.Ok)
        {
            throw new ConfigException(manifest, null, null, bytes.Failure == UserFileFailure.Missing ? "missing: a model pack needs pack.json" : bytes.Detail ?? "unreadable");
        }

        ModelPack pack;
        try
        {
            using var document = JsonDocument.Parse(bytes.Bytes, new JsonDocumentOptions { MaxDepth = 16 });
            pack = Read(root, new PackJsonObject(document.RootElement, ""));
        }
        catch (JsonException e)
        {
            throw new ConfigException(manifest, (int?)(e.LineNumber + 1), null, "not valid JSON");
        }
        catch (PackKeyException e)
        {
            throw new ConfigException(manifest, null, e.Key, e.Message);
        }

        PackFileCheck.Verify(pack, manifest);
        PackGraphCheck.Verify(pack, manifest);
        if (pack.Text is not null)
        {
            PackTextTokenizer.Open(pack);
        }

        return pack;
    }

    private static ModelPack Read(string root, PackJsonObject json)
    {
        string name = json.String("name");
        string version = json.String("version");
        var kind = json.Choice("kind", Kinds);
        int? embedding = json.OptionalInt("embedding_size", 1, 1 << 16);
        var image = ReadImage(json.Object("image"), kind);
        PackText? text = null;
        PackScore? score = null;
        if (kind == PackKind.Alignment)
        {
            text = ReadText(json.Object("text"));
            if (embedding is null)
            {
                throw new PackKeyException("embedding_size", "missing (an alignment pack needs it)");
            }

            if (json.Has("score"))
            {
                throw new PackKeyException("score", "only an image_classifier pack has a score");
            }
        }
        else
        {
            score = ReadScore(json.Object("score"));
            if (json.Has("text"))
            {
                throw new PackKeyException("text", "an image_classifier pack has no text encoder");
            }
        }

        var files = json.StringMap("files");
        json.RejectUnknownKeys();
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, hash) in files)
        {
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            {
                throw new PackKeyException("files." + file, "must be a SHA-256 in 64 lowercase hex digits");
            }

            map[file] = hash;
        }

        var pack = new ModelPack(root, name, version, kind, embedding, image, text, score, map);
        foreach (var (key, file) in pack.NamedFiles())
        {
            if (!map.ContainsKey(file))
            {
                throw new PackKeyException(key, $"'{file}' is not listed in files with its SHA-256");
            }
        }

        return pack;
    }

    /// <summary>Every file the pack's keys name, with the key that names it.</summary>
    internal IEnumerable<(string Key, string File)> NamedFiles()
    {
        yield return ("image.file", Image.File);
        if (Text is { } text)
        {
            yield return ("text.file", text.File);
            var tokenizer = text.Tokenizer;
            foreach (var (key, file) in new[] { ("file", tokenizer.File), ("vocab", tokenizer.Vocab), ("merges", tokenizer.Merges) })
            {
                if (file is not null)
                {
                    yield return ("text.tokenizer." + key, file);
                }
            }
        }
    }

    private static PackImage ReadImage(PackJsonObject json, PackKind kind)
    {
        string file = json.String("file");
        string input = json.String("input");
        string? output = kind == PackKind.Alignment ? json.String("output") : json.OptionalString("output");
        int size = json.Int("size", 1, 4096);
        var resize = json.Choice("resize", Resizes);
        json.Choice("crop", Crops);
        var mean = json.Floats("mean", 3, positive: false);
        var std = json.Floats("std", 3, positive: true);
        json.Choice("layout", Layouts, fallback: true, required: false);
        json.RejectUnknownKeys();
        return new PackImage(file, input, output, size, resize, mean, std);
    }

    private static PackText ReadText(PackJsonObject json)
    {
        string file = json.String("file");
        string ids = json.String("input_ids");
        string? mask = json.OptionalString("attention_mask");
        string output = json.String("output");
        int maxLength = json.Int("max_length", 3, 8192);
        var tokenizerJson = json.Object("tokenizer");
        var kind = tokenizerJson.Choice("kind", TokenizerKinds);
        PackTokenizer tokenizer = kind == PackTokenizerKind.SentencePiece
            ? new(kind, tokenizerJson.String("file"), null, null, tokenizerJson.OptionalBool("lowercase", false))
            : new(kind, null, tokenizerJson.String("vocab"), tokenizerJson.String("merges"), tokenizerJson.OptionalBool("lowercase", true));
        tokenizerJson.RejectUnknownKeys();
        json.RejectUnknownKeys();
        return new PackText(file, ids, mask, output, maxLength, tokenizer);
    }

    private static PackScore ReadScore(PackJsonObject json)
    {
        var score = new PackScore(json.String("output"), json.OptionalInt("index", 0, 1 << 16) ?? 0, json.Choice("activation", Activations));
        json.RejectUnknownKeys();
        return score;
    }
}
