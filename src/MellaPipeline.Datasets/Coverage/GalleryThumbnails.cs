using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Imaging;
using MellaPipeline.Parquet;
using MellaPipeline.Stages;
using Parquet;

namespace MellaPipeline.Datasets.Coverage;

/// <summary>
/// What the gallery shows for a sampled row: a JPEG thumbnail as a <c>data:</c> URI with its size;
/// or, for a row stored by reference, the URL it names; or why its image could not be decoded.
/// </summary>
public sealed record Thumbnail(string? DataUri, int Width, int Height, string? ByReference, string? Problem);

/// <summary>
/// The gallery's thumbnails, read from the shards with the image column of only those row groups
/// that hold a sampled row (one row group's images in memory at a time, never a shard's), decoded
/// through <see cref="ImageProcessor"/> — format sniffed, JPEG/PNG/GIF/WebP only, pixel count
/// checked before decoding — and re-encoded small as JPEG.
/// </summary>
public static class GalleryThumbnails
{
    /// <summary>Longest side of a thumbnail in pixels.</summary>
    public const int MaxSide = 160;

    /// <summary>Largest stored image decoded for a thumbnail; a bigger one gets a marker instead.</summary>
    private const int MaxImageBytes = 32 << 20;

    /// <summary>Pixels a stored image may have to be decoded for a thumbnail (a 8k × 5k photo).</summary>
    private const long MaxPixels = 40_000_000;

    private const int Quality = 78;

    public static async Task<Dictionary<SampledPair, Thumbnail>> MakeAsync(IReadOnlyList<string> shards, IEnumerable<SampledPair> samples, CancellationToken cancellationToken)
    {
        var thumbnails = new Dictionary<SampledPair, Thumbnail>();
        foreach (var inShard in samples.GroupBy(s => s.Shard).OrderBy(g => g.Key))
        {
            var wanted = inShard.OrderBy(s => s.RowInShard).ToList();
            await using var reader = await ParquetReader.CreateAsync(shards[inShard.Key], cancellationToken: cancellationToken);
            long start = 0;
            for (int g = 0; g < reader.RowGroupCount && wanted.Count > 0; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                int count = checked((int)group.RowCount);
                var here = wanted.Where(s => s.RowInShard >= start && s.RowInShard < start + count).ToList();
                if (here.Count > 0)
                {
                    var bytes = await ReadNullableAsync<byte[]>(reader, group, ShardColumns.ImageBytes.Name, count, cancellationToken);
                    var paths = await ReadNullableAsync<string>(reader, group, ShardColumns.ImagePath.Name, count, cancellationToken);
                    foreach (var sample in here)
                    {
                        int i = (int)(sample.RowInShard - start);
                        thumbnails[sample] = Make(bytes[i], sample.Url ?? paths[i]);
                    }

                    wanted.RemoveAll(here.Contains);
                }

                start += count;
            }
        }

        return thumbnails;
    }

    /// <summary>One leaf of the <c>image</c> struct of a row group, a value or null per row.</summary>
    private static Task<T?[]> ReadNullableAsync<T>(ParquetReader reader, ParquetRowGroupReader group, string leaf, int count, CancellationToken cancellationToken)
        where T : class
    {
        var field = reader.Schema.GetDataFields().Single(f => f.Path.ToList() is [var parent, var name] && parent == ShardColumns.Image.Name && name == leaf);
        return NestedValues.ReadAsync<T>(group, field, count, cancellationToken);
    }

    /// <summary>The thumbnail of one stored image; <paramref name="reference"/> is what a row without image bytes names.</summary>
    public static Thumbnail Make(byte[]? bytes, string? reference)
    {
        // A row stored by reference has no bytes (null); an empty value has nothing to decode either.
        if (bytes is null || bytes.Length == 0)
        {
            return new Thumbnail(null, 0, 0, reference ?? "", null);
        }

        if (bytes.Length > MaxImageBytes)
        {
            return new Thumbnail(null, 0, 0, null, $"{ReasonCodes.ImageTooLarge}: {bytes.Length} bytes");
        }

        if (!ImageHeader.TryRead(bytes, out var header, out string reason))
        {
            return new Thumbnail(null, 0, 0, null, reason);
        }

        // Resizing sets the short side: the one that makes the long side MaxSide (never enlarged).
        int shortSide = Math.Max(1, Math.Min(header.Width, header.Height)), longSide = Math.Max(header.Width, header.Height);
        int size = Math.Max(1, Math.Min(shortSide, (int)Math.Floor((double)MaxSide * shortSide / Math.Max(1, longSide))));
        var processor = new ImageProcessor(SkiaImageDecoder.Instance, new StoredImageSettings(ResizeMode.KeepRatio, size, StoredImageFormat.Jpeg, Quality), MaxPixels)
        {
            ComputeWindows = false,
        };
        var outcome = processor.Process(bytes, header);
        if (outcome.Image is not { } image)
        {
            return new Thumbnail(null, 0, 0, null, outcome.Reason ?? "image_undecodable");
        }

        // An image more than MaxSide:1 keeps a short side of one pixel, so its long side exceeds MaxSide: the page
        // shows it MaxSide long (squeezed along its length) rather than wider than every other thumbnail.
        return new Thumbnail(
            "data:image/jpeg;base64," + Convert.ToBase64String(image.Stored), Math.Min(MaxSide, image.StoredWidth), Math.Min(MaxSide, image.StoredHeight), null, null);
    }
}
