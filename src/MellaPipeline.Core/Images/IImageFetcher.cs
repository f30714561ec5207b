namespace MellaPipeline.Images;

/// <summary>The bytes of a downloaded image, or the reason code of the failure.</summary>
/// <param name="OptedOut">The image's owner refused its use (its own <c>X-Robots-Tag</c>): a policy drop, not a failure.</param>
public readonly record struct ImageDownload(byte[]? Bytes, string? Reason, string? Detail, bool OptedOut = false);

/// <summary>Downloads images by URL, for pairs that ship no image file (crawled or archived alt text).</summary>
public interface IImageFetcher
{
    ValueTask<ImageDownload> DownloadAsync(string url, CancellationToken cancellationToken);
}
