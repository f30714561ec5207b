namespace MellaPipeline.Images;

/// <summary>The bytes of a downloaded image, or the reason code of the failure.</summary>
public readonly record struct ImageDownload(byte[]? Bytes, string? Reason, string? Detail);

/// <summary>Downloads images by URL, for pairs that ship no image file (crawled or archived alt text).</summary>
public interface IImageFetcher
{
    ValueTask<ImageDownload> DownloadAsync(string url, CancellationToken cancellationToken);
}

/// <summary>A perceptual hash, or the reason code why the image could not be decoded for one.</summary>
public readonly record struct PerceptualHashOutcome(ulong? Hash, string? Reason, string? Detail);

/// <summary>Decodes images and hashes them with <see cref="PerceptualHash"/>; <see cref="Algorithm"/> names the definition recorded in shards.</summary>
public interface IPerceptualHasher
{
    string Algorithm { get; }

    PerceptualHashOutcome Hash(byte[] bytes);
}
