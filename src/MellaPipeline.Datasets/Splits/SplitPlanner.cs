using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using MellaPipeline.Collections;
using MellaPipeline.Parquet;
using MellaPipeline.Records;

namespace MellaPipeline.Datasets.Splits;

/// <summary>One language × source of a split: its rows, its eval quota and how many went to eval.</summary>
public sealed record StratumSplit(string Lang, string Source, long Rows, long Quota, long Eval)
{
    public long Train => Rows - Eval;
}

/// <summary>Which input rows (in shard order) go to eval, and the figures behind it.</summary>
public sealed class SplitPlan(bool[] inEval, IReadOnlyList<StratumSplit> strata, long groups, long groupsInEval)
{
    public bool[] InEval { get; } = inEval;

    public IReadOnlyList<StratumSplit> Strata { get; } = strata;

    /// <summary>Groups (clusters, or clusters joined by web host) that cannot be split.</summary>
    public long Groups { get; } = groups;

    public long GroupsInEval { get; } = groupsInEval;
}

/// <summary>
/// Chooses the eval rows. Every row belongs to a group that must stay on one side: its
/// <c>dup_cluster</c>, joined (union-find) with any other cluster holding the same image (SHA-256)
/// and, when grouping by domain, with every cluster sharing a web host. Groups are visited in an
/// order drawn from the seed — the smallest hash of the seed and a cluster id among the group's
/// clusters, so the order depends on the clusters, not on how rows are laid out in shards — and a
/// group goes to eval when it helps a language × source still short of its quota and overfills
/// none. Memory is a few integers per row; no text or image is read.
/// </summary>
public static class SplitPlanner
{
    public static async Task<SplitPlan> PlanAsync(IReadOnlyList<string> shards, SplitSettings settings, CancellationToken cancellationToken)
    {
        // One look at each shard, the few columns grouping needs: rows are counted as they come, not from the footers first.
        var rowStratum = new List<int>();
        var rowNode = new List<int>();
        var strata = new Dictionary<(string Lang, string Source), int>();
        var strataKeys = new List<(string Lang, string Source)>();
        // Nodes (clusters, and hosts when grouping by domain) are numbered as they appear; the joins are applied once all are known.
        var priorities = new List<ulong>();
        var joins = new List<(int A, int B)>();
        int AddNode(ulong priority)
        {
            priorities.Add(priority);
            return priorities.Count - 1;
        }

        var clusterNodes = new Dictionary<ulong, int>();
        var imageNodes = new Dictionary<ulong, int>();
        var hostNodes = new Dictionary<ulong, int>();
        foreach (var shard in shards)
        {
            await foreach (var r in ShardReader.ReadSplitRowsAsync(shard, cancellationToken))
            {
                if (!strata.TryGetValue((r.Lang, r.Source), out int stratum))
                {
                    stratum = strata[(r.Lang, r.Source)] = strataKeys.Count;
                    strataKeys.Add((r.Lang, r.Source));
                }

                rowStratum.Add(stratum);
                ulong cluster = HexIds.Id64(r.DupCluster);
                if (!clusterNodes.TryGetValue(cluster, out int node))
                {
                    node = clusterNodes[cluster] = AddNode(Priority(cluster, settings.Seed));
                }

                rowNode.Add(node);

                // The same image under two cluster ids (shards from runs clustered apart) still stays on one side.
                ulong image = HexIds.Id64(r.Sha256);
                if (imageNodes.TryGetValue(image, out int imageNode))
                {
                    if (imageNode != node)
                    {
                        joins.Add((node, imageNode));
                    }
                }
                else
                {
                    imageNodes[image] = node;
                }

                if (settings.GroupBy == SplitGrouping.Domain && WebHosts.Of(r.PageUrl, r.Url) is { } host)
                {
                    ulong hostId = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(host));
                    if (!hostNodes.TryGetValue(hostId, out int hostNode))
                    {
                        hostNode = hostNodes[hostId] = AddNode(ulong.MaxValue);
                    }

                    joins.Add((node, hostNode));
                }
            }
        }

        clusterNodes = null;
        imageNodes = null;
        hostNodes = null;
        var groups = new UnionFind(priorities.Count);
        foreach (var (a, b) in joins)
        {
            groups.Union(a, b);
        }

        // A group comes in the visiting order of its first cluster: the smallest priority among its nodes, kept at its root.
        var rootPriority = priorities.ToArray();
        for (int node = 0; node < rootPriority.Length; node++)
        {
            int root = groups.Find(node);
            rootPriority[root] = Math.Min(rootPriority[root], rootPriority[node]);
        }

        return Choose(rowStratum.ToArray(), rowNode.ToArray(), groups, rootPriority, strataKeys, settings);
    }

    /// <summary>Where a cluster comes in the visiting order: a hash of the seed and its id.</summary>
    private static ulong Priority(ulong cluster, long seed)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, cluster);
        return XxHash64.HashToUInt64(bytes, seed);
    }

    private static SplitPlan Choose(
        int[] rowStratum, int[] rowNode, UnionFind sets, ulong[] rootPriority, List<(string Lang, string Source)> strataKeys, SplitSettings settings)
    {
        int rows = rowStratum.Length;

        // Rows of each group, contiguous (rowNode becomes the row's group).
        var groupOfRoot = new int[sets.Count];
        Array.Fill(groupOfRoot, -1);
        var priorities = new List<ulong>();
        for (int r = 0; r < rows; r++)
        {
            int root = sets.Find(rowNode[r]);
            if (groupOfRoot[root] < 0)
            {
                groupOfRoot[root] = priorities.Count;
                priorities.Add(rootPriority[root]);
            }

            rowNode[r] = groupOfRoot[root];
        }

        int groupCount = priorities.Count;
        var start = new int[groupCount + 1];
        foreach (int g in rowNode)
        {
            start[g + 1]++;
        }

        for (int g = 0; g < groupCount; g++)
        {
            start[g + 1] += start[g];
        }

        var rowsOfGroups = new int[rows];
        var fill = start[..groupCount];
        for (int r = 0; r < rows; r++)
        {
            rowsOfGroups[fill[rowNode[r]]++] = r;
        }

        // Quotas per language × source.
        var stratumRows = new long[strataKeys.Count];
        foreach (int s in rowStratum)
        {
            stratumRows[s]++;
        }

        var languageRows = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int s = 0; s < strataKeys.Count; s++)
        {
            languageRows[strataKeys[s].Lang] = languageRows.GetValueOrDefault(strataKeys[s].Lang) + stratumRows[s];
        }

        var quota = new long[strataKeys.Count];
        var remaining = new long[strataKeys.Count];
        int short_ = 0;
        for (int s = 0; s < strataKeys.Count; s++)
        {
            quota[s] = remaining[s] = settings.Quota(stratumRows[s], languageRows[strataKeys[s].Lang]);
            short_ += remaining[s] > 0 ? 1 : 0;
        }

        var order = new int[groupCount];
        for (int g = 0; g < groupCount; g++)
        {
            order[g] = g;
        }

        Array.Sort(priorities.ToArray(), order);

        var inEval = new bool[rows];
        var counts = new long[strataKeys.Count];
        var touched = new List<int>();
        long groupsInEval = 0;
        foreach (int g in order)
        {
            if (short_ == 0)
            {
                break;
            }

            touched.Clear();
            for (int i = start[g]; i < start[g + 1]; i++)
            {
                int s = rowStratum[rowsOfGroups[i]];
                if (counts[s]++ == 0)
                {
                    touched.Add(s);
                }
            }

            bool helps = touched.Exists(s => remaining[s] > 0);
            bool fits = touched.TrueForAll(s => counts[s] <= remaining[s]);
            if (helps && fits)
            {
                groupsInEval++;
                for (int i = start[g]; i < start[g + 1]; i++)
                {
                    inEval[rowsOfGroups[i]] = true;
                }

                foreach (int s in touched)
                {
                    remaining[s] -= counts[s];
                    short_ -= remaining[s] == 0 ? 1 : 0;
                }
            }

            foreach (int s in touched)
            {
                counts[s] = 0;
            }
        }

        var result = Enumerable.Range(0, strataKeys.Count)
            .Select(s => new StratumSplit(strataKeys[s].Lang, strataKeys[s].Source, stratumRows[s], quota[s], quota[s] - remaining[s]))
            .OrderBy(s => s.Lang, StringComparer.Ordinal).ThenBy(s => s.Source, StringComparer.Ordinal)
            .ToArray();
        return new SplitPlan(inEval, result, groupCount, groupsInEval);
    }
}
