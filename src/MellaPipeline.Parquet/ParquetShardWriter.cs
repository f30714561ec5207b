using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
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
/// Each shard is written under a temporary name and renamed only when its footer is on disk.
/// </summary>
public sealed class ParquetShardWriter : IRecordSink<PairRecord>
{
    private readonly ShardWriterOptions _options;
    private readonly OutputOptions _bounds;
    private readonly ParquetOptions _parquetOptions;
    private readonly Dictionary<string, string> _metadata;
    private readonly ColumnBuffer _buffer = new();
    private readonly List<ShardInfo> _shards = [];

    /// <summary>Schema, key-value metadata (the features JSON is about 1.5 KB) and file trailer.</summary>
    private const long FooterBaseBytes = 8 << 10;

    /// <summary>Page header, column chunk metadata and length prefixes' slack, per column and row group.</summary>
    private const long PageOverheadBytes = 256;

    private readonly int[] _rowStringBytes = new int[ColumnBuffer.StringColumns];
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
        _parquetOptions = new ParquetOptions
        {
            CompressionMethod = options.Output.Compression == ShardCompression.Snappy ? CompressionMethod.Snappy : CompressionMethod.Zstd,
            CompressionLevel = CompressionLevel.Fastest,
        };
        _metadata = ShardSchema.Metadata(options.Pipeline, options.PhashAlgorithm);
        Directory.CreateDirectory(options.ShardsDir);
    }

    public string Name => "write_shards";

    /// <summary>Shards finished so far, in the order written.</summary>
    public IReadOnlyList<ShardInfo> Shards => _shards;

    public async ValueTask WriteAsync(PairRecord record, CancellationToken cancellationToken)
    {
        long rowBytes = ColumnBuffer.Measure(record, _rowStringBytes);
        long pendingRows = _shardRows + _buffer.Count;
        if (pendingRows > 0 && (pendingRows + 1 > _bounds.ShardMaxRows || ProjectedShardBytes(rowBytes) > _bounds.ShardMaxBytes))
        {
            await FlushRowGroupAsync(cancellationToken);
            await CloseShardAsync(cancellationToken);
        }

        _buffer.Add(record, rowBytes, _rowStringBytes);
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
        long statistics = _buffer.StatisticsBoundWith(_rowStringBytes);
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

        await _buffer.WriteRowGroupAsync(_writer, cancellationToken);
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

    /// <summary>Rows of the row group being built, one list per column.</summary>
    private sealed class ColumnBuffer
    {
        private readonly List<string> _key = [];
        private readonly List<string> _lang = [];
        private readonly List<string> _script = [];
        private readonly List<string> _source = [];
        private readonly List<string> _text = [];
        private readonly List<byte[]?> _imageBytes = [];
        private readonly List<string?> _imagePath = [];
        private readonly List<string?> _url = [];
        private readonly List<string?> _pageUrl = [];
        private readonly List<int> _width = [];
        private readonly List<int> _height = [];
        private readonly List<string> _sha256 = [];
        private readonly List<string?> _phash = [];
        private readonly List<string> _dupCluster = [];
        private readonly List<string?> _captionModel = [];
        private readonly List<string?> _captionSourceLang = [];
        private readonly List<string> _origin = [];
        private readonly List<int> _origWidth = [];
        private readonly List<int> _origHeight = [];
        private readonly List<string?> _imageOps = [];
        private readonly List<string?> _captionPromptId = [];
        private readonly List<string?> _captionTranslator = [];

        public int Count => _key.Count;
        public long Bytes { get; private set; }
        public LanguageSourceCounts Counts { get; private set; } = new();

        private readonly int[] _maxStringBytes = new int[StringColumns];

        public const int StringColumns = 17;

        /// <summary>
        /// Encoded size of a row before compression: values plus their 4-byte length prefixes.
        /// Fills <paramref name="stringBytes"/> with the UTF-8 length of each string column.
        /// </summary>
        public static long Measure(PairRecord r, int[] stringBytes)
        {
            stringBytes[0] = Utf8(r.Key);
            stringBytes[1] = Utf8(r.Lang);
            stringBytes[2] = Utf8(r.Script);
            stringBytes[3] = Utf8(r.Source);
            stringBytes[4] = Utf8(r.Text);
            stringBytes[5] = Utf8(r.ImagePath);
            stringBytes[6] = Utf8(r.Url);
            stringBytes[7] = Utf8(r.PageUrl);
            stringBytes[8] = Utf8(r.Sha256);
            stringBytes[9] = Utf8(r.Phash);
            stringBytes[10] = Utf8(r.DupCluster);
            stringBytes[11] = Utf8(r.CaptionModel);
            stringBytes[12] = Utf8(r.CaptionSourceLang);
            stringBytes[13] = Utf8(r.Origin);
            stringBytes[14] = Utf8(r.ImageOps);
            stringBytes[15] = Utf8(r.CaptionPromptId);
            stringBytes[16] = Utf8(r.CaptionTranslator);
            long total = (r.ImageBytes?.Length ?? 0) + 16 + (4 * ShardSchema.ColumnNames.Count);
            foreach (int n in stringBytes)
            {
                total += n;
            }

            return total;
        }

        /// <summary>
        /// Bound on the min/max statistics the footer holds for this row group: two values per
        /// string column, each at most that column's longest value (image bytes get none).
        /// </summary>
        public long StatisticsBound => 2L * _maxStringBytes.Sum();

        /// <summary><see cref="StatisticsBound"/> if a row with these string lengths were added.</summary>
        public long StatisticsBoundWith(int[] stringBytes)
        {
            long total = 0;
            for (int i = 0; i < StringColumns; i++)
            {
                total += Math.Max(_maxStringBytes[i], stringBytes[i]);
            }

            return 2 * total;
        }

        private static int Utf8(string? s) => s is null ? 0 : Encoding.UTF8.GetByteCount(s);

        public void Add(PairRecord r, long bytes, int[] stringBytes)
        {
            _key.Add(r.Key);
            _lang.Add(r.Lang);
            _script.Add(r.Script);
            _source.Add(r.Source);
            _text.Add(r.Text);
            _imageBytes.Add(r.ImageBytes);
            _imagePath.Add(r.ImagePath);
            _url.Add(r.Url);
            _pageUrl.Add(r.PageUrl);
            _width.Add(r.Width);
            _height.Add(r.Height);
            _sha256.Add(r.Sha256);
            _phash.Add(r.Phash);
            _dupCluster.Add(r.DupCluster);
            _captionModel.Add(r.CaptionModel);
            _captionSourceLang.Add(r.CaptionSourceLang);
            _origin.Add(r.Origin);
            _origWidth.Add(r.OrigWidth);
            _origHeight.Add(r.OrigHeight);
            _imageOps.Add(r.ImageOps);
            _captionPromptId.Add(r.CaptionPromptId);
            _captionTranslator.Add(r.CaptionTranslator);
            Bytes += bytes;
            Counts.Add(r.Lang, r.Source);
            for (int i = 0; i < StringColumns; i++)
            {
                _maxStringBytes[i] = Math.Max(_maxStringBytes[i], stringBytes[i]);
            }
        }

        public async Task WriteRowGroupAsync(ParquetWriter writer, CancellationToken cancellationToken)
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(ShardSchema.Key, _key);
            await group.WriteAsync(ShardSchema.Lang, _lang);
            await group.WriteAsync(ShardSchema.Script, _script);
            await group.WriteAsync(ShardSchema.Source, _source);
            await group.WriteAsync(ShardSchema.Text, _text);
            await group.WriteAsync(ShardSchema.ImageBytes, _imageBytes!);
            await group.WriteAsync(ShardSchema.ImagePath, _imagePath!);
            await group.WriteAsync(ShardSchema.Url, _url!);
            await group.WriteAsync(ShardSchema.PageUrl, _pageUrl!);
            await group.WriteAsync(ShardSchema.Width, (ReadOnlyMemory<int>)_width.ToArray(), null, null, cancellationToken);
            await group.WriteAsync(ShardSchema.Height, (ReadOnlyMemory<int>)_height.ToArray(), null, null, cancellationToken);
            await group.WriteAsync(ShardSchema.Sha256, _sha256);
            await group.WriteAsync(ShardSchema.Phash, _phash!);
            await group.WriteAsync(ShardSchema.DupCluster, _dupCluster);
            await group.WriteAsync(ShardSchema.CaptionModel, _captionModel!);
            await group.WriteAsync(ShardSchema.CaptionSourceLang, _captionSourceLang!);
            await group.WriteAsync(ShardSchema.Origin, _origin);
            await group.WriteAsync(ShardSchema.OrigWidth, (ReadOnlyMemory<int>)_origWidth.ToArray(), null, null, cancellationToken);
            await group.WriteAsync(ShardSchema.OrigHeight, (ReadOnlyMemory<int>)_origHeight.ToArray(), null, null, cancellationToken);
            await group.WriteAsync(ShardSchema.ImageOps, _imageOps!);
            await group.WriteAsync(ShardSchema.CaptionPromptId, _captionPromptId!);
            await group.WriteAsync(ShardSchema.CaptionTranslator, _captionTranslator!);
        }

        public void Clear()
        {
            foreach (var list in new System.Collections.IList[]
            {
                _key, _lang, _script, _source, _text, _imageBytes, _imagePath, _url, _pageUrl, _width, _height,
                _sha256, _phash, _dupCluster, _captionModel, _captionSourceLang, _origin, _origWidth, _origHeight, _imageOps, _captionPromptId, _captionTranslator,
            })
            {
                list.Clear();
            }

            Bytes = 0;
            Counts = new LanguageSourceCounts();
            Array.Clear(_maxStringBytes);
        }
    }
}
