using System.Text;
using System.Text.Json;
using MellaPipeline.Input;

namespace MellaPipeline.Crawl.Sources;

/// <summary>
/// Seed URLs from <c>.txt</c> (one a line, <c>#</c> comments), <c>.jsonl</c> (a <c>url</c> field),
/// <c>.csv</c>/<c>.tsv</c> (a <c>url</c> column, else the first) files, split between tasks by byte
/// ranges like every line-based input, and <c>.parquet</c> files (a <c>url</c> string column), whose
/// rows are dealt to tasks round-robin.
/// </summary>
public static class SeedList
{
    public static IReadOnlyList<string> Files(IEnumerable<string> paths) =>
        LineRangeReader.ExpandInputs(paths, "*").Where(f => Path.GetExtension(f).ToLowerInvariant() is ".txt" or ".jsonl" or ".csv" or ".tsv" or ".parquet").ToArray();

    /// <summary>
    /// The task a seed belongs to: a hash of its URL's host (<c>www.</c> dropped), so all seeds of a
    /// site land on one task; a line without a usable URL goes by a hash of its text.
    /// </summary>
    public static int RankOf(string line, string? url, int worldSize)
    {
        string key = (url is not null ? Records.WebHosts.Of(url, null) : null) ?? line;
        return (int)(System.IO.Hashing.XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key)) % (ulong)worldSize);
    }

    /// <summary>The seeds of one task's slice: (line text as given, URL or null when the line has none).</summary>
    public static async IAsyncEnumerable<(string Line, string? Url)> ReadAsync(
        IReadOnlyList<string> files, int rank, int worldSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var urlColumn = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)))
        {
            var header = Cells(UserFile.ReadLines(file).FirstOrDefault().Text ?? "", file);
            urlColumn[file] = Math.Max(0, Array.FindIndex(header, h => h.Equals("url", StringComparison.OrdinalIgnoreCase)));
        }

        var lineFiles = files.Where(f => !IsParquet(f)).ToArray();
        foreach (var parquet in files.Where(IsParquet))
        {
            if ((UserFile.NotRegularFile(parquet) ?? await Parquet.ParquetColumnReader.ProblemWithAsync(parquet, "url", cancellationToken)) is { } problem)
            {
                if (rank == 0)
                {
                    yield return ($"{Path.GetFileName(parquet)}: {problem}", null);
                }

                continue;
            }

            long row = 0;
            await foreach (var url in Parquet.ParquetColumnReader.ReadStringsAsync(parquet, "url", cancellationToken))
            {
                if (row++ % worldSize == rank && !string.IsNullOrWhiteSpace(url))
                {
                    yield return (url, url.Trim());
                }
            }
        }

        await foreach (var line in LineRangeReader.ReadAsync(lineFiles, rank, worldSize, cancellationToken: cancellationToken))
        {
            string text = Encoding.UTF8.GetString(line.Bytes.Span).Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            string extension = Path.GetExtension(line.File).ToLowerInvariant();
            if (extension is ".csv" or ".tsv")
            {
                if (line.Offset == 0)
                {
                    continue; // the header
                }

                var cells = Cells(text, line.File);
                yield return (text, urlColumn[line.File] < cells.Length ? cells[urlColumn[line.File]] : null);
            }
            else if (extension == ".jsonl")
            {
                string? url = null;
                try
                {
                    using var document = JsonDocument.Parse(text);
                    if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("url", out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        url = value.GetString();
                    }
                }
                catch (JsonException)
                {
                    // reported as an invalid seed
                }

                yield return (text, url);
            }
            else
            {
                yield return (text, text);
            }
        }
    }

    private static bool IsParquet(string file) => file.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    private static string[] Cells(string line, string file) =>
        line.Split(file.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',').Select(c => c.Trim().Trim('"')).ToArray();
}
