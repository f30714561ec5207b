using MellaPipeline.Captions;
using MellaPipeline.Config;
using MellaPipeline.Crawl.UrlLists;
using MellaPipeline.Input;
using MellaPipeline.Runs;

namespace MellaPipeline.Orchestration;

/// <summary>
/// What each phase of a run has in all, for the progress display, found the cheap way: Parquet
/// row counts from the footers, line counts of text files (<see cref="CountLines"/>, a block scan that
/// splits and skips lines as the tasks' reader does, over the same byte ranges), the map's row counts
/// for the clustering. A crawl, a web archive, a gzipped list or generated captions have no total known
/// in advance: a map with such inputs beside countable ones gets a lower bound (<see cref="ProgressTotal.CountedPart"/>).
/// </summary>
public static class RunTotals
{
    /// <summary>Text inputs up to this size are counted before their phase starts (a fraction of a second); larger ones beside it.</summary>
    public const long QuickCountBytes = 64L << 20;

    /// <summary>The bytes of text files counting the map's total reads (Parquet footers are free), or null when no input has a total to count.</summary>
    public static long? MapTextBytes(IReadOnlyList<InputOptions> inputs)
    {
        long? bytes = null;
        foreach (var input in inputs)
        {
            IEnumerable<string>? text = input.Kind switch
            {
                InputKind.Pairs => LineRangeReader.ExpandInputs(input.Paths),
                InputKind.Urls when UrlListFiles.Expand(input.Paths) is var files && !files.Any(f => f.Gzipped) =>
                    files.Where(f => f.Format != UrlListFormat.Parquet).Select(f => f.Path),
                _ => null,
            };
            if (text is not null)
            {
                bytes = (bytes ?? 0) + SizeOf(text);
            }
        }

        return bytes;
    }

    /// <summary>The bytes of a caption layer's text files, or null for generated or fused captions (answers are counted as lines too).</summary>
    public static long? CaptionTextBytes(CaptionLayerOptions layer) =>
        layer.Generate is null && layer.Fuse is null ? SizeOf(CaptionFile.Expand(layer.Paths).Where(f => !f.EndsWith(".parquet", StringComparison.Ordinal))) : null;

    /// <summary>
    /// The input records the map reads in <paramref name="ranks"/> of <paramref name="world"/> tasks: exact when every
    /// input can tell, a lower bound naming what was not counted when only some can, null when none can.
    /// </summary>
    public static async Task<ProgressTotal?> MapRecordsAsync(IReadOnlyList<InputOptions> inputs, IReadOnlyList<int> ranks, int world, CancellationToken cancellationToken)
    {
        long total = 0;
        var notCounted = new List<string>();
        foreach (var input in inputs)
        {
            long? records = input.Kind switch
            {
                InputKind.Pairs => await PairsAsync(input, ranks, world, cancellationToken),
                InputKind.Urls => await UrlListAsync(input, ranks, world, cancellationToken),
                _ => null,
            };
            if (records is { } known)
            {
                total += known;
                continue;
            }

            notCounted.Add(input.Kind switch
            {
                InputKind.Crawl => "a crawl's",
                InputKind.Warc => "a web archive's",
                _ => "a gzipped list's",
            });
        }

        if (notCounted.Count == inputs.Count)
        {
            return null;
        }

        int counted = inputs.Count - notCounted.Count;
        return notCounted.Count == 0
            ? new ProgressTotal(total)
            : new ProgressTotal(total, $"{counted} of {inputs.Count} inputs; {string.Join(" and ", notCounted.Distinct())} are not known");
    }

    /// <summary>The rows the clustering reads: every task's map output.</summary>
    public static long ClusterRows(RunDirectory run, int world) =>
        Enumerable.Range(0, world).Where(run.IsComplete).Sum(rank => run.ReadStats(rank).Rows);

    /// <summary>The caption lines (or Parquet rows) a layer reads from its files, or null for generated or fused captions (not known before the endpoint answers).</summary>
    public static async Task<long?> CaptionLinesAsync(CaptionLayerOptions layer, CancellationToken cancellationToken)
    {
        if (layer.Generate is not null || layer.Fuse is not null)
        {
            return null;
        }

        long lines = 0;
        foreach (string file in CaptionFile.Expand(layer.Paths))
        {
            // As the layer reads them: a file it cannot open or read is one line (its reject), a Parquet file its footer's rows.
            lines += UserFile.KindOf(file) != UserFileKind.RegularFile ? 1
                : file.EndsWith(".parquet", StringComparison.Ordinal)
                    ? await ParquetUrlList.InspectAsync(file, cancellationToken) is { Problem: null } parquet ? parquet.Rows : 1
                    : await Task.Run(() => CountLines(file, 0, long.MaxValue, cancellationToken), cancellationToken);
        }

        return lines;
    }

    private static async Task<long> PairsAsync(InputOptions input, IReadOnlyList<int> ranks, int world, CancellationToken cancellationToken)
    {
        var files = LineRangeReader.ExpandInputs(input.Paths);
        long lines = 0;
        foreach (int rank in ranks)
        {
            foreach (var (file, lo, hi) in LineRangeReader.ByteRanges(files, rank, world))
            {
                lines += await Task.Run(() => CountLines(file, lo, hi, cancellationToken), cancellationToken);
            }
        }

        return lines;
    }

    private static async Task<long?> UrlListAsync(InputOptions input, IReadOnlyList<int> ranks, int world, CancellationToken cancellationToken)
    {
        var files = UrlListFiles.Expand(input.Paths);
        long rows = 0;
        foreach (int rank in ranks)
        {
            foreach (var share in await UrlListSlices.ForAsync(files, new TaskSlice(rank, world), cancellationToken))
            {
                if (share.Keep is not null)
                {
                    // A gzipped list cannot be counted without reading it all.
                    return null;
                }

                // A text list's header line counts as one: the total is an estimate the phase's end makes exact.
                rows += share.File.Format == UrlListFormat.Parquet
                    ? share.Hi - share.Lo
                    : await Task.Run(() => CountLines(share.File.Path, share.Lo, share.Hi, cancellationToken), cancellationToken);
            }
        }

        return rows;
    }

    /// <summary>
    /// The lines that start in bytes [<paramref name="lo"/>, <paramref name="hi"/>) of a file and are not blank, as
    /// <see cref="LineRangeReader"/> splits and skips them (one trailing <c>\r</c> dropped, spaces and tabs only is blank),
    /// scanned in large blocks without making a line: tens of megabytes a second's fraction.
    /// </summary>
    public static long CountLines(string file, long lo, long hi, CancellationToken cancellationToken)
    {
        if (UserFile.KindOf(file) != UserFileKind.RegularFile)
        {
            return 0;
        }

        using var handle = File.OpenHandle(file);
        var buffer = new byte[1 << 20];
        long position = lo == 0 ? 0 : lo - 1, lines = 0;

        // Before lo a line belongs to the range before: the first line here starts after a line break at lo - 1 or later.
        bool inLine = lo == 0, content = false, pendingCr = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int read = RandomAccess.Read(handle, buffer, position);
            if (read == 0)
            {
                return lines + (inLine && content ? 1 : 0);
            }

            for (int i = 0; i < read; i++)
            {
                byte b = buffer[i];
                if (b == (byte)'\n')
                {
                    lines += inLine && content ? 1 : 0;
                    if (position + i + 1 >= hi)
                    {
                        return lines;
                    }

                    (inLine, content, pendingCr) = (true, false, false);
                    continue;
                }

                if (!inLine || content)
                {
                    continue;
                }

                // A \r counts only when more follows it on the line.
                content = pendingCr || (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r');
                pendingCr = b == (byte)'\r';
            }

            position += read;
        }
    }

    private static long SizeOf(IEnumerable<string> files) =>
        files.Sum(f => UserFile.KindOf(f) == UserFileKind.RegularFile ? new FileInfo(f).Length : 0);
}
