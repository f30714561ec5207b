namespace MellaPipeline.Stages;

/// <summary>
/// A stage that decides about one record at a time and keeps no state across records, so the
/// runner may run several calls at once. It writes only its decision: counting, timing, reject
/// routing and ordering belong to the runner.
/// </summary>
public interface IRecordStage<in TIn, TOut>
{
    /// <summary>snake_case stage name used in stats and reject records.</summary>
    string Name { get; }

    ValueTask<StageOutcome<TOut>> ProcessAsync(TIn input, CancellationToken cancellationToken);
}

/// <summary>
/// A stage that needs state across records (deduplication, batching). It sees the whole stream of
/// one task in order and yields one or more outcomes per input; rejects must name their subject.
/// </summary>
public interface IStreamStage<in TIn, TOut>
{
    string Name { get; }

    IAsyncEnumerable<StageOutcome<TOut>> ProcessAsync(IAsyncEnumerable<TIn> input, CancellationToken cancellationToken);
}

/// <summary>Where a pipeline's records come from, for one task's slice of the input.</summary>
public interface IRecordSource<T>
{
    string Name { get; }

    /// <summary>Yields the slice's records in input order; unparsable input comes out as failed outcomes with a subject.</summary>
    IAsyncEnumerable<StageOutcome<T>> ReadAsync(Runs.TaskSlice slice, CancellationToken cancellationToken);
}

/// <summary>
/// The end of a pipeline: consumes records and makes them durable. <see cref="CompleteAsync"/> is
/// called once after the last record; if the run is cancelled or fails it is never called and
/// <see cref="IAsyncDisposable.DisposeAsync"/> must discard whatever is not complete.
/// </summary>
public interface IRecordSink<in T> : IAsyncDisposable
{
    string Name { get; }

    ValueTask WriteAsync(T record, CancellationToken cancellationToken);

    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
