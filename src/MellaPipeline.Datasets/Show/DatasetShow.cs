using MellaPipeline.Datasets.Export;
using MellaPipeline.Parquet;
using C = MellaPipeline.Parquet.ShardColumns;

namespace MellaPipeline.Datasets.Show;

/// <summary>
/// <c>mella show</c>: the first rows of a dataset that the filter keeps, in dataset order (a split output: train, then
/// eval). Reads only the columns it prints and those the filter compares — never the images — and stops reading
/// once it has <c>limit</c> rows.
/// </summary>
public static class DatasetShow
{
    /// <summary>Rows shown when <c>--limit</c> is not given.</summary>
    public const int DefaultLimit = 20;

    private static readonly ShardValueColumn[] Printed = [C.Key, C.Lang, C.Script, C.Source, C.Text, C.Width, C.Height, C.DupCluster];

    /// <summary>The rows, or why the dataset cannot be read (one line, naming it).</summary>
    public static async Task<(IReadOnlyList<ShownRow>? Rows, string? Problem)> ReadAsync(string dataset, RowFilter filter, int limit, CancellationToken cancellationToken)
    {
        try
        {
            var columns = Printed.Concat(filter.Columns).Distinct().ToArray();
            var rows = new List<ShownRow>();
            foreach (var shard in DatasetParts.Find(dataset).SelectMany(p => p.Shards))
            {
                if (rows.Count >= limit)
                {
                    break;
                }

                await foreach (var row in ShardReader.ReadRowsAsync(shard, columns, r => r, cancellationToken))
                {
                    if (filter.Matches(row.GetValue))
                    {
                        rows.Add(new ShownRow(row.Get(C.Key)!, row.Get(C.Lang)!, row.Get(C.Script)!, row.Get(C.Source)!, row.Get(C.Text)!,
                            row.Get(C.Width), row.Get(C.Height), row.Get(C.DupCluster)!));
                        if (rows.Count >= limit)
                        {
                            break;
                        }
                    }
                }
            }

            return (rows, null);
        }
        catch (Exception e) when (DatasetProblem.Is(e))
        {
            return (null, DatasetProblem.Describe(dataset, e));
        }
    }
}
