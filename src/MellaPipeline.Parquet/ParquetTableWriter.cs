using Parquet;
using Parquet.Schema;

namespace MellaPipeline.Parquet;

/// <summary>
/// Writes rows of string and double columns to one Parquet file (zstd), a row group every
/// <c>rowGroupRows</c> rows, through a temporary file renamed into place on <see cref="CompleteAsync"/>
/// so a reader never sees a half-written file. For tabular side outputs such as
/// <c>mella extract --out FILE.parquet</c>; dataset shards use <see cref="ParquetShardWriter"/>.
/// </summary>
public sealed class ParquetTableWriter : IAsyncDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly DataField[] _fields;
    private readonly List<object?>[] _columns;
    private readonly int _rowGroupRows;
    private readonly FileStream _stream;
    private ParquetWriter? _writer;
    private bool _completed;

    /// <param name="columns">Column names and types (<c>typeof(string)</c> nullable, or <c>typeof(double)</c>).</param>
    public ParquetTableWriter(string path, IReadOnlyList<(string Name, Type Type)> columns, int rowGroupRows = 50_000)
    {
        _path = Path.GetFullPath(path);
        _tempPath = _path + ".tmp";
        _fields = columns.Select(c => c.Type == typeof(double) ? (DataField)new DataField<double>(c.Name, nullable: false) : new DataField<string>(c.Name, nullable: true)).ToArray();
        _columns = columns.Select(_ => new List<object?>()).ToArray();
        _rowGroupRows = rowGroupRows;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _stream = File.Create(_tempPath);
    }

    public long Rows { get; private set; }

    /// <summary>Adds a row: one value per column, in column order.</summary>
    public async Task AddAsync(IReadOnlyList<object?> values, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < _columns.Length; i++)
        {
            _columns[i].Add(values[i]);
        }

        Rows++;
        if (_columns[0].Count >= _rowGroupRows)
        {
            await FlushAsync(cancellationToken);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_columns[0].Count == 0 && _writer is not null)
        {
            return;
        }

        _writer ??= await ParquetWriter.CreateAsync(new ParquetSchema(_fields), _stream, new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest }, cancellationToken: cancellationToken);
        using var group = _writer.CreateRowGroup();
        for (int i = 0; i < _fields.Length; i++)
        {
            if (_fields[i] is DataField<double> number)
            {
                await group.WriteAsync(number, (ReadOnlyMemory<double>)_columns[i].Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(), null, null, cancellationToken);
            }
            else
            {
                await group.WriteAsync((DataField<string>)_fields[i], _columns[i].Select(v => (string?)v).ToList());
            }

            _columns[i].Clear();
        }
    }

    /// <summary>Writes the last row group and the footer, and moves the file into place.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken);
        await _writer!.DisposeAsync();
        await _stream.FlushAsync(cancellationToken);
        _stream.Flush(flushToDisk: true);
        await _stream.DisposeAsync();
        File.Move(_tempPath, _path, overwrite: true);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
            }

            await _stream.DisposeAsync();
            File.Delete(_tempPath);
        }
    }
}
