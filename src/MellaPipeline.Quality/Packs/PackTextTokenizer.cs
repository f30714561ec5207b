using System.Net;
using System.Text.RegularExpressions;
using MellaPipeline.Config;
using MellaPipeline.Input;
using Microsoft.ML.Tokenizers;

namespace MellaPipeline.Quality.Packs;

/// <summary>A pack's tokenizer: a caption to the text encoder's ids, special tokens included, at most <c>max_length</c> of them.</summary>
internal abstract class PackTextTokenizer
{
    /// <summary>The id that fills a caption's ids up to <c>max_length</c>.</summary>
    public abstract long PadId { get; }

    public abstract long[] Encode(string text);

    /// <summary>Opens the tokenizer pack.json names (its files are checked already).</summary>
    /// <exception cref="ConfigException">The tokenizer file does not load.</exception>
    public static PackTextTokenizer Open(ModelPack pack)
    {
        var text = pack.Text ?? throw new InvalidOperationException("an image_classifier pack has no tokenizer");
        var spec = text.Tokenizer;
        string path = pack.PathOf(spec.File ?? spec.Vocab!);
        try
        {
            return spec.Kind == PackTokenizerKind.SentencePiece
                ? new XlmRobertaTokenizer(Read(path), text.MaxLength, spec.Lowercase)
                : new ClipBpeTokenizer(path, pack.PathOf(spec.Merges!), text.MaxLength, spec.Lowercase);
        }
        // What the tokenizer libraries throw on a file that is not their format; a model protobuf
        // without its trainer spec (an empty file parses as one) ends in a NullReferenceException
        // inside Microsoft.ML.Tokenizers 2.0.1. Each stops the run as a bad pack.
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or FormatException or NotSupportedException
                                      or System.Text.Json.JsonException or KeyNotFoundException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new ConfigException(path, null, null, $"does not load as a {(spec.Kind == PackTokenizerKind.SentencePiece ? "SentencePiece model" : "CLIP BPE vocabulary")}: {e.Message.Split('\n', 2)[0]}");
        }
    }

    private static byte[] Read(string path)
    {
        var bytes = UserFile.ReadAllBytes(path, ModelPack.MaxTokenizerBytes);
        return bytes.Bytes ?? throw new ConfigException(path, null, null, bytes.Detail ?? "unreadable");
    }

    /// <summary>Truncates to <paramref name="maxLength"/> keeping the last (end) token, as XLM-R's and CLIP's tokenizers do.</summary>
    protected static long[] Wrap(long begin, IReadOnlyList<int> body, Func<int, long> map, long end, int maxLength)
    {
        int count = Math.Min(body.Count, maxLength - 2);
        var ids = new long[count + 2];
        ids[0] = begin;
        for (int i = 0; i < count; i++)
        {
            ids[i + 1] = map(body[i]);
        }

        ids[^1] = end;
        return ids;
    }
}

/// <summary>
/// A SentencePiece model in XLM-R's id layout (fairseq's dictionary over the SentencePiece
/// pieces): <c>&lt;s&gt;</c> = 0, <c>&lt;pad&gt;</c> = 1, <c>&lt;/s&gt;</c> = 2, <c>&lt;unk&gt;</c> = 3,
/// every other piece its SentencePiece id + 1 (the model's own <c>&lt;unk&gt;</c>, id 0, becomes 3).
/// A caption is <c>&lt;s&gt;</c>, its pieces, <c>&lt;/s&gt;</c>, truncated to max_length and padded
/// with 1 — what Hugging Face's <c>XLMRobertaTokenizer</c> gives OpenCLIP's
/// <c>xlm-roberta-base-ViT-B-32</c>. The model's normalisation rules (nmt_nfkc's precompiled map)
/// apply, as spm_encode applies them.
/// </summary>
internal sealed class XlmRobertaTokenizer : PackTextTokenizer
{
    public const long Begin = 0, Pad = 1, End = 2, Unknown = 3, Offset = 1;

    private readonly SentencePieceTokenizer _tokenizer;
    private readonly int _maxLength;
    private readonly bool _lowercase;

    public XlmRobertaTokenizer(byte[] model, int maxLength, bool lowercase)
    {
        using var stream = new MemoryStream(model, writable: false);
        _tokenizer = SentencePieceTokenizer.Create(stream, false, false);
        _maxLength = maxLength;
        _lowercase = lowercase;
    }

    public override long PadId => Pad;

    /// <summary>
    /// The SentencePiece model's own ids, as <c>spm_encode --output_format=id</c> prints them: a
    /// run of characters the model does not know is one <c>&lt;unk&gt;</c>, as SentencePiece (and
    /// Hugging Face's <c>fuse_unk</c>) makes it, where Microsoft.ML.Tokenizers gives one per character.
    /// </summary>
    public IReadOnlyList<int> PieceIds(string text)
    {
        var ids = _tokenizer.EncodeToIds(_lowercase ? text.ToLowerInvariant() : text, addBeginningOfSentence: false, addEndOfSentence: false);
        int unknown = _tokenizer.UnknownId;
        var fused = new List<int>(ids.Count);
        foreach (int id in ids)
        {
            if (id != unknown || fused.Count == 0 || fused[^1] != unknown)
            {
                fused.Add(id);
            }
        }

        return fused;
    }

    public override long[] Encode(string text)
    {
        int unknown = _tokenizer.UnknownId;
        return Wrap(Begin, PieceIds(text), id => id == unknown ? Unknown : id + Offset, End, _maxLength);
    }
}

/// <summary>
/// OpenAI CLIP's tokenizer: HTML entities unescaped, whitespace collapsed, lowercased, split by
/// CLIP's pattern, byte-level BPE with <c>&lt;/w&gt;</c> ending each word; a caption is
/// <c>&lt;|startoftext|&gt;</c>, its tokens, <c>&lt;|endoftext|&gt;</c>, truncated to max_length and
/// padded with 0 (OpenCLIP's <c>tokenize</c>). ftfy's mojibake repair is not applied.
/// </summary>
internal sealed partial class ClipBpeTokenizer : PackTextTokenizer
{
    private const string StartToken = "<|startoftext|>", EndToken = "<|endoftext|>";

    private readonly BpeTokenizer _tokenizer;
    private readonly int _maxLength;
    private readonly bool _lowercase;
    private readonly long _start, _end;

    public ClipBpeTokenizer(string vocab, string merges, int maxLength, bool lowercase)
    {
        var options = new BpeOptions(vocab, merges)
        {
            PreTokenizer = new RegexPreTokenizer(ClipPattern(), null),
            EndOfWordSuffix = "</w>",
            ByteLevel = true,
        };
        _tokenizer = BpeTokenizer.Create(options);
        _start = _tokenizer.Vocabulary.TryGetValue(StartToken, out int s) ? s : throw new FormatException($"the vocabulary has no {StartToken}");
        _end = _tokenizer.Vocabulary.TryGetValue(EndToken, out int e) ? e : throw new FormatException($"the vocabulary has no {EndToken}");
        _maxLength = maxLength;
        _lowercase = lowercase;
    }

    public override long PadId => 0;

    public override long[] Encode(string text)
    {
        string clean = Whitespace().Replace(WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)), " ").Trim();
        var ids = _tokenizer.EncodeToIds(_lowercase ? clean.ToLowerInvariant() : clean);
        return Wrap(_start, ids, id => id, _end, _maxLength);
    }

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClipPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
