using System.Globalization;
using MellaPipeline.Config;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Dedup;

/// <summary>The figures of caption near-duplicate clustering: <c>reduce/caption-duplicates.json</c>.</summary>
/// <param name="Rows">Rows compared: those the earlier decisions keep and whose caption has a word.</param>
/// <param name="CandidatePairs">Pairs whose exact Jaccard was computed.</param>
/// <param name="VerifiedPairs">Pairs at or above the threshold, joined into one cluster.</param>
/// <param name="Clusters">Clusters of more than one row.</param>
/// <param name="RowsDropped">Rows dropped as <c>caption_near_duplicate</c>.</param>
public sealed record CaptionClusteringSummary(
    double Threshold, int Shingle, int Bands, int RowsPerBand, long Rows, long RowsWithoutWords, long Groups, long CandidateRows,
    long CandidatePairs, long VerifiedPairs, long Clusters, long RowsDropped, long UnverifiedMembers, double Seconds);

/// <summary>
/// The caption phase of the reduce's clustering (<c>stages.dedup_captions</c>), run after the image
/// clustering has written every task's decision file: the rows those decisions keep (not near
/// duplicates of an image, not repeated keys, not dropped by decontamination) are clustered by
/// caption (<see cref="CaptionNearDuplicateIndex"/>), and each row dropped becomes
/// <see cref="RowDecision.CaptionNearDuplicate"/> in its task's decision file, with the kept row's
/// key and the Jaccard of the two captions. A row is never dropped twice, and a row kept for its
/// image's cluster may be dropped here in favour of a row with another image and a near-identical caption.
/// <para>
/// It reads the staged rows twice (no images): once for every kept row's band hashes, once for the
/// candidates' shingles. Decision files are replaced whole, so an interrupted attempt is redone by
/// the cluster step from its image decisions on.
/// </para>
/// </summary>
internal static partial class CaptionNearDuplicatePhase
{
    private const int BatchRows = 16_384;

    public static string FiguresPath(RunDirectory run) => Path.Combine(run.ReduceDir, "caption-duplicates.json");

    /// <summary>Rewrites the decision files of the <paramref name="worldSize"/> tasks for caption near duplicates, when <paramref name="options"/> say so.</summary>
    public static async Task<CaptionClusteringSummary?> RunAsync(DedupCaptionsOptions options, RunDirectory run, int worldSize, ILogger logger, CancellationToken cancellationToken)
    {
        if (!options.IsOn())
        {
            return null;
        }

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var tasks = Enumerable.Range(0, worldSize).Select(run.ReadStats).ToArray();
        var (eligible, rankStarts) = KeptRows(run, worldSize);
        int offered = eligible.Count(e => e);
        LogClustering(logger, offered, options.Threshold, options.Shingle);

        bool Kept(int row) => row < eligible.Length
            ? eligible[row]
            : throw new InvalidDataException($"{run.StagingDir}: more staged rows than decisions ({eligible.Length}); delete {run.ReduceDir} and run again");

        var index = new CaptionNearDuplicateIndex(offered, options);
        await ForEachRowAsync(run, tasks, Kept, index.Add, cancellationToken);
        index.FindCandidates();
        await ForEachRowAsync(run, tasks, row => Kept(row) && index.IsCandidate(row), index.AddCandidates, cancellationToken);
        var found = index.Resolve();
        Rewrite(run, rankStarts, found.Drops);

        var summary = new CaptionClusteringSummary(
            options.Threshold, options.Shingle, CaptionMinHash.Bands, CaptionMinHash.RowsPerBand, found.Rows, found.RowsWithoutWords, found.Groups,
            found.CandidateRows, found.CandidatePairs, found.VerifiedPairs, found.Clusters, found.Drops.Count, found.UnverifiedMembers,
            Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, 3));
        AtomicFile.WriteJson(FiguresPath(run), summary, Json.MellaJson.Indented);
        LogClustered(logger, found.Rows, found.CandidateRows, found.CandidatePairs, found.VerifiedPairs, found.Clusters, found.Drops.Count, summary.Seconds);
        return summary;
    }

    /// <summary>The reject detail of a row <see cref="RunAsync"/> marked: the Jaccard with the kept row and its key.</summary>
    public static string Detail(RowEntry entry, Records.PairRecord record) => string.Create(CultureInfo.InvariantCulture,
        $"jaccard {BitConverter.UInt64BitsToDouble(entry.Cluster):F2} with kept {entry.KeptKey:x32} ({record.Lang}, {record.Source})");

    /// <summary>Per staged row (all tasks, in order), whether the earlier decisions keep it; and where each task's rows start.</summary>
    private static (bool[] Eligible, int[] RankStarts) KeptRows(RunDirectory run, int worldSize)
    {
        var starts = new int[worldSize + 1];
        for (int rank = 0; rank < worldSize; rank++)
        {
            starts[rank + 1] = checked(starts[rank] + (int)(new FileInfo(run.ClustersPath(rank)).Length / DecisionFile.SlotBytes));
        }

        // One task's file at a time: 25 bytes a row of that task, not of the dataset.
        var eligible = new bool[starts[worldSize]];
        for (int rank = 0; rank < worldSize; rank++)
        {
            var file = File.ReadAllBytes(run.ClustersPath(rank));
            for (int row = 0; row < starts[rank + 1] - starts[rank]; row++)
            {
                eligible[starts[rank] + row] = DecisionFile.Read(file, row).Decision == RowDecision.Kept;
            }
        }

        return (eligible, starts);
    }

    /// <summary>Reads every task's staged rows in decision-file order and hands the <paramref name="wanted"/> ones over in batches.</summary>
    private static async Task ForEachRowAsync(RunDirectory run, TaskStats[] tasks, Func<int, bool> wanted, Action<IReadOnlyList<CaptionRow>> take, CancellationToken cancellationToken)
    {
        var batch = new List<CaptionRow>(BatchRows);
        int row = 0;
        foreach (var task in tasks)
        {
            foreach (var shard in task.Shards)
            {
                await foreach (var staged in ShardReader.ReadImageRowsAsync(Path.Combine(run.StagingDir, shard.Path), cancellationToken))
                {
                    if (wanted(row))
                    {
                        if (!UInt128.TryParse(staged.Key, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var key))
                        {
                            throw new InvalidDataException($"staged row {staged.Key}: key is not hex");
                        }

                        batch.Add(new CaptionRow(row, staged.Lang, staged.Source, staged.Text, (long)staged.OrigWidth * staged.OrigHeight, key));
                        if (batch.Count == BatchRows)
                        {
                            take(batch);
                            batch.Clear();
                        }
                    }

                    row++;
                }
            }
        }

        take(batch);
    }

    /// <summary>Marks the dropped rows in their tasks' decision files, each file replaced whole.</summary>
    private static void Rewrite(RunDirectory run, int[] rankStarts, IReadOnlyList<CaptionDrop> drops)
    {
        for (int rank = 0, d = 0; rank < rankStarts.Length - 1 && d < drops.Count; rank++)
        {
            if (drops[d].Row >= rankStarts[rank + 1])
            {
                continue;
            }

            var bytes = File.ReadAllBytes(run.ClustersPath(rank));
            for (; d < drops.Count && drops[d].Row < rankStarts[rank + 1]; d++)
            {
                var drop = drops[d];
                DecisionFile.Write(bytes, drop.Row - rankStarts[rank], new RowEntry(BitConverter.DoubleToUInt64Bits(drop.Jaccard), RowDecision.CaptionNearDuplicate, drop.KeptKey));
            }

            AtomicFile.WriteAllBytes(run.ClustersPath(rank), bytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "caption near-duplicate clustering of {Rows} kept rows at Jaccard {Threshold} over word {Shingle}-grams")]
    private static partial void LogClustering(ILogger logger, int rows, double threshold, int shingle);

    [LoggerMessage(Level = LogLevel.Information, Message = "caption near duplicates: {Rows} rows with words, {Candidates} candidates, {Pairs} pairs compared, {Verified} at or above the threshold; {Clusters} clusters, {Dropped} rows dropped ({Seconds} s)")]
    private static partial void LogClustered(ILogger logger, long rows, long candidates, long pairs, long verified, long clusters, int dropped, double seconds);
}
