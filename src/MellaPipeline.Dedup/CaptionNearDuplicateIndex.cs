using MellaPipeline.Collections;
using MellaPipeline.Config;

namespace MellaPipeline.Dedup;

/// <summary>One row offered to caption near-duplicate clustering.</summary>
/// <param name="Row">The caller's number for the row; rows are offered in increasing order.</param>
/// <param name="Pixels">Original width × height of the row's image (0 when unknown), the keep rule's first criterion.</param>
/// <param name="Key">The row's key, the keep rule's tie-break.</param>
public readonly record struct CaptionRow(int Row, string Lang, string Source, string Text, long Pixels, UInt128 Key);

/// <summary>A row whose caption is a near duplicate of a kept row's.</summary>
/// <param name="Jaccard">The exact Jaccard of the two captions' shingle sets; below the threshold when the row joined the cluster through another member.</param>
public readonly record struct CaptionDrop(int Row, int KeptRow, UInt128 KeptKey, double Jaccard);

/// <summary>What caption clustering found: the rows to drop, in row order, and its counts.</summary>
/// <param name="Rows">Rows offered that have at least one word.</param>
/// <param name="RowsWithoutWords">Rows offered whose caption has no word (never near duplicates).</param>
/// <param name="Groups">Distinct language × source groups; captions are compared within a group only.</param>
/// <param name="CandidateRows">Rows that share a band with another row of their group.</param>
/// <param name="CandidatePairs">Pairs whose exact Jaccard was computed.</param>
/// <param name="VerifiedPairs">Of those, pairs at or above the threshold, joined into one cluster.</param>
/// <param name="Clusters">Clusters of more than one row.</param>
/// <param name="UnverifiedMembers">Bucket members compared with only the first <see cref="CaptionNearDuplicateIndex.MaxRepresentatives"/> distinct captions of a crowded bucket and matching none.</param>
public sealed record CaptionClustering(
    IReadOnlyList<CaptionDrop> Drops, long Rows, long RowsWithoutWords, long Groups, long CandidateRows, long CandidatePairs, long VerifiedPairs, long Clusters,
    long UnverifiedMembers);

/// <summary>
/// Caption near-duplicates by MinHash LSH, in two passes over the rows so that no row's shingles or
/// signature are kept: pass one (<see cref="Add"/>) keeps each row's <see cref="CaptionMinHash.Bands"/>
/// band hashes; <see cref="FindCandidates"/> marks the rows that share a band with another row of
/// their language and source; pass two (<see cref="AddCandidates"/>) keeps the shingle sets of those
/// rows only; <see cref="Resolve"/> verifies every candidate pair by its exact Jaccard, joins the
/// pairs at or above the threshold (union-find), and keeps one row per cluster by
/// <see cref="DuplicateKeep"/>'s rule (largest image, then longest caption, then smallest key).
/// <para>
/// <b>Verification</b>: within a bucket (one band hash of one group) members are taken in key order;
/// each is compared with the bucket's representatives (the members that matched no earlier one),
/// except those it is already joined to and those it shared a bucket with in an earlier band (so a
/// pair is compared once). A bucket of repeats of one caption costs one comparison a member, not
/// one a pair. Pairs are missed only through the sketch (the S-curve in <see cref="CaptionMinHash"/>)
/// or when, in the bucket a pair first shares, neither member was a representative the other was
/// compared with (a chain through a representative usually joins them anyway). The result depends on the rows' content only — their
/// groups, captions and keys — never on the order they were offered in, so the same rows give the
/// same clusters and kept rows whatever the number of tasks.
/// </para>
/// <para>
/// <b>Memory</b>: 56 bytes per row offered (its number, group and band hashes), 16 more while the
/// candidates are found, and about 80 bytes plus 8 per shingle for each candidate row.
/// </para>
/// </summary>
public sealed class CaptionNearDuplicateIndex
{
    /// <summary>
    /// A bucket's distinct captions compared in full; a member of a bucket with more that matches
    /// none of them is left to the other bands, so a crowded bucket of unrelated captions (all
    /// sharing four MinHash values by chance) costs at most this many comparisons a member.
    /// </summary>
    public const int MaxRepresentatives = 32;

    private const int Bands = CaptionMinHash.Bands;

    private readonly DedupCaptionsOptions _options;
    private readonly Dictionary<(string Lang, string Source), int> _groups = [];
    private readonly int[] _rows;
    private readonly int[] _group;
    private readonly uint[] _bands;
    private int _count;
    private long _withoutWords;

    private int[]? _candidateOf;
    private int[] _candidates = [];
    private ulong[][] _shingles = [];
    private DuplicateCandidate[] _keep = [];
    private int _added;

    /// <param name="capacity">The most rows <see cref="Add"/> will be given.</param>
    public CaptionNearDuplicateIndex(int capacity, DedupCaptionsOptions options)
    {
        _options = options;
        _rows = new int[capacity];
        _group = new int[capacity];
        _bands = new uint[capacity * Bands];
    }

    /// <summary>Pass one: the band hashes of each row's caption (rows without a word are counted and left out).</summary>
    public void Add(IReadOnlyList<CaptionRow> batch)
    {
        if (_candidateOf is not null)
        {
            throw new InvalidOperationException("rows added after the candidates were found");
        }

        var bands = new uint[batch.Count * Bands];
        var hasWords = new bool[batch.Count];
        Parallel.For(0, batch.Count, k =>
        {
            var shingles = CaptionShingles.Of(batch[k].Text, _options.Shingle);
            if (shingles.Length > 0)
            {
                hasWords[k] = true;
                CaptionMinHash.BandHashes(shingles, bands.AsSpan(k * Bands, Bands));
            }
        });

        for (int k = 0; k < batch.Count; k++)
        {
            if (!hasWords[k])
            {
                _withoutWords++;
                continue;
            }

            if (_count == _rows.Length)
            {
                throw new InvalidOperationException($"more rows than the index was sized for ({_rows.Length})");
            }

            var row = batch[k];
            if (_count > 0 && row.Row <= _rows[_count - 1])
            {
                throw new ArgumentException($"row {row.Row} offered after row {_rows[_count - 1]}: rows come in increasing order", nameof(batch));
            }

            _rows[_count] = row.Row;
            _group[_count] = GroupOf(row);
            bands.AsSpan(k * Bands, Bands).CopyTo(_bands.AsSpan(_count * Bands, Bands));
            _count++;
        }
    }

    /// <summary>Ends pass one: marks the rows that share a band hash with another row of their group; returns how many.</summary>
    public int FindCandidates()
    {
        var candidate = new bool[_count];
        ForEachBucket(_count, e => e, (members, _) =>
        {
            foreach (int e in members)
            {
                candidate[e] = true;
            }
        });

        _candidateOf = new int[_count];
        int count = 0;
        for (int e = 0; e < _count; e++)
        {
            _candidateOf[e] = candidate[e] ? count++ : -1;
        }

        _candidates = new int[count];
        for (int e = 0; e < _count; e++)
        {
            if (_candidateOf[e] >= 0)
            {
                _candidates[_candidateOf[e]] = e;
            }
        }

        _shingles = new ulong[count][];
        _keep = new DuplicateCandidate[count];
        return count;
    }

    /// <summary>Whether <paramref name="row"/> is a candidate (after <see cref="FindCandidates"/>): pass two offers only those.</summary>
    public bool IsCandidate(int row) => CandidateOf(row) >= 0;

    /// <summary>Pass two: the shingle sets of candidate rows (each offered once, any order).</summary>
    public void AddCandidates(IReadOnlyList<CaptionRow> batch)
    {
        var shingles = new ulong[batch.Count][];
        Parallel.For(0, batch.Count, k => shingles[k] = CaptionShingles.Of(batch[k].Text, _options.Shingle));
        for (int k = 0; k < batch.Count; k++)
        {
            var row = batch[k];
            int c = CandidateOf(row.Row);
            if (c < 0 || _shingles[c] is not null)
            {
                throw new ArgumentException($"row {row.Row} is not a candidate or was offered twice", nameof(batch));
            }

            _shingles[c] = shingles[k];
            _keep[c] = new DuplicateCandidate(row.Pixels, Text.TextNormalizer.GraphemeCount(row.Text), row.Key);
            _added++;
        }
    }

    /// <summary>Verifies the candidate pairs, clusters them and picks the kept row of each cluster.</summary>
    public CaptionClustering Resolve()
    {
        if (_candidateOf is null || _added != _candidates.Length)
        {
            throw new InvalidOperationException($"{_added} of {_candidates.Length} candidates' captions were given");
        }

        var joined = new UnionFind(_candidates.Length);
        long pairs = 0, verified = 0, unverified = 0;
        var representatives = new List<int>(MaxRepresentatives);
        var keep = _keep;
        ForEachBucket(_candidates.Length, c => _candidates[c], (members, band) =>
        {
            Array.Sort(members, (a, b) => keep[a].TieBreak.CompareTo(keep[b].TieBreak));
            representatives.Clear();
            foreach (int c in members)
            {
                bool matched = false;
                foreach (int r in representatives)
                {
                    if (joined.Find(c) == joined.Find(r))
                    {
                        matched = true;
                        continue;
                    }

                    if (ShareEarlierBand(_candidates[c], _candidates[r], band))
                    {
                        continue;
                    }

                    pairs++;
                    if (CaptionShingles.Jaccard(_shingles[c], _shingles[r]) >= _options.Threshold)
                    {
                        verified++;
                        joined.Union(c, r);
                        matched = true;
                    }
                }

                if (!matched && representatives.Count < MaxRepresentatives)
                {
                    representatives.Add(c);
                }
                else if (!matched)
                {
                    unverified++;
                }
            }
        });

        var roots = joined.Roots();
        var size = new int[roots.Length];
        foreach (int root in roots)
        {
            size[root]++;
        }

        var kept = DuplicateKeep.KeptPerGroup(Array.ConvertAll(roots, r => (long)r), _keep);
        var drops = new List<CaptionDrop>();
        long clusters = 0;
        for (int c = 0; c < roots.Length; c++)
        {
            clusters += roots[c] == c && size[c] > 1 ? 1 : 0;
            if (kept[c] != c)
            {
                drops.Add(new CaptionDrop(_rows[_candidates[c]], _rows[_candidates[kept[c]]], _keep[kept[c]].TieBreak,
                    CaptionShingles.Jaccard(_shingles[c], _shingles[kept[c]])));
            }
        }

        drops.Sort((a, b) => a.Row.CompareTo(b.Row));
        return new CaptionClustering(drops, _count, _withoutWords, _groups.Count, _candidates.Length, pairs, verified, clusters, unverified);
    }

    /// <summary>Whether rows <paramref name="a"/> and <paramref name="b"/> (of one group) fell in one bucket of a band before <paramref name="band"/>: a pair is compared in the first band it shares only.</summary>
    private bool ShareEarlierBand(int a, int b, int band)
    {
        for (int earlier = 0; earlier < band; earlier++)
        {
            if (_bands[(a * Bands) + earlier] == _bands[(b * Bands) + earlier])
            {
                return true;
            }
        }

        return false;
    }

    private int CandidateOf(int row)
    {
        if (_candidateOf is null)
        {
            throw new InvalidOperationException("the candidates are not found yet");
        }

        int e = Array.BinarySearch(_rows, 0, _count, row);
        return e >= 0 ? _candidateOf[e] : -1;
    }

    private int GroupOf(CaptionRow row)
    {
        if (!_groups.TryGetValue((row.Lang, row.Source), out int group))
        {
            group = _groups.Count;
            _groups[(row.Lang, row.Source)] = group;
        }

        return group;
    }

    /// <summary>
    /// For every band, every bucket of two or more of the <paramref name="count"/> items (items whose
    /// rows share the group and the band's hash), in order of group and hash: <paramref name="bucket"/>
    /// gets the items (a fresh array it may reorder) and the band. Costs 12 bytes an item, one band at a time.
    /// </summary>
    private void ForEachBucket(int count, Func<int, int> rowOf, Action<int[], int> bucket)
    {
        var keys = new ulong[count];
        var items = new int[count];
        for (int b = 0; b < Bands; b++)
        {
            for (int i = 0; i < count; i++)
            {
                int e = rowOf(i);
                keys[i] = ((ulong)(uint)_group[e] << 32) | _bands[(e * Bands) + b];
                items[i] = i;
            }

            Array.Sort(keys, items);
            for (int start = 0, end; start < count; start = end)
            {
                end = start + 1;
                while (end < count && keys[end] == keys[start])
                {
                    end++;
                }

                if (end - start > 1)
                {
                    bucket(items[start..end], b);
                }
            }
        }
    }
}
