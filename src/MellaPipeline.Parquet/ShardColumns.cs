using Parquet.Schema;

namespace MellaPipeline.Parquet;

/// <summary>
/// The columns of a dataset shard (SPEC §3), in file order: the one table the writer, the reader's
/// projections, the Parquet schema, the Hugging Face features, <c>schemas/shard.md</c> and
/// <c>schemas/shard.schema.json</c> all come from. Adding a column is one line here (besides its
/// <see cref="Records.PairRecord"/> property and a bump of <see cref="ShardSchema.Version"/>); the
/// Parquet tests then say how to regenerate the two schema documents.
/// </summary>
public static class ShardColumns
{
    // Declared first: static fields initialise in textual order, so each column below joins these
    // lists in the order it is written, which is the order of the file.
    private static readonly List<ShardColumn> TopLevel = [];
    private static readonly List<ShardValueColumn> LeafColumns = [];

    public static readonly StringColumn Key = Column(new StringColumn("key", nullable: false, r => r.Key, "Stable id of the pair: 32 hex digits of SHA-256 over the length-prefixed source, image URL (or image path when there is no URL), page URL and raw caption. The same input gives the same key in every run, on every machine, with any task layout."));
    public static readonly StringColumn Lang = Column(new StringColumn("lang", nullable: false, r => r.Lang, "ISO 639-1 code of `text`: one of `ar cs hu ko ru sr th vi`."));
    public static readonly StringColumn Script = Column(new StringColumn("script", nullable: false, r => r.Script, "ISO 15924 code of the script most of the caption's letters are in (`Arab`, `Latn`, `Hang`, `Cyrl`, `Thai`). Serbian rows may be `Cyrl` or `Latn`."));
    public static readonly StringColumn Source = Column(new StringColumn("source", nullable: false, r => r.Source, "`native` (alt text a web page gave the image), `mllm` (a model-written caption translated into `lang`) or `fused` (a caption a caption layer's `fuse` step wrote in `lang` from a native row's alt text and the model's description of the image; `grounded_from` names that native row)."));
    public static readonly StringColumn Text = Column(new StringColumn("text", nullable: false, r => r.Text, "The caption, normalised: Unicode NFC, Arabic tatweel removed and presentation forms folded, control characters removed, white space collapsed."));

    /// <summary>The <c>bytes</c> field of <see cref="Image"/>.</summary>
    public static readonly BytesColumn ImageBytes = new("bytes", r => r.ImageBytes, "The encoded image (PNG, JPEG, GIF or WebP): the bytes as read, or the resized/re-encoded image when `load_images` is configured so; null when the pipeline stores images by reference.");

    /// <summary>The <c>path</c> field of <see cref="Image"/>.</summary>
    public static readonly StringColumn ImagePath = new("path", nullable: true, r => r.ImagePath, "The image's file name (its extension follows a re-encoded format), or its full path when stored by reference.");

    public static readonly ImageColumn Image = Column(new ImageColumn("image", ImageBytes, ImagePath, "Hugging Face `Image` layout: a struct of `bytes` and `path` (below), which `datasets` decodes as an image. Optional in the Parquet schema, as every struct the writer makes, but never null."));
    public static readonly StringColumn Url = Column(new StringColumn("url", nullable: true, r => r.Url, "Absolute URL of the image as published."));
    public static readonly StringColumn PageUrl = Column(new StringColumn("page_url", nullable: true, r => r.PageUrl, "The page the image appeared on."));
    public static readonly IntColumn Width = Column(new IntColumn("width", r => r.Width, "Width in pixels of the stored image, as its header says."));
    public static readonly IntColumn Height = Column(new IntColumn("height", r => r.Height, "Height in pixels of the stored image."));
    public static readonly StringColumn Sha256 = Column(new StringColumn("sha256", nullable: true, r => r.Sha256, "Lowercase hex SHA-256 of the stored image bytes; null only when `stages.load_images.enabled` is false (no image was read)."));
    public static readonly StringColumn Phash = Column(new StringColumn("phash", nullable: true, r => r.Phash, "16 lowercase hex digits of a 64-bit perceptual hash; the algorithm is named in the file metadata (`mella.phash_algorithm`). Filled by `load_images` for every row (`phash-v1:…,decoder=skiasharp`, see README \"Perceptual hashes and near duplicates\"); null only in files written with algorithm `none`."));
    public static readonly StringColumn PhashWindows = Column(new StringColumn("phash_windows", nullable: true, r => r.PhashWindows, "80 lowercase hex digits: the perceptual hashes (as `phash`) of five overlapping windows of the image — the centre without 4 % a side, the image without its left, right or top 8 %, without its bottom 15 % — so that near-duplicate clustering finds light crops and watermarked copies; the algorithm is named in the file metadata (`mella.phash_windows_algorithm`). Filled by `load_images` beside `phash`; null when `phash` is, and in files written before the column existed."));
    public static readonly StringColumn DupCluster = Column(new StringColumn("dup_cluster", nullable: false, r => r.DupCluster, "Near-duplicate cluster id: identical for all pairs whose images are near duplicates by the run's rule (`reduce/clusters.json` `rule`, `near-v1`: perceptual hashes within `stages.dedup_near.threshold` bits, or within twice that plus 2 while a window hash agrees; see README \"Perceptual hashes and near duplicates\"), directly or through a chain, over the whole run. It is the first 16 hex digits of the smallest `sha256` among the cluster's images (dropped rows' images included), so it depends on the images only. With `dedup_near` off it is the exact-content cluster: the first 16 hex digits of the row's own `sha256`. A row read without its image (`load_images.enabled: false`) is its own cluster: the first 16 hex digits of its `key`."));
    public static readonly StringColumn CaptionModel = Column(new StringColumn("caption_model", nullable: true, r => r.CaptionModel, "For `mllm` rows: the model that wrote the caption."));
    public static readonly StringColumn CaptionSourceLang = Column(new StringColumn("caption_source_lang", nullable: true, r => r.CaptionSourceLang, "For `mllm` rows: the language the caption was written in before translation."));
    public static readonly StringColumn Origin = Column(new StringColumn("origin", nullable: false, r => r.Origin, "Where the pair came from: input file and byte offset (`pairs.jsonl@1234`), or the crawled or archived page's URL."));
    public static readonly IntColumn OrigWidth = Column(new IntColumn("orig_width", r => r.OrigWidth, "Width of the image as read or downloaded, upright (after EXIF orientation), before any resize."));
    public static readonly IntColumn OrigHeight = Column(new IntColumn("orig_height", r => r.OrigHeight, "Height of the image as read, upright, before any resize."));
    public static readonly StringColumn ImageOps = Column(new StringColumn("image_ops", nullable: true, r => r.ImageOps, "What was done to the pixels, `;`-separated in order: `orient=N` (EXIF orientation applied), `cmyk=rgb`, `icc=srgb` (embedded profile converted), `frame=0/N` (first of N frames), `alpha=white` (transparency composited onto white) — all before hashing — then, when the stored image was re-encoded, `resize=keep_ratio:WxH` or `resize=center_crop:WxH` and `encode=jpeg:qQ` / `encode=webp:qQ` / `encode=png`. Null when nothing was applied. When the original bytes are stored, only the hash saw the normalisation."));
    public static readonly StringColumn CaptionPromptId = Column(new StringColumn("caption_prompt_id", nullable: true, r => r.CaptionPromptId, "For `mllm` rows from a caption layer: the id of the prompt the captioning model was given."));
    public static readonly StringColumn CaptionTranslator = Column(new StringColumn("caption_translator", nullable: true, r => r.CaptionTranslator, "For translated `mllm` rows: the engine that translated the caption (null when the model wrote in `lang` itself)."));
    public static readonly StringColumn SourceMeta = Column(new StringColumn("source_meta", nullable: true, r => r.SourceMeta, "For rows of a `urls` input with `keep_columns`: those columns of the list's row as one JSON object (e.g. LAION's `{\"similarity\": 0.31, \"punsafe\": 0.0012}`); null otherwise."));

    public static readonly FloatColumn AlignScore = Column(new FloatColumn("align_score", r => r.AlignScore, "Image–text alignment score of the pair from `stages.align` (cosine similarity of a model pack's image and text embeddings, −1…1, or an MLLM judge's 0…1); null when the stage is off or the row has no image."));
    public static readonly StringColumn AlignModel = Column(new StringColumn("align_model", nullable: true, r => r.AlignModel, "Who gave `align_score`: a model pack's `NAME@VERSION` or `judge:MODEL/PROMPT_ID`; null when unscored."));
    public static readonly FloatColumn NsfwScore = Column(new FloatColumn("nsfw_score", r => r.NsfwScore, "Image safety classifier score (0…1) from `stages.safety.model`; null when the stage has no model or the row has no image."));
    public static readonly StringColumn GroundedFrom = Column(new StringColumn("grounded_from", nullable: true, r => r.GroundedFrom, "For `fused` rows: the `key` of the native row (same image, same `lang`) whose alt text the caption was written from; null for every other row."));

    /// <summary>
    /// The Parquet schema of these columns. It is made with the table, not on first write: a field
    /// is readable only once a schema holds it (that gives it its path), and a process that only
    /// reads shards must find it so.
    /// </summary>
    public static readonly ParquetSchema Schema = new(TopLevel.Select(c => c.Field).ToArray());

    /// <summary>Top-level columns in file order.</summary>
    public static IReadOnlyList<ShardColumn> All => TopLevel;

    /// <summary>Every leaf column (the fields of a struct in its place), in file order.</summary>
    public static IReadOnlyList<ShardValueColumn> Leaves => LeafColumns;

    private static T Column<T>(T column) where T : ShardColumn
    {
        TopLevel.Add(column);
        foreach (var leaf in column.Leaves)
        {
            leaf.Ordinal = LeafColumns.Count;
            LeafColumns.Add(leaf);
        }

        return column;
    }
}
