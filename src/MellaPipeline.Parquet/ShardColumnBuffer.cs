using System.Text;
using MellaPipeline.Records;
using Parquet;
using Parquet.Schema;

namespace MellaPipeline.Parquet;

/// <summary>
/// One leaf column's values for the row group a <see cref="ParquetShardWriter"/> is building.
/// <see cref="Measure"/> sees each row before <see cref="Add"/> takes it, so the writer can decide
/// whether the row still fits.
/// </summary>
internal abstract class ShardColumnBuffer
{
    /// <summary>The row's value size before compression, without its length prefix.</summary>
    public abstract long Measure(PairRecord record);

    /// <summary>Appends the row last given to <see cref="Measure"/>.</summary>
    public abstract void Add(PairRecord record);

    /// <summary>Bytes the footer's min/max statistics may take for this column of the row group.</summary>
    public virtual long StatisticsBound => 0;

    /// <summary><see cref="StatisticsBound"/> if the row last measured were added.</summary>
    public virtual long StatisticsBoundWithMeasured => 0;

    /// <summary>Whether the values are compressed already (encoded images), so that the shard's codec is not applied to them.</summary>
    public virtual bool Precompressed => false;

    public abstract Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken);

    /// <summary>Empties the buffer for the next row group (the row being measured stays measured).</summary>
    public abstract void Clear();
}

internal sealed class StringColumnBuffer(DataField<string> field, Func<PairRecord, string?> get) : ShardColumnBuffer
{
    private readonly List<string?> _values = [];
    private int _measured;
    private int _longest;

    public override long Measure(PairRecord record)
    {
        string? value = get(record);
        _measured = value is null ? 0 : Encoding.UTF8.GetByteCount(value);
        return _measured;
    }

    public override void Add(PairRecord record)
    {
        _values.Add(get(record));
        _longest = Math.Max(_longest, _measured);
    }

    /// <summary>Two values (min and max), each at most the column's longest value.</summary>
    public override long StatisticsBound => 2L * _longest;

    public override long StatisticsBoundWithMeasured => 2L * Math.Max(_longest, _measured);

    public override Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken) => group.WriteAsync(field, _values!);

    public override void Clear()
    {
        _values.Clear();
        _longest = 0;
    }
}

/// <summary>An integer's min/max statistics are 8 bytes a row group, inside the writer's per-column page overhead allowance.</summary>
internal sealed class IntColumnBuffer(DataField<int> field, Func<PairRecord, int> get) : ShardColumnBuffer
{
    private readonly List<int> _values = [];

    public override long Measure(PairRecord record) => sizeof(int);

    public override void Add(PairRecord record) => _values.Add(get(record));

    public override Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken) =>
        group.WriteAsync(field, (ReadOnlyMemory<int>)_values.ToArray(), null, null, cancellationToken);

    public override void Clear() => _values.Clear();
}

/// <summary>A float's min/max statistics are 8 bytes a row group, inside the writer's per-column page overhead allowance.</summary>
internal sealed class FloatColumnBuffer(DataField<float?> field, Func<PairRecord, float?> get) : ShardColumnBuffer
{
    private readonly List<float?> _values = [];

    public override long Measure(PairRecord record) => sizeof(float);

    public override void Add(PairRecord record) => _values.Add(get(record));

    public override Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken) =>
        group.WriteAsync(field, (ReadOnlyMemory<float?>)_values.ToArray(), null, null, cancellationToken);

    public override void Clear() => _values.Clear();
}

/// <summary>No statistics bound: Parquet.Net writes no min/max for binary columns.</summary>
internal sealed class BytesColumnBuffer(DataField<byte[]> field, Func<PairRecord, byte[]?> get) : ShardColumnBuffer
{
    private readonly List<byte[]?> _values = [];

    public override long Measure(PairRecord record) => get(record)?.Length ?? 0;

    public override void Add(PairRecord record) => _values.Add(get(record));

    /// <summary>JPEG, PNG, GIF and WebP are entropy-coded: zstd saves under 2 % of them and costs a sixth of a reduce's CPU to compress and more to decompress.</summary>
    public override bool Precompressed => true;

    public override Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken) => group.WriteAsync(field, _values!);

    public override void Clear() => _values.Clear();
}
