using System.IO.Compression;
using MellaPipeline.Config;
using MellaPipeline.Input;

namespace MellaPipeline.Crawl.UrlLists;

/// <summary>The formats a <c>urls</c> input reads.</summary>
public enum UrlListFormat
{
    Parquet,
    Csv,
    Tsv,
    Jsonl,
}

/// <summary>One file of a <c>urls</c> input: its format and whether it is gzipped (<c>.csv.gz</c>, <c>.jsonl.gz</c>, …).</summary>
public sealed record UrlListFile(string Path, UrlListFormat Format, bool Gzipped)
{
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The file's bytes, decompressed when it is gzipped; only regular files are opened.</summary>
    public Stream OpenRead()
    {
        var stream = UserFile.OpenRead(Path, out _, out string? detail, bufferSize: 1 << 16) ?? throw new IOException($"{Path}: {detail}");
        return Gzipped ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }
}

/// <summary>
/// Finds the files of a <c>urls</c> input and checks, before any work, that each can be read as a
/// URL list: a Parquet file that is not one, a text file without a header, a missing column or a
/// caption column that is not text stops the run with one line naming the file and the column.
/// </summary>
public static class UrlListFiles
{
    /// <summary>Extensions read inside a folder (a file named directly is read whatever its extension says, as its extension's format or else CSV).</summary>
    public static readonly IReadOnlyList<string> Extensions = [".parquet", ".csv", ".tsv", ".jsonl", ".csv.gz", ".tsv.gz", ".jsonl.gz"];

    /// <summary>The files named by <paramref name="paths"/> (folders walked as every input's are), in ordinal path order.</summary>
    public static IReadOnlyList<UrlListFile> Expand(IEnumerable<string> paths) =>
        LineRangeReader.ExpandInputs(paths, "*")
            .Where(f => paths.Contains(f, StringComparer.Ordinal) || Extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Select(Describe)
            .ToArray();

    public static UrlListFile Describe(string path)
    {
        bool gzipped = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        string name = gzipped ? path[..^3] : path;
        var format = System.IO.Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".parquet" => UrlListFormat.Parquet,
            ".tsv" => UrlListFormat.Tsv,
            ".jsonl" or ".json" or ".ndjson" => UrlListFormat.Jsonl,
            _ => UrlListFormat.Csv,
        };
        return new UrlListFile(path, format, gzipped);
    }

    /// <summary>The column names of a file (a text file's header, the first JSONL object's keys), or why it has none we can read.</summary>
    public static async Task<(IReadOnlyList<string> Columns, string? Problem)> ColumnsAsync(UrlListFile file, CancellationToken cancellationToken)
    {
        if (UserFile.NotRegularFile(file.Path) is { } notRegular)
        {
            return ([], notRegular);
        }

        try
        {
            return file.Format switch
            {
                UrlListFormat.Parquet when file.Gzipped => ([], "a gzipped Parquet file: Parquet compresses its own pages; give the .parquet file"),
                UrlListFormat.Parquet => await ParquetColumnsAsync(file, cancellationToken),
                UrlListFormat.Jsonl => JsonlUrlList.FirstObjectKeys(file),
                _ => DelimitedUrlList.Header(file),
            };
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return ([], $"cannot be read: {e.Message}");
        }
    }

    /// <summary>Why one file has no layout for <paramref name="input"/> (its footer or header read once), or null.</summary>
    private static async Task<string?> FileProblemAsync(InputOptions input, UrlListFile file, CancellationToken cancellationToken)
    {
        if (file.Format == UrlListFormat.Parquet && !file.Gzipped && UserFile.NotRegularFile(file.Path) is null)
        {
            var (fields, _, unreadable) = await ParquetUrlList.InspectAsync(file.Path, cancellationToken);
            var (parquetLayout, parquetProblem) = unreadable is null ? UrlListLayout.Resolve(input, fields.Select(f => f.Name).ToArray()) : (null, unreadable);
            return parquetProblem ?? ParquetUrlList.TypeProblem(parquetLayout!, fields);
        }

        var (columns, problem) = await ColumnsAsync(file, cancellationToken);
        return problem ?? UrlListLayout.Resolve(input, columns).Problem;
    }

    private static async Task<(IReadOnlyList<string>, string?)> ParquetColumnsAsync(UrlListFile file, CancellationToken cancellationToken)
    {
        var (fields, _, problem) = await ParquetUrlList.InspectAsync(file.Path, cancellationToken);
        return (fields.Select(f => f.Name).ToArray(), problem);
    }

    /// <summary>
    /// The one-line reason <paramref name="input"/> cannot be read (naming the file and the column),
    /// or null when every file has a layout.
    /// </summary>
    public static async Task<string?> ProblemAsync(InputOptions input, CancellationToken cancellationToken = default)
    {
        var files = Expand(input.Paths);
        if (files.Count == 0)
        {
            return $"no URL list files ({string.Join(", ", Extensions)}) in {string.Join(", ", input.Paths)}";
        }

        foreach (var file in files)
        {
            if (await FileProblemAsync(input, file, cancellationToken) is { } problem)
            {
                return $"{file.Path}: {problem}";
            }
        }

        return null;
    }
}
