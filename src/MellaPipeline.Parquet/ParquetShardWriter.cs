using System.IO.Compression;
using System.Security.Cryptography;
using MellaPipeline.Config;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Stages;
using Parquet;

namespace MellaPipeline.Parquet;

/// <summary>
/// Writes a task's rows into size-bounded shards <c>part-RRRRR-NNNNN.parquet</c>. Rows are buffered
/// column by column up to <see cref="OutputOptions.RowGroupMaxBytes"/> (or rows), which bounds memory;
/// a shard is closed before a row would take it past <see cref="OutputOptions.ShardMaxBytes"/> (by
/// uncompressed size, so the file itself stays below) or <see cref="OutputOptions.ShardMaxRows"/>.
/// Each shard is written under a temporary name and renamed only when its footer is on disk. Every column
/// is compressed with <see cref="OutputOptions.Compression"/> but the encoded images (<c>image.bytes</c>),
/// which are compressed already and stored as they are (codec UNCOMPRESSED in their column chunks).
/// </summary>
public sealed class ParquetShardWriter : IRecordSink<PairRecord>
{
    private readonly ShardWriterOptions _options;
    private readonly OutputOptions _bounds;
    private readonly ParquetOptions _parquetOptions;
    private readonly CompressionMethod _codec;
    private readonly Dictionary<string, string> _metadata;
    private readonly ColumnBuffer _buffer = new();
    private readonly List<ShardInfo> _shards = [];

    /// <summary>Schema, key-value metadata (the features JSON is about 1.5 KB) and file trailer.</summary>
    private const long FooterBaseBytes = 8 << 10;

    /// <summary>Page header, column chunk metadata and length prefixes' slack, per column and row group.</summary>
    private const long PageOverheadBytes = 256;

    private int _rowGroupsInShard;
    private long _closedGroupsFooterBytes;

    private FileStream? _stream;
    private ParquetWriter? _writer;
    private string? _tempPath;
    private long _shardRows;
    private LanguageSourceCounts _shardCounts = new();
    private int _sequence;

    public ParquetShardWriter(ShardWriterOptions options)
    {
        _options = options;
        _bounds = options.Output;
        _codec = options.Output.Compression == ShardCompression.Snappy ? CompressionMethod.Snappy : CompressionMethod.Zstd;
        _parquetOptions = new ParquetOptions { CompressionMethod = _codec, CompressionLevel = CompressionLevel.Fastest };
        _metadata = ShardSchema.Metadata(options.Pipeline, options.PhashAlgorithm);
        Directory.CreateDirectory(options.ShardsDir);
    }

    public string Name => "write_shards";

    /// <summary>Shards finished so far, in the order written.</summary>
    public IReadOnlyList<ShardInfo> Shards => _shards;

    public async ValueTask WriteAsync(PairRecord record, CancellationToken cancellationToken)
    {
        long rowBytes = _buffer.Measure(record);
        long pendingRows = _shardRows + _buffer.Count;
        if (pendingRows > 0 && (pendingRows + 1 > _bounds.ShardMaxRows || ProjectedShardBytes(rowBytes) > _bounds.ShardMaxBytes))
        {
            await FlushRowGroupAsync(cancellationToken);
            await CloseShardAsync(cancellationToken);
        }

        _buffer.Add(record, rowBytes);
        if (_buffer.Count >= _bounds.RowGroupMaxRows || _buffer.Bytes >= _bounds.RowGroupMaxBytes)
        {
            await FlushRowGroupAsync(cancellationToken);
        }
    }

    /// <summary>
    /// An upper bound on the shard's file size if the row just measured joins it: the bytes
    /// already encoded, the buffered rows and this one uncompressed (compression only shrinks them,
    /// but for headers), page headers, and the footer with each row group's min/max statistics.
    /// </summary>
    private long ProjectedShardBytes(long rowBytes)
    {
        long encoded = _stream?.Position ?? 0;
        long statistics = _buffer.StatisticsBoundWithMeasured;
        long pageHeaders = (long)(_rowGroupsInShard + 1) * ShardSchema.Schema.DataFields.Length * PageOverheadBytes;
        return encoded + _buffer.Bytes + rowBytes + statistics + pageHeaders + _closedGroupsFooterBytes + FooterBaseBytes;
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushRowGroupAsync(cancellationToken);
        await CloseShardAsync(cancellationToken);
    }

    /// <summary>Discards an unfinished shard: a shard that was not completed never gets its final name.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            try
            {
                await _writer.DisposeAsync();
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // The partial file is deleted below; a broken footer does not matter.
            }
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        if (_tempPath is not null)
        {
            File.Delete(_tempPath);
        }

        _writer = null;
        _stream = null;
        _tempPath = null;
    }

    private async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        if (_writer is null)
        {
            string finalPath = Path.Combine(_options.ShardsDir, _options.FileName(_sequence));
            _tempPath = AtomicFile.TempPathFor(finalPath);
            _stream = new FileStream(_tempPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            _writer = await ParquetWriter.CreateAsync(ShardSchema.Schema, _stream, _parquetOptions, append: false, cancellationToken);
            _writer.CustomMetadata = _metadata;
        }

        await _buffer.WriteRowGroupAsync(_writer, _parquetOptions, _codec, cancellationToken);
        _rowGroupsInShard++;
        _closedGroupsFooterBytes += _buffer.StatisticsBound;
        _shardRows += _buffer.Count;
        _shardCounts.AddAll(_buffer.Counts);
        _buffer.Clear();
    }

    private async Task CloseShardAsync(CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            return;
        }

        await _writer.DisposeAsync();
        _writer = null;
        await _stream!.FlushAsync(cancellationToken);
        _stream.Flush(flushToDisk: true);
        long bytes = _stream.Length;
        _stream.Position = 0;
        string sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(_stream, cancellationToken));
        await _stream.DisposeAsync();
        _stream = null;

        string fileName = _options.FileName(_sequence);
        CrashPoints.Reach(CrashPoints.ShardTempWritten);
        AtomicFile.Commit(_tempPath!, Path.Combine(_options.ShardsDir, fileName));
        _tempPath = null;
        CrashPoints.Reach(CrashPoints.ShardRenamed);

        _shards.Add(new ShardInfo(fileName, _shardRows, bytes, sha256, _shardCounts));
        _sequence++;
        _shardRows = 0;
        _rowGroupsInShard = 0;
        _closedGroupsFooterBytes = 0;
        _shardCounts = new LanguageSourceCounts();
    }

    /// <summary>Rows of the row group being built, one buffer per leaf column of <see cref="ShardColumns"/>.</summary>
    private sealed class ColumnBuffer
    {
        private readonly ShardColumnBuffer[] _columns = ShardColumns.Leaves.Select(c => c.NewBuffer()).ToArray();

        /// <summary>A 4-byte length prefix per top-level column of a row.</summary>
        private static readonly long PrefixBytes = 4L * ShardColumns.All.Count;

        public int Count { get; private set; }
        public long Bytes { get; private set; }
        public LanguageSourceCounts Counts { get; private set; } = new();

        /// <summary>
        /// Encoded size of a row before compression: values plus their length prefixes. The row
        /// stays measured (for <see cref="StatisticsBoundWithMeasured"/> and <see cref="Add"/>)
        /// until the next call.
        /// </summary>
        public long Measure(PairRecord r)
        {
            long total = PrefixBytes;
            foreach (var column in _columns)
            {
                total += column.Measure(r);
            }

            return total;
        }

        /// <summary>
        /// Bound on the min/max statistics the footer holds for this row group: two values per
        /// string column, each at most that column's longest value.
        /// </summary>
        public long StatisticsBound => Sum(static c => c.StatisticsBound);

        /// <summary><see cref="StatisticsBound"/> if the row last measured were added.</summary>
        public long StatisticsBoundWithMeasured => Sum(static c => c.StatisticsBoundWithMeasured);

        /// <summary>A plain loop: this runs once a row, where LINQ's enumerator would allocate.</summary>
        private long Sum(Func<ShardColumnBuffer, long> part)
        {
            long total = 0;
            foreach (var column in _columns)
            {
                total += part(column);
            }

            return total;
        }

        /// <summary>Adds the row last measured, whose size <see cref="Measure"/> gave as <paramref name="bytes"/>.</summary>
        public void Add(PairRecord r, long bytes)
        {
            foreach (var column in _columns)
            {
                column.Add(r);
            }

            Count++;
            Bytes += bytes;
            Counts.Add(r.Lang, r.Source);
        }

        /// <summary>
        /// Writes the buffered rows as one row group. The writer reads <paramref name="options"/>' codec as each
        /// column chunk is written (Parquet records a codec per column chunk), so it is set column by column.
        /// </summary>
        public async Task WriteRowGroupAsync(ParquetWriter writer, ParquetOptions options, CompressionMethod codec, CancellationToken cancellationToken)
        {
            using var group = writer.CreateRowGroup();
            foreach (var column in _columns)
            {
                options.CompressionMethod = column.Precompressed ? CompressionMethod.None : codec;
                await column.WriteAsync(group, cancellationToken);
            }
        }

        public void Clear()
        {
            foreach (var column in _columns)
            {
                column.Clear();
            }

            Count = 0;
            Bytes = 0;
            Counts = new LanguageSourceCounts();
        }
    }
}
