using MellaPipeline.Input;
using MellaPipeline.Runs;

namespace MellaPipeline.Crawl.UrlLists;

/// <summary>One task's share of one URL-list file: a row range (Parquet), a byte range (plain text) or every Nth block of rows (gzipped text).</summary>
public sealed record UrlListShare(UrlListFile File, long Lo, long Hi, Func<long, bool>? Keep);

/// <summary>
/// Splits a <c>urls</c> input between the tasks of a run so that every row is read by exactly one
/// task, whatever the number of tasks: Parquet files' rows laid end to end and cut into equal
/// ranges (within and across row groups, from the footers alone); uncompressed text files' bytes
/// cut the same way (a record belongs to the range it starts in); a gzipped text file, which
/// cannot be entered midway, is read by every task, each keeping blocks of
/// <see cref="GzipBlockRows"/> rows dealt round-robin.
/// </summary>
public static class UrlListSlices
{
    public const int GzipBlockRows = 1024;

    public static async Task<IReadOnlyList<UrlListShare>> ForAsync(IReadOnlyList<UrlListFile> files, TaskSlice slice, CancellationToken cancellationToken)
    {
        var shares = new List<UrlListShare>();

        var parquet = files.Where(f => f.Format == UrlListFormat.Parquet).ToArray();
        var rows = new long[parquet.Length];
        for (int i = 0; i < parquet.Length; i++)
        {
            (_, rows[i], _) = await ParquetUrlList.InspectAsync(parquet[i].Path, cancellationToken);
        }

        long total = rows.Sum(), begin = LineRangeReader.Share(total, slice.Rank, slice.WorldSize), end = LineRangeReader.Share(total, slice.Rank + 1, slice.WorldSize);
        for (long i = 0, start = 0; i < parquet.Length; start += rows[i], i++)
        {
            long lo = Math.Max(begin, start) - start, hi = Math.Min(end, start + rows[i]) - start;
            if (lo < hi)
            {
                shares.Add(new UrlListShare(parquet[i], lo, hi, null));
            }
        }

        var plain = files.Where(f => f.Format != UrlListFormat.Parquet && !f.Gzipped).ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var (path, lo, hi) in LineRangeReader.ByteRanges(plain.Keys.Order(StringComparer.Ordinal).ToArray(), slice.Rank, slice.WorldSize))
        {
            shares.Add(new UrlListShare(plain[path], lo, hi, null));
        }

        var (rank, world) = (slice.Rank, slice.WorldSize);
        foreach (var gzipped in files.Where(f => f.Format != UrlListFormat.Parquet && f.Gzipped))
        {
            shares.Add(new UrlListShare(gzipped, 0, long.MaxValue, ordinal => ordinal / GzipBlockRows % world == rank));
        }

        // In the input's file order, so a task's rows come out in the same order on every run.
        return shares.OrderBy(s => s.File.Path, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The rows of one share; <paramref name="columns"/> are the file's (<see cref="UrlListFiles.ColumnsAsync"/>), from which the layout was made.</summary>
    public static IAsyncEnumerable<UrlListRow> ReadAsync(UrlListShare share, UrlListLayout layout, IReadOnlyList<string> columns, CancellationToken cancellationToken) => share.File.Format switch
    {
        UrlListFormat.Parquet => ParquetUrlList.ReadAsync(share.File.Path, layout, share.Lo, share.Hi, cancellationToken),
        UrlListFormat.Jsonl => JsonlUrlList.ReadAsync(share.File, layout, share.Lo, share.Hi, share.Keep, cancellationToken),
        _ when share.Keep is not null => DelimitedUrlList.ReadAllAsync(share.File, layout, columns, share.Keep, cancellationToken),
        _ => DelimitedUrlList.ReadRangeAsync(share.File, layout, columns, share.Lo, share.Hi, cancellationToken),
    };
}
