using System.Security.Cryptography;
using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Records;
using MellaPipeline.Runtime;

namespace MellaPipeline.Stages;

/// <summary>
/// Reads a pair's image file (or, for a pair with only an image URL, downloads it through the
/// <see cref="IImageFetcher"/>), checks its size, format and dimensions from the header (before
/// any pixel is decoded), and, when an <see cref="IImageProcessor"/> is given, decodes it for its
/// perceptual hash and the image to store (an image that does not decode is a reject). The row's
/// <c>sha256</c> is of the stored bytes. Until near-duplicate clustering runs, a pair's cluster is
/// the exact-content cluster: the first 16 hex digits of that SHA-256.
/// <para>
/// With a <see cref="IImageBlocklist"/> the image is checked here, not in a later stage, so that a
/// listed image is caught whatever else is wrong with it: its original bytes' SHA-256 as soon as
/// they are read (before the size, format and dimension checks, whose rejects would name its URL),
/// its perceptual hash as soon as it is computed — and an image about to be dropped for its
/// dimensions is decoded for its hash first. A match is a dropped <c>image_blocklisted</c> reject
/// that names the key only (<see cref="Withheld"/>): no URL, page URL, origin or detail.
/// </para>
/// </summary>
/// <param name="counters">Where the bytes downloaded are counted for the progress display (the task's counters).</param>
public sealed class LoadImageStage(LoadImagesOptions options, IImageFetcher? fetcher = null, IImageProcessor? processor = null, IImageBlocklist? blocklist = null, PipelineCounters? counters = null)
    : IRecordStage<PairCandidate, PairRecord>
{
    public const string StageName = "load_images";

    public string Name => StageName;

    private readonly SemaphoreSlim _processing = new(Math.Max(1, options.Concurrency));

    public async ValueTask<StageOutcome<PairRecord>> ProcessAsync(PairCandidate input, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            // A metadata pass: the row as the input gave it, its image left where it is.
            // The image stays where it is, as with store: reference: its URL (or file) is the row's image path.
            return StageOutcome<PairRecord>.Ok(RowOf(input) with { ImagePath = input.ImagePath ?? input.Url });
        }

        byte[] bytes;
        string imageName;
        if (input.ImagePath is null)
        {
            if (fetcher is null || input.Url is null || !Uri.TryCreate(input.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                return StageOutcome<PairRecord>.Failed(ReasonCodes.ImageMissing, "no image path and no image URL to download");
            }

            var download = await fetcher.DownloadAsync(input.Url, cancellationToken);
            if (download.Bytes is null)
            {
                // An owner's opt-out is a policy drop, like robots.txt for a page; anything else failed.
                (string code, string detail) = (ReasonCodes.ImageFetch(download.Reason!), $"{input.Url}: {download.Detail}");
                return download.OptedOut ? StageOutcome<PairRecord>.Dropped(code, detail) : StageOutcome<PairRecord>.Failed(code, detail);
            }

            counters?.CountDownloaded(download.Bytes.Length);

            if (Blocklisted(input, download.Bytes) is { } listed)
            {
                return listed;
            }

            if (download.Bytes.Length > options.MaxBytes)
            {
                return StageOutcome<PairRecord>.Failed(ReasonCodes.ImageTooLarge, $"{download.Bytes.Length} bytes > {options.MaxBytes}");
            }

            bytes = download.Bytes;
            imageName = url.Segments[^1] is { Length: > 1 } last ? Uri.UnescapeDataString(last.TrimEnd('/')) : url.Host;
        }
        else
        {
            if (ImageFile.Read(input.ImagePath, options.MaxBytes, out string? readFailure, out string? readDetail) is not { } read)
            {
                return StageOutcome<PairRecord>.Failed(readFailure!, readDetail);
            }

            if (Blocklisted(input, read) is { } listed)
            {
                return listed;
            }

            bytes = read;

            imageName = Path.GetFileName(input.ImagePath);
        }

        // Downloads may run far ahead of this stage's concurrency (the client bounds them); decoding is bounded here.
        await _processing.WaitAsync(cancellationToken);
        try
        {
            return Describe(input, bytes, imageName);
        }
        finally
        {
            _processing.Release();
        }
    }

    private StageOutcome<PairRecord> Describe(PairCandidate input, byte[] bytes, string imageName)
    {
        if (!ImageHeader.TryRead(bytes, out var header, out string reason))
        {
            return StageOutcome<PairRecord>.Failed(reason, imageName);
        }

        int smaller = Math.Min(header.Width, header.Height);
        int larger = Math.Max(header.Width, header.Height);
        if (smaller < options.MinDimension || larger > options.MaxDimension)
        {
            if (BlocklistedByHash(input, bytes, header) is { } listed)
            {
                return listed;
            }

            return StageOutcome<PairRecord>.Dropped(
                ReasonCodes.ImageDimensionsOutOfRange,
                $"{header.Width}x{header.Height} outside {options.MinDimension}..{options.MaxDimension}");
        }

        if ((double)larger / Math.Max(1, smaller) > options.MaxAspectRatio)
        {
            if (BlocklistedByHash(input, bytes, header) is { } listed)
            {
                return listed;
            }

            return StageOutcome<PairRecord>.Dropped(
                ReasonCodes.ImageAspectRatio, $"{header.Width}x{header.Height} is longer than {options.MaxAspectRatio}:1");
        }

        string? phash = null;
        string? windows = null;
        string? ops = null;
        var stored = (Bytes: bytes, header.Width, header.Height);
        var (origWidth, origHeight) = (header.Width, header.Height);
        if (processor is not null)
        {
            var processed = processor.Process(bytes, header);
            if (processed.Image is not { } image)
            {
                return StageOutcome<PairRecord>.Failed(processed.Reason ?? ReasonCodes.ImageDecodeFailed, $"{imageName}: {processed.Detail}");
            }

            if (blocklist is { HasPerceptualHashes: true } && blocklist.BlocksPerceptualHash(image.Hash))
            {
                return Withheld(input);
            }

            if (image.Hash == PerceptualHash.Uniform)
            {
                return StageOutcome<PairRecord>.Dropped(ReasonCodes.ImageUniform, $"{imageName}: a single colour (no detail to hash or to caption)");
            }

            phash = PerceptualHash.ToHex(image.Hash);
            windows = image.Windows is { } w ? WindowHashes.ToHex(w) : null;
            ops = image.Ops;
            (origWidth, origHeight) = (image.Width, image.Height);
            stored = (image.Stored, image.StoredWidth, image.StoredHeight);
            if (!ReferenceEquals(image.Stored, bytes))
            {
                imageName = Path.ChangeExtension(imageName, ImageHeader.Extension(image.StoredFormat));
            }
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(stored.Bytes));
        bool byReference = options.Store == ImageStorage.Reference;
        return StageOutcome<PairRecord>.Ok(RowOf(input) with
        {
            ImageBytes = byReference ? null : stored.Bytes,
            ImagePath = byReference ? input.ImagePath ?? input.Url : imageName,
            Width = stored.Width,
            Height = stored.Height,
            Sha256 = sha256,
            Phash = phash,
            PhashWindows = windows,
            OrigWidth = origWidth,
            OrigHeight = origHeight,
            ImageOps = ops,
        });
    }

    /// <summary>The blocklisted outcome when the SHA-256 of <paramref name="original"/> (the bytes as downloaded or read) is listed.</summary>
    private StageOutcome<PairRecord>? Blocklisted(PairCandidate input, byte[] original)
    {
        if (blocklist is not { HasSha256: true })
        {
            return null;
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(original, digest);
        return blocklist.BlocksSha256(digest) ? Withheld(input) : null;
    }

    /// <summary>
    /// For an image about to be dropped before it is decoded: decodes it for its perceptual hash
    /// when the blocklist has perceptual hashes, so that a listed image is never a reject that names
    /// it. An image that does not decode is dropped as it would have been.
    /// </summary>
    private StageOutcome<PairRecord>? BlocklistedByHash(PairCandidate input, byte[] bytes, ImageHeader header) =>
        blocklist is { HasPerceptualHashes: true } && processor?.Process(bytes, header).Image is { } image && blocklist.BlocksPerceptualHash(image.Hash)
            ? Withheld(input)
            : null;

    /// <summary>A blocklisted image's reject: its key alone; the runner writes nothing else of it anywhere.</summary>
    private static StageOutcome<PairRecord> Withheld(PairCandidate input) =>
        StageOutcome<PairRecord>.Dropped(ReasonCodes.ImageBlocklisted, detail: null, subject: new WithheldImage(input.Key));

    /// <summary>The subject of an <c>image_blocklisted</c> reject: no URL, page URL or origin (a crawled pair's origin is its page's URL).</summary>
    private sealed record WithheldImage(string Key) : IKeyedRecord
    {
        public string Origin => string.Empty;
    }

    /// <summary>The row of <paramref name="input"/> before anything is known of its image.</summary>
    private static PairRecord RowOf(PairCandidate input) => new()
    {
        Key = input.Key,
        Origin = input.Origin,
        Lang = input.Lang!,
        Script = input.Script!,
        Source = input.Source,
        Text = input.Text,
        Url = input.Url,
        PageUrl = input.PageUrl,
        Width = 0,
        Height = 0,
        Sha256 = null,

        // Named by the near-duplicate filter, the first step that sees every task's images; a task has no cluster to name.
        DupCluster = string.Empty,
        CaptionModel = input.CaptionModel,
        CaptionSourceLang = input.CaptionSourceLang,
        OrigWidth = 0,
        OrigHeight = 0,
        SourceMeta = input.SourceMeta,
    };
}
