namespace MellaPipeline.Quality.Packs;

/// <summary>What a model pack scores with: an image and a text encoder, or an image encoder with a score output.</summary>
public enum PackKind
{
    /// <summary><c>alignment</c>: image and text encoders into one embedding space; the score is their cosine.</summary>
    Alignment,

    /// <summary><c>image_classifier</c>: an image encoder with a score output (e.g. NSFW).</summary>
    ImageClassifier,
}

/// <summary>How the image's short side is brought to <see cref="PackImage.Size"/> (PIL's antialiased filters).</summary>
public enum PackResize
{
    /// <summary><c>shortest_side_bicubic</c>: bicubic, a = −0.5, as CLIP's preprocessing.</summary>
    ShortestSideBicubic,

    /// <summary><c>shortest_side_bilinear</c>: a triangle filter.</summary>
    ShortestSideBilinear,
}

/// <summary>The tokenizer a text encoder was trained with.</summary>
public enum PackTokenizerKind
{
    /// <summary><c>sentencepiece</c>, in XLM-R's id layout (docs/MODEL_PACKS.md).</summary>
    SentencePiece,

    /// <summary><c>clip_bpe</c>: OpenAI CLIP's byte-level BPE (vocab + merges).</summary>
    ClipBpe,
}

/// <summary>What is applied to a classifier's score output.</summary>
public enum PackActivation
{
    None,
    Sigmoid,
    Softmax,
}

/// <summary>pack.json's <c>image</c>: the image encoder and its preprocessing (RGB, NCHW, float32).</summary>
/// <param name="Output">The embedding output; optional for a classifier (its score comes from <see cref="PackScore.Output"/>).</param>
/// <param name="Size">Side of the square the encoder takes.</param>
public sealed record PackImage(string File, string Input, string? Output, int Size, PackResize Resize, double[] Mean, double[] Std);

/// <summary>pack.json's <c>text.tokenizer</c>.</summary>
/// <param name="File">The SentencePiece model (<c>sentencepiece</c>).</param>
/// <param name="Vocab">CLIP's vocab JSON (<c>clip_bpe</c>).</param>
/// <param name="Merges">CLIP's merges file (<c>clip_bpe</c>).</param>
/// <param name="Lowercase">Lowercase the caption before tokenising (CLIP's rule; XLM-R keeps case).</param>
public sealed record PackTokenizer(PackTokenizerKind Kind, string? File, string? Vocab, string? Merges, bool Lowercase);

/// <summary>pack.json's <c>text</c>: the text encoder.</summary>
/// <param name="AttentionMask">The mask input (1 = token, 0 = padding), or null when the graph takes ids alone.</param>
/// <param name="MaxLength">Tokens per caption, special tokens included; captions are truncated and padded to it.</param>
public sealed record PackText(string File, string InputIds, string? AttentionMask, string Output, int MaxLength, PackTokenizer Tokenizer);

/// <summary>pack.json's <c>score</c>: which output of a classifier's image encoder is the score.</summary>
/// <param name="Index">The column of the <c>[batch, K]</c> output (after a softmax over all K, when asked).</param>
public sealed record PackScore(string Output, int Index, PackActivation Activation);
