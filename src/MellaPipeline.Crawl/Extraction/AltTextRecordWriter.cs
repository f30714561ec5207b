using System.Text;
using System.Text.Json;
using MellaPipeline.Json;
using MellaPipeline.Parquet;

namespace MellaPipeline.Crawl.Extraction;

/// <summary><c>mella extract</c>'s output: JSONL lines (to a file or standard output), or a Parquet table when the file name ends in <c>.parquet</c>.</summary>
public sealed class AltTextRecordWriter : IAsyncDisposable
{
    private static readonly IReadOnlyList<(string Name, Type Type)> ParquetColumns =
    [
        ("page_url", typeof(string)), ("image_url", typeof(string)), ("alt_text", typeof(string)), ("alt_raw", typeof(string)),
        ("html_lang", typeof(string)), ("lang", typeof(string)), ("script", typeof(string)), ("lang_confidence", typeof(double)),
        ("lang_decided_by", typeof(string)), ("status", typeof(string)),
    ];

    private readonly ParquetTableWriter? _parquet;
    private readonly StreamWriter? _json;

    /// <param name="path">The output file; null for standard output (JSONL).</param>
    public AltTextRecordWriter(string? path)
    {
        if (path?.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) == true)
        {
            _parquet = new ParquetTableWriter(path, ParquetColumns);
        }
        else
        {
            _json = new StreamWriter(path is null ? Console.OpenStandardOutput() : File.Create(path), new UTF8Encoding(false));
        }
    }

    public async ValueTask WriteAsync(AltTextRecord record, CancellationToken cancellationToken)
    {
        if (_parquet is not null)
        {
            await _parquet.AddAsync(
                [record.PageUrl, record.ImageUrl, record.AltText, record.AltRaw, record.HtmlLang, record.Lang, record.Script, record.LangConfidence, record.LangDecidedBy, record.Status],
                cancellationToken);
        }
        else
        {
            await _json!.WriteLineAsync(JsonSerializer.Serialize(record, MellaJson.Compact));
        }
    }

    /// <summary>Finishes the Parquet file (a JSONL output is complete once disposed).</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_parquet is not null)
        {
            await _parquet.CompleteAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_parquet is not null)
        {
            await _parquet.DisposeAsync();
        }

        if (_json is not null)
        {
            await _json.DisposeAsync();
        }
    }
}
