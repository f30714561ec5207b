using MellaPipeline.Input;
using MellaPipeline.Parquet;

namespace MellaPipeline.Metrics.Evaluation;

/// <summary>References from dataset shards (key, lang, source, text), the images never read.</summary>
internal static class ParquetReferences
{
    /// <summary>Rows of one Parquet reference file; a file that is not Parquet is one line naming it, not a reader's exception.</summary>
    public static async Task ReadAsync(string shard, Dictionary<string, EvalReference> references, CancellationToken cancellationToken)
    {
        if (NotParquet(shard) is { } problem)
        {
            throw new InvalidDataException($"{shard}: {problem}");
        }

        try
        {
            await foreach (var row in ShardReader.ReadReferenceRowsAsync(shard, cancellationToken))
            {
                references[row.Key] = new EvalReference(row.Key, row.Lang, row.Source, [row.Text], null);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            // A damaged file past its markers; the reader's wording names .NET internals, so say what it means.
            throw new InvalidDataException($"{shard}: not a readable Parquet file (damaged, or without key, lang, source and text columns)");
        }
    }

    /// <summary>Parquet files start and end with <c>PAR1</c>; anything else is named as such before a reader sees it.</summary>
    private static string? NotParquet(string path)
    {
        using var stream = UserFile.OpenRead(path, out _, out string? detail);
        if (stream is null)
        {
            return detail;
        }

        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[4];
        if (stream.Length < 12 || stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4)
        {
            return "not a Parquet file (too short)";
        }

        stream.Seek(-4, SeekOrigin.End);
        return stream.ReadAtLeast(tail, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual("PAR1"u8) && tail.SequenceEqual("PAR1"u8)
            ? null
            : "not a Parquet file (no PAR1 marker)";
    }
}
