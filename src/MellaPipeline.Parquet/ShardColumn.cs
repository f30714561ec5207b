using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json.Nodes;
using MellaPipeline.Records;
using Parquet;
using Parquet.Schema;

namespace MellaPipeline.Parquet;

/// <summary>
/// One top-level column of a dataset shard: its Parquet field, how the docs and the Hugging Face
/// features describe it, and the leaf columns that hold its values. Every shard column is one
/// entry of <see cref="ShardColumns"/>.
/// </summary>
public abstract class ShardColumn
{
    private protected ShardColumn(string name, string description)
    {
        Name = name;
        Description = description;
    }

    /// <summary>The column's name inside its parent: top-level for a column, the field name inside a struct.</summary>
    public string Name { get; }

    /// <summary>One-line meaning, as <c>schemas/shard.md</c> and <c>schemas/shard.schema.json</c> give it.</summary>
    public string Description { get; }

    public abstract bool Nullable { get; }

    /// <summary>The Parquet type as <c>schemas/shard.md</c> writes it, e.g. <c>BYTE_ARRAY (UTF8)</c>.</summary>
    public abstract string ParquetType { get; }

    /// <summary>The field the Parquet schema holds for this column.</summary>
    public abstract Field Field { get; }

    /// <summary>The columns holding values, in file order: the column itself, or a struct's fields.</summary>
    public abstract IReadOnlyList<ShardValueColumn> Leaves { get; }

    /// <summary>The column's <c>datasets</c> feature in the <c>huggingface</c> metadata entry.</summary>
    public abstract JsonObject HuggingFaceFeature();

    private protected static JsonObject HuggingFaceValue(string dtype) => new() { ["dtype"] = dtype, ["_type"] = "Value" };
}

/// <summary>A column with one Parquet value per row (a leaf of the schema).</summary>
public abstract class ShardValueColumn : ShardColumn
{
    private protected ShardValueColumn(string name, string description)
        : base(name, description)
    {
    }

    public abstract DataField DataField { get; }

    public override Field Field => DataField;

    public override IReadOnlyList<ShardValueColumn> Leaves => [this];

    /// <summary>Position among all leaf columns of a shard, in file order; set when the column joins <see cref="ShardColumns"/>.</summary>
    internal int Ordinal { get; set; } = -1;

    /// <summary>A writer-side buffer of this column's values for one row group.</summary>
    internal abstract ShardColumnBuffer NewBuffer();

    /// <summary>The column's values in one row group, in row order.</summary>
    internal abstract Task<Array> ReadAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken);

    /// <summary>The <see cref="PairRecord"/> property this column stores.</summary>
    public abstract PropertyInfo Property { get; }

    /// <summary>The record's value of this column, boxed (through the compiled getter, no reflection).</summary>
    public abstract object? ValueOf(PairRecord record);

    /// <summary>Assigns <see cref="Property"/> this column's value of <paramref name="row"/> (a <see cref="ShardRow"/>), in a record initializer.</summary>
    internal abstract MemberBinding Bind(ParameterExpression row);
}

/// <summary>A leaf column whose values come from <see cref="PairRecord"/> as <typeparamref name="T"/>.</summary>
public abstract class ShardValueColumn<T> : ShardValueColumn
{
    private static readonly MethodInfo RowGet = typeof(ShardRow).GetMethod(nameof(ShardRow.Get))!.MakeGenericMethod(typeof(T));

    /// <param name="property">The <see cref="PairRecord"/> property the column stores, as <c>r => r.Name</c>: the writer gets it, the reader sets it.</param>
    private protected ShardValueColumn(string name, bool nullable, Expression<Func<PairRecord, T>> property, string description)
        : base(name, description)
    {
        Nullable = nullable;
        Property = property.Body is MemberExpression { Expression: ParameterExpression, Member: PropertyInfo p } ? p : throw new ArgumentException($"column '{name}' must name a PairRecord property, not '{property}'", nameof(property));
        // The getter itself, not a compiled copy of the lambda: nothing to compile at start-up.
        Get = Property.GetMethod!.CreateDelegate<Func<PairRecord, T>>();
    }

    public override bool Nullable { get; }

    public override PropertyInfo Property { get; }

    /// <summary>The record's value for this column, as the writer stores it.</summary>
    public Func<PairRecord, T> Get { get; }

    public override object? ValueOf(PairRecord record) => Get(record);

    internal override MemberBinding Bind(ParameterExpression row) =>
        Expression.Bind(Property, Expression.Call(row, RowGet, Expression.Constant(this)));
}

/// <summary>A UTF-8 string column.</summary>
public sealed class StringColumn : ShardValueColumn<string?>
{
    private readonly DataField<string> _field;

    public StringColumn(string name, bool nullable, Expression<Func<PairRecord, string?>> property, string description)
        : base(name, nullable, property, description)
    {
        _field = new DataField<string>(name, nullable);
    }

    public override DataField DataField => _field;

    public override string ParquetType => "BYTE_ARRAY (UTF8)";

    public override JsonObject HuggingFaceFeature() => HuggingFaceValue("string");

    internal override ShardColumnBuffer NewBuffer() => new StringColumnBuffer(_field, Get);

    internal override async Task<Array> ReadAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken)
    {
        return await NestedValues.ReadAsync<string>(group, _field, rows, cancellationToken);
    }
}

/// <summary>A 32-bit integer column.</summary>
public sealed class IntColumn : ShardValueColumn<int>
{
    private readonly DataField<int> _field;

    public IntColumn(string name, Expression<Func<PairRecord, int>> property, string description)
        : base(name, nullable: false, property, description)
    {
        _field = new DataField<int>(name, nullable: false);
    }

    public override DataField DataField => _field;

    public override string ParquetType => "INT32";

    public override JsonObject HuggingFaceFeature() => HuggingFaceValue("int32");

    internal override ShardColumnBuffer NewBuffer() => new IntColumnBuffer(_field, Get);

    internal override async Task<Array> ReadAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken)
    {
        var values = new int[rows];
        await group.ReadAsync<int>(_field, values.AsMemory(), null, cancellationToken);
        return values;
    }
}

/// <summary>A nullable 32-bit float column (a score; null when the row was not scored).</summary>
public sealed class FloatColumn : ShardValueColumn<float?>
{
    private readonly DataField<float?> _field;

    public FloatColumn(string name, Expression<Func<PairRecord, float?>> property, string description)
        : base(name, nullable: true, property, description)
    {
        _field = new DataField<float?>(name, nullable: true);
    }

    public override DataField DataField => _field;

    public override string ParquetType => "FLOAT";

    public override JsonObject HuggingFaceFeature() => HuggingFaceValue("float32");

    internal override ShardColumnBuffer NewBuffer() => new FloatColumnBuffer(_field, Get);

    internal override async Task<Array> ReadAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken)
    {
        var values = new float?[rows];
        await group.ReadAsync<float>(_field, values.AsMemory(), null, cancellationToken);
        return values;
    }
}

/// <summary>A binary column (encoded image bytes).</summary>
public sealed class BytesColumn : ShardValueColumn<byte[]?>
{
    private readonly DataField<byte[]> _field;

    public BytesColumn(string name, Expression<Func<PairRecord, byte[]?>> property, string description)
        : base(name, nullable: true, property, description)
    {
        _field = new DataField<byte[]>(name, nullable: true);
    }

    public override DataField DataField => _field;

    public override string ParquetType => "BYTE_ARRAY";

    public override JsonObject HuggingFaceFeature() => HuggingFaceValue("binary");

    internal override ShardColumnBuffer NewBuffer() => new BytesColumnBuffer(_field, Get);

    internal override async Task<Array> ReadAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken)
    {
        return await NestedValues.ReadAsync<byte[]>(group, _field, rows, cancellationToken);
    }
}

/// <summary>
/// The Hugging Face <c>Image</c> layout: a struct of the encoded bytes and the file name, which
/// <c>datasets</c> decodes as an image.
/// </summary>
public sealed class ImageColumn : ShardColumn
{
    public ImageColumn(string name, BytesColumn bytes, StringColumn path, string description)
        : base(name, description)
    {
        Leaves = [bytes, path];
        Field = new StructField(name, bytes.DataField, path.DataField);
    }

    /// <summary>
    /// True as the file has it: Parquet.Net writes every struct as an optional group. The writer
    /// never leaves it null (a row stored by reference has a null <c>bytes</c> inside it).
    /// </summary>
    public override bool Nullable => true;

    public override string ParquetType => "group (struct)";

    public override Field Field { get; }

    public override IReadOnlyList<ShardValueColumn> Leaves { get; }

    public override JsonObject HuggingFaceFeature() => new() { ["_type"] = "Image" };
}

/// <summary>
/// Parquet.Net 6.1 reads a nullable field inside a struct (<c>image.bytes</c>, <c>image.path</c>) densely: the non-null
/// values first, then stale buffer contents where the nulls were — an image stored by reference came back with another
/// row's bytes, and one row's file name moved to the first row. Top-level columns are read in place.
/// </summary>
public static class NestedValues
{
    /// <summary>
    /// One leaf column of a row group, a value or null per row. A leaf inside a struct that can be null at some level
    /// (its own, or its struct's: a nullable leaf under a required struct has a maximum definition level of one, as
    /// other writers make it), where the chunk's statistics do not rule nulls out, has its definition levels read first
    /// (and let go, so one copy of the column is held at a time), then its values, put back in their rows by the levels.
    /// Parquet.Net 6.1's one-pass raw read (<c>ReadRawAsync</c>) takes value types only, not these string and byte leaves.
    /// </summary>
    public static async Task<T?[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
        where T : class
    {
        int[]? levels = null;
        if (field.Path.Length > 1 && field.MaxDefinitionLevel > 0 && group.GetStatistics(field) is not { NullCount: 0 })
        {
            levels = new int[rows];
            using var raw = await group.ReadRawColumnDataBaseAsync(field, cancellationToken);
            raw.DefinitionLevels.CopyTo(levels);
        }

        var values = new T?[rows];
        if (typeof(T) == typeof(string))
        {
            await group.ReadAsync(field, (Memory<string?>)(object)values.AsMemory(), null, cancellationToken);
        }
        else if (typeof(T) == typeof(byte[]))
        {
            await group.ReadAsync(field, (Memory<byte[]?>)(object)values.AsMemory(), null, cancellationToken);
        }
        else
        {
            throw new NotSupportedException($"{typeof(T).Name} leaves are not read here"); // only the image struct's two leaves are nested
        }

        if (levels is not null)
        {
            Place(values, levels, field);
        }

        return values;
    }

    /// <summary>
    /// Puts the values back in the rows whose definition level is the maximum, null elsewhere. Where Parquet.Net leaves
    /// them depends on the file: packed at the front (this project's shards), or with nulls between them (a struct null
    /// in a DuckDB-written shard), stale or empty entries after them; in every case the values are its non-null entries,
    /// in row order.
    /// </summary>
    private static void Place<T>(T?[] values, int[] levels, DataField field)
        where T : class
    {
        int maxLevel = field.MaxDefinitionLevel;
        int present = levels.Count(level => level == maxLevel), packed = 0;
        for (int i = 0; i < values.Length && packed < present; i++)
        {
            if (values[i] is { } value)
            {
                values[packed++] = value;
            }
        }

        if (packed < present)
        {
            throw new InvalidDataException($"column '{string.Join('.', field.Path.ToList())}': {present} values by its definition levels, {packed} read");
        }

        // Moved back to front, each value lands at or after where it was packed.
        for (int row = values.Length - 1; row >= 0; row--)
        {
            values[row] = levels[row] == maxLevel ? values[--packed] : null;
        }
    }
}
