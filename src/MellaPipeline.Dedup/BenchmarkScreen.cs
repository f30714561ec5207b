using MellaPipeline.Config;
using MellaPipeline.Runs;

namespace MellaPipeline.Dedup;

/// <summary>How many rows the decontamination set aside: <c>reduce/clusters.json</c>'s <c>decontamination</c>.</summary>
/// <param name="Seconds">Spent checking (the benchmark index queried, captions split and looked up), not reading the rows or building the index.</param>
public sealed record DecontaminationFigures(int Threshold, int BenchmarkImages, long BenchmarkNgrams, long RowsChecked, long NearDuplicates, long TextOverlaps, double Seconds);

/// <summary>
/// Decontamination in the cluster step, before clustering: every staged row whose perceptual hash
/// is within the threshold of a benchmark image's (<see cref="PhashQueryIndex"/>, all cores)
/// becomes <see cref="RowDecision.BenchmarkNearDuplicate"/> (entry: the benchmark item's index and
/// the distance), every other row whose caption shares an n-gram with a benchmark caption
/// <see cref="RowDecision.BenchmarkTextOverlap"/> (entry: the reference's file and line); both are
/// set aside in the <see cref="StagedRowTable"/>, so they are not clustered. Captions are checked
/// as the rows are read (<see cref="AddCaption"/>), in parallel batches, so no caption is kept.
/// </summary>
internal sealed class BenchmarkScreen(DecontaminateOptions options, PhashQueryIndex images, NgramSet ngrams)
{
    private const int CaptionBatch = 8192;

    private readonly List<(int Row, string Text)> _pending = new(CaptionBatch);
    private readonly Dictionary<int, ulong> _textMatches = [];
    private readonly System.Diagnostics.Stopwatch _busy = new();

    /// <summary>The benchmark the reduce recorded (<see cref="BenchmarkStep"/>), or null when decontamination is off.</summary>
    public static BenchmarkScreen? Open(DecontaminateOptions? options, RunDirectory run)
    {
        if (options is null || !options.IsOn())
        {
            return null;
        }

        var hashes = HashList.Read(BenchmarkStep.HashesPathOf(run), out var problems);
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{BenchmarkStep.HashesPathOf(run)}:{problems[0]}; delete {run.ReduceDir} and run again");
        }

        return new BenchmarkScreen(
            options, PhashQueryIndex.Build(hashes.Hashes.AsSpan(0, hashes.Count), options.Threshold),
            NgramSet.FromBytes(File.ReadAllBytes(BenchmarkStep.NgramsPathOf(run))));
    }

    /// <summary>Checks staged row <paramref name="row"/>'s caption (batched; the last batch when <see cref="Decide"/> runs).</summary>
    public void AddCaption(int row, string text)
    {
        if (ngrams.Count == 0)
        {
            return;
        }

        _pending.Add((row, text));
        if (_pending.Count == CaptionBatch)
        {
            CheckPending();
        }
    }

    /// <summary>The decision entry of every row the benchmark claims, by staged row; those rows are set aside in <paramref name="rows"/>.</summary>
    public Dictionary<int, RowEntry> Decide(StagedRowTable rows, out DecontaminationFigures figures)
    {
        CheckPending();
        _busy.Start();
        var hashedRows = new List<int>(rows.HashedCount);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows.HasHash[i])
            {
                hashedRows.Add(i);
            }
        }

        var queries = new ulong[hashedRows.Count];
        for (int k = 0; k < queries.Length; k++)
        {
            queries[k] = rows.Phash[hashedRows[k]];
        }

        var matches = images.Count == 0 ? [] : images.NearestAll(queries);
        var entries = new Dictionary<int, RowEntry>();
        for (int k = 0; k < matches.Length; k++)
        {
            if (matches[k].Found)
            {
                entries[hashedRows[k]] = new RowEntry((ulong)matches[k].Reference, RowDecision.BenchmarkNearDuplicate, (UInt128)matches[k].Distance);
            }
        }

        long nearDuplicates = entries.Count;
        foreach (var (row, place) in _textMatches)
        {
            entries.TryAdd(row, new RowEntry(place, RowDecision.BenchmarkTextOverlap, default));
        }

        foreach (int row in entries.Keys)
        {
            rows.SetAside(row);
        }

        figures = new DecontaminationFigures(
            options.Threshold, images.Count, ngrams.Count, rows.Count, nearDuplicates, entries.Count - nearDuplicates,
            Math.Round(_busy.Elapsed.TotalSeconds, 3));
        _busy.Stop();
        return entries;
    }

    private void CheckPending()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        _busy.Start();
        var found = new ulong?[_pending.Count];
        Parallel.For(0, _pending.Count, () => new List<ulong>(), (k, _, buffer) =>
        {
            buffer.Clear();
            CaptionNgrams.AddHashes(_pending[k].Text, options.Ngram, buffer);
            found[k] = ngrams.FirstShared(buffer);
            return buffer;
        }, _ => { });
        for (int k = 0; k < found.Length; k++)
        {
            if (found[k] is { } place)
            {
                _textMatches[_pending[k].Row] = place;
            }
        }

        _pending.Clear();
        _busy.Stop();
    }
}

/// <summary>What the filter step needs of the recorded benchmark to name an item in a reject's detail: read once per task, on its first benchmark drop.</summary>
internal sealed class BenchmarkNames(HashList items, BenchmarkFigures figures)
{
    public static BenchmarkNames Read(RunDirectory run) => new(
        HashList.Read(BenchmarkStep.HashesPathOf(run), out _),
        AtomicFile.ReadJson<BenchmarkFigures>(BenchmarkStep.FiguresPathOf(run), Json.MellaJson.Indented));

    /// <summary>E.g. <c>within 4 bits of benchmark item xm3600/0a1b2c.jpg</c>.</summary>
    public string NearDuplicate(RowEntry entry) =>
        $"within {(int)entry.KeptKey} bits of benchmark item {System.Text.Encoding.UTF8.GetString(items.Id(checked((int)entry.Cluster)))}";

    /// <summary>E.g. <c>shares a 13-word sequence with /data/xm3600-captions.txt:812</c>.</summary>
    public string TextOverlap(RowEntry entry)
    {
        var (file, line) = NgramSet.Unpack(entry.Cluster);
        return $"shares a {figures.Ngram}-word sequence with {figures.TextFiles[file]}:{line}";
    }
}
