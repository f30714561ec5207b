using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Json;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Dedup;

/// <summary>The figures of one near-duplicate clustering: <c>reduce/clusters.json</c>.</summary>
/// <param name="Rows">Every staged row, repeated keys included.</param>
/// <param name="RowsDropped">Rows dropped as near duplicates.</param>
/// <param name="RepeatedKeys">Rows dropped because an earlier row has their key (<c>duplicate_pair</c>); they are not clustered.</param>
public sealed record ClusteringSummary(
    int Threshold, string Keep, long Rows, long RowsWithoutHash, long Clusters, long SharedClusters, long RowsInSharedClusters, long RowsDropped, double Seconds,
    long RepeatedKeys = 0);

/// <summary>
/// The reduce step that runs once every task is complete: near-duplicate clustering over all
/// tasks' rows, then a filter over each task's staged shards. It runs with <c>dedup_near</c> off
/// too, without clustering (each row is its own cluster), because it is the only step that sees
/// every task's keys: without it the same input line read by two tasks would be two rows.
/// <para>
/// <b>Cluster</b> (<see cref="ClusterAsync"/>): reads the columns it needs from every staged shard
/// (never the images), clusters the perceptual hashes within the threshold exactly
/// (<see cref="NearDuplicateIndex"/>), and decides per row: its cluster id — the smallest
/// SHA-256 prefix among the cluster's images, so it depends on the cluster's images only, not on
/// the number of tasks or the order of rows — and, with <see cref="NearDuplicateKeep.PerLanguage"/>,
/// whether it is the one row kept for its cluster, language and source: the largest image
/// (original pixels), then the longest caption (grapheme clusters), then the smallest key. The
/// decisions go to one file per task, written before <c>clusters.json</c> marks them complete.
/// </para>
/// <para>
/// <b>Keys</b>: keys are unique in a dataset whatever the keep policy. A row whose key an earlier
/// row already has — by rank, then row order, so the choice is deterministic — is not clustered
/// and becomes a <c>duplicate_pair</c> reject: the same input line read by two tasks (or twice by
/// one, with <c>dedup_exact</c> off) gives one row.
/// </para>
/// <para>
/// <b>Filter</b> (<see cref="FilterTaskAsync"/>): copies a task's staged rows into its final
/// shards with their cluster id; rows not kept become <c>image_near_duplicate</c> rejects that
/// name the row kept in their place, repeated keys <c>duplicate_pair</c> rejects that name the task
/// whose row was kept. Each task's filter commits its shards, rejects and stats
/// before its completion marker, and removes its staged shards only then, so a crash at any
/// point is resumed from that task.
/// </para>
/// </summary>
public sealed partial class NearDuplicateReduce(PipelineOptions options, RunDirectory run, string phashAlgorithm, ILogger logger)
{
    public const string StageName = "dedup_near";

    /// <summary>
    /// Bytes per row in a <c>.clusters</c> file: cluster id (8), decision (1: <see cref="Kept"/>,
    /// <see cref="NearDuplicate"/> or <see cref="RepeatedKey"/>), key of the row kept in its place
    /// (16). For a repeated key the first 8 bytes hold the rank of the task whose row has the key.
    /// </summary>
    private const int DecisionBytes = 25;

    private const byte NearDuplicate = 0, Kept = 1, RepeatedKey = 2;

    private DedupNearOptions Settings => options.Stages.DedupNear;

    /// <summary>Clusters the rows of all <paramref name="worldSize"/> tasks, unless an earlier attempt already did.</summary>
    public async Task<ClusteringSummary> ClusterAsync(int worldSize, CancellationToken cancellationToken)
    {
        if (File.Exists(run.ClustersSummaryPath))
        {
            return JsonSerializer.Deserialize<ClusteringSummary>(File.ReadAllBytes(run.ClustersSummaryPath), MellaJson.Indented)!;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, worldSize).Select(run.ReadStats).ToArray();
        var rows = new RowTable(checked((int)tasks.Sum(t => t.Rows)));
        var taskEnds = new int[worldSize];
        for (int rank = 0; rank < worldSize; rank++)
        {
            foreach (var shard in tasks[rank].Shards)
            {
                await foreach (var row in ShardReader.ReadImageRowsAsync(Path.Combine(run.StagingDir, shard.Path), cancellationToken))
                {
                    rows.Add(row);
                }
            }

            taskEnds[rank] = rows.Count;
        }

        int staged = rows.Count;
        var repeats = rows.RemoveRepeatedKeys();
        if (Settings.Enabled)
        {
            LogClustering(logger, rows.Count, Settings.Threshold);
        }

        var decisions = Decide(rows, out long clusters, out long sharedClusters, out long rowsInShared);
        Directory.CreateDirectory(run.ReduceDir);
        long dropped = 0;

        // i counts staged rows, u the rows clustered (those without a repeated key).
        for (int rank = 0, start = 0, u = 0; rank < worldSize; start = taskEnds[rank], rank++)
        {
            var bytes = new byte[(taskEnds[rank] - start) * DecisionBytes];
            for (int i = start; i < taskEnds[rank]; i++)
            {
                var slot = bytes.AsSpan((i - start) * DecisionBytes, DecisionBytes);
                if (repeats.TryGetValue(i, out int first))
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(slot, (ulong)TaskOf(first, taskEnds));
                    slot[8] = RepeatedKey;
                    continue;
                }

                int kept = decisions.KeptRow[u];
                BinaryPrimitives.WriteUInt64LittleEndian(slot, decisions.ClusterOf(u));
                slot[8] = kept == u ? Kept : NearDuplicate;
                BinaryPrimitives.WriteUInt128BigEndian(slot[9..], rows.Keys[kept]);
                dropped += kept == u ? 0 : 1;
                u++;
            }

            AtomicFile.WriteAllBytes(run.ClustersPath(rank), bytes);
        }

        var summary = new ClusteringSummary(
            Settings.Threshold, KeepName, staged, rows.Count - rows.HashedCount, clusters, sharedClusters, rowsInShared, dropped,
            Math.Round(clock.Elapsed.TotalSeconds, 3), repeats.Count);
        AtomicFile.WriteJson(run.ClustersSummaryPath, summary, MellaJson.Indented);
        CrashPoints.Reach(CrashPoints.Clustered);
        LogClustered(logger, rows.Count, clusters, sharedClusters, rowsInShared, dropped, repeats.Count);

        // The clustering's arrays (about 100 bytes a row) are garbage now; give their memory back before the filters start.
        rows = null!;
        decisions = null!;
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect();
        return summary;
    }

    /// <summary>The rank of the task that staged row <paramref name="row"/>: the first whose end lies beyond it.</summary>
    private static int TaskOf(int row, int[] taskEnds)
    {
        int low = 0, high = taskEnds.Length;
        while (low < high)
        {
            int middle = (low + high) / 2;
            (low, high) = taskEnds[middle] > row ? (low, middle) : (middle + 1, high);
        }

        return low;
    }

    private string KeepName => Settings.Keep == NearDuplicateKeep.All ? "all" : "per_language";

    /// <summary>Per row: its cluster's root row and the row kept for its cluster, language and source (itself when kept); per root: the cluster id.</summary>
    private sealed record Decisions(int[] Root, ulong[] ClusterId, int[] KeptRow)
    {
        public ulong ClusterOf(int row) => ClusterId[Root[row]];
    }

    private Decisions Decide(RowTable rows, out long clusters, out long sharedClusters, out long rowsInShared)
    {
        int n = rows.Count;
        var root = new int[n];
        var hashedRows = new int[rows.HashedCount];
        var hashes = new ulong[rows.HashedCount];
        for (int i = 0, h = 0; i < n; i++)
        {
            root[i] = i;
            if (rows.HasHash[i])
            {
                hashedRows[h] = i;
                hashes[h++] = rows.Phash[i];
            }
        }

        // Off, every row is its own cluster: its id is its image's SHA-256 prefix, as the task wrote it.
        var hashRoots = Settings.Enabled ? NearDuplicateIndex.Cluster(hashes, Settings.Threshold) : [];
        for (int h = 0; h < hashRoots.Length; h++)
        {
            root[hashedRows[h]] = hashedRows[hashRoots[h]];
        }

        // The id of a cluster is its smallest image SHA-256 prefix; the images, not the rows, count as members.
        // A cluster holds several images when its smallest and largest image hash differ.
        var clusterId = new ulong[n];
        var largestSha = new ulong[n];
        Array.Fill(clusterId, ulong.MaxValue);
        for (int i = 0; i < n; i++)
        {
            int r = root[i];
            clusterId[r] = Math.Min(clusterId[r], rows.Sha[i]);
            largestSha[r] = Math.Max(largestSha[r], rows.Sha[i]);
        }

        clusters = 0;
        sharedClusters = 0;
        rowsInShared = 0;
        for (int i = 0; i < n; i++)
        {
            int r = root[i];
            clusters += r == i ? 1 : 0;
            sharedClusters += r == i && clusterId[r] != largestSha[r] ? 1 : 0;
            rowsInShared += clusterId[r] != largestSha[r] ? 1 : 0;
        }

        var decisions = new Decisions(root, clusterId, Enumerable.Range(0, n).ToArray());
        if (Settings.Keep == NearDuplicateKeep.All || !Settings.Enabled)
        {
            return decisions;
        }

        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) =>
        {
            int c = clusterId[root[a]].CompareTo(clusterId[root[b]]);
            if (c == 0) c = root[a].CompareTo(root[b]);
            if (c == 0) c = rows.Group[a].CompareTo(rows.Group[b]);
            if (c == 0) c = rows.Pixels[b].CompareTo(rows.Pixels[a]);
            if (c == 0) c = rows.TextElements[b].CompareTo(rows.TextElements[a]);
            return c != 0 ? c : rows.Keys[a].CompareTo(rows.Keys[b]);
        });
        for (int k = 1; k < n; k++)
        {
            int previous = order[k - 1], current = order[k];
            if (root[previous] == root[current] && rows.Group[previous] == rows.Group[current])
            {
                decisions.KeptRow[current] = decisions.KeptRow[previous];
            }
        }

        return decisions;
    }

    /// <summary>Filters the staged rows of task <paramref name="rank"/> into its final shards, unless done before; returns its stats.</summary>
    public async Task<TaskStats> FilterTaskAsync(int rank, CancellationToken cancellationToken)
    {
        if (run.IsReduced(rank))
        {
            return run.ReadReducedStats(rank);
        }

        run.DiscardReducedOutputs(rank);
        var task = run.ReadStats(rank);
        var decisions = await File.ReadAllBytesAsync(run.ClustersPath(rank), cancellationToken);
        var counters = new StageCounters(StageName);
        var clock = System.Diagnostics.Stopwatch.GetTimestamp();
        int row = 0;
        await using (var shards = new ParquetShardWriter(new ShardWriterOptions(run.ShardsDir, rank, options.Output, options.Name, phashAlgorithm)))
        await using (var rejects = new JsonlRejectWriter(run.ReducedRejectsPath(rank)))
        {
            foreach (var shard in task.Shards)
            {
                await foreach (var record in ShardReader.ReadAsync(Path.Combine(run.StagingDir, shard.Path), cancellationToken))
                {
                    if ((row + 1L) * DecisionBytes > decisions.Length)
                    {
                        throw new InvalidDataException($"{run.ClustersPath(rank)}: fewer decisions than staged rows; delete {run.ReduceDir} and run again");
                    }

                    var slot = decisions.AsSpan(row++ * DecisionBytes, DecisionBytes);
                    string cluster = BinaryPrimitives.ReadUInt64LittleEndian(slot).ToString("x16", CultureInfo.InvariantCulture);
                    counters.CountIn();
                    if (slot[8] == Kept)
                    {
                        counters.CountOk();
                        await shards.WriteAsync(record with { DupCluster = cluster }, cancellationToken);
                    }
                    else if (slot[8] == RepeatedKey)
                    {
                        int first = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(slot));
                        counters.CountReject(OutcomeKind.Dropped, ReasonCodes.DuplicatePair);
                        rejects.Write(RejectRecord.Of(
                            record, StageName, OutcomeKind.Dropped, ReasonCodes.DuplicatePair,
                            first == rank ? "same key earlier in this task" : $"same key in task {RunDirectory.RankName(first)}, kept there"));
                    }
                    else
                    {
                        string kept = BinaryPrimitives.ReadUInt128BigEndian(slot[9..]).ToString("x32", CultureInfo.InvariantCulture);
                        counters.CountReject(OutcomeKind.Dropped, ReasonCodes.ImageNearDuplicate);
                        rejects.Write(RejectRecord.Of(
                            record, StageName, OutcomeKind.Dropped, ReasonCodes.ImageNearDuplicate,
                            $"near duplicate in cluster {cluster} ({record.Lang}, {record.Source}); kept {kept}"));
                    }
                }
            }

            if ((long)row * DecisionBytes != decisions.Length)
            {
                throw new InvalidDataException($"{run.ClustersPath(rank)}: more decisions than staged rows; delete {run.ReduceDir} and run again");
            }

            await shards.CompleteAsync(cancellationToken);
            await rejects.CommitAsync();
            counters.AddBusy(clock);
            var stats = task.AfterStage(StageStats.From(counters), shards.Shards);
            AtomicFile.WriteJson(run.ReducedStatsPath(rank), stats, MellaJson.Indented);
            run.MarkReduced(rank);
            CrashPoints.Reach(CrashPoints.RankFiltered);
            RunDirectory.DeleteShards(run.StagingDir, rank);
            return stats;
        }
    }

    /// <summary>Removes the staging folder once every task's rows are filtered (it is empty by then).</summary>
    public void RemoveStaging()
    {
        if (Directory.Exists(run.StagingDir) && !Directory.EnumerateFileSystemEntries(run.StagingDir).Any())
        {
            Directory.Delete(run.StagingDir);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "near-duplicate clustering of {Rows} rows at threshold {Threshold}")]
    private static partial void LogClustering(ILogger logger, int rows, int threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "near-duplicate clusters: {Rows} rows in {Clusters} clusters; {Shared} clusters hold several images ({InShared} rows); {Dropped} rows dropped as duplicates, {Repeated} as repeated keys")]
    private static partial void LogClustered(ILogger logger, int rows, long clusters, long shared, long inShared, long dropped, int repeated);

    /// <summary>The columns clustering decides on, one array per column (about 50 bytes a row).</summary>
    private sealed class RowTable(int capacity)
    {
        private readonly Dictionary<(string Lang, string Source), int> _groups = [];

        public UInt128[] Keys { get; } = new UInt128[capacity];
        public ulong[] Phash { get; } = new ulong[capacity];
        public bool[] HasHash { get; } = new bool[capacity];
        public ulong[] Sha { get; } = new ulong[capacity];
        public long[] Pixels { get; } = new long[capacity];
        public int[] TextElements { get; } = new int[capacity];
        public int[] Group { get; } = new int[capacity];
        public int HashedCount { get; private set; }
        public int Count { get; private set; }

        /// <summary>
        /// Removes every row whose key an earlier row has; returns, for each removed row, the first
        /// row with its key (indices before the removal). Sorting row numbers by key costs 4 bytes a row.
        /// </summary>
        public Dictionary<int, int> RemoveRepeatedKeys()
        {
            var order = Enumerable.Range(0, Count).ToArray();
            var keys = Keys;
            Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
            var repeats = new Dictionary<int, int>();
            for (int k = 1, first = Count > 0 ? order[0] : 0; k < order.Length; k++)
            {
                if (keys[order[k]] == keys[order[k - 1]])
                {
                    repeats[order[k]] = first;
                }
                else
                {
                    first = order[k];
                }
            }

            if (repeats.Count == 0)
            {
                return repeats;
            }

            int kept = 0;
            HashedCount = 0;
            for (int i = 0; i < Count; i++)
            {
                if (repeats.ContainsKey(i))
                {
                    continue;
                }

                (Keys[kept], Phash[kept], HasHash[kept], Sha[kept], Pixels[kept], TextElements[kept], Group[kept]) =
                    (Keys[i], Phash[i], HasHash[i], Sha[i], Pixels[i], TextElements[i], Group[i]);
                HashedCount += HasHash[kept] ? 1 : 0;
                kept++;
            }

            Count = kept;
            return repeats;
        }

        public void Add(ShardImageRow row)
        {
            if (Count == Keys.Length)
            {
                throw new InvalidDataException($"the staged shards hold more rows than the tasks' stats say ({Keys.Length})");
            }

            if (!UInt128.TryParse(row.Key, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var key)
                || !Records.HexIds.TryPrefix64(row.Sha256, out ulong sha))
            {
                throw new InvalidDataException($"staged row {row.Key}: key or sha256 is not hex");
            }

            ulong phash = 0;
            bool hashed = row.Phash is not null && PerceptualHash.TryParseHex(row.Phash, out phash);
            int i = Count++;
            Keys[i] = key;
            Phash[i] = phash;
            HasHash[i] = hashed;
            HashedCount += hashed ? 1 : 0;
            Sha[i] = sha;
            Pixels[i] = (long)row.OrigWidth * row.OrigHeight;
            TextElements[i] = new StringInfo(row.Text).LengthInTextElements;
            if (!_groups.TryGetValue((row.Lang, row.Source), out int group))
            {
                group = _groups.Count;
                _groups[(row.Lang, row.Source)] = group;
            }

            Group[i] = group;
        }
    }
}
