using System.Globalization;
using MellaPipeline.Images;
using MellaPipeline.Parquet;

namespace MellaPipeline.Dedup;

/// <summary>The columns clustering decides on, one array per column (about 50 bytes a row).</summary>
internal sealed class StagedRowTable(int capacity)
{
    private readonly Dictionary<(string Lang, string Source), int> _groups = [];

    public UInt128[] Keys { get; } = new UInt128[capacity];
    public ulong[] Phash { get; } = new ulong[capacity];
    public bool[] HasHash { get; } = new bool[capacity];

    /// <summary><see cref="WindowHashes.Count"/> window hashes a row (<c>phash_windows</c>), where <see cref="HasWindows"/> says so.</summary>
    public ulong[] Windows { get; } = new ulong[(long)capacity * WindowHashes.Count];
    public bool[] HasWindows { get; } = new bool[capacity];
    public ulong[] Sha { get; } = new ulong[capacity];
    public long[] Pixels { get; } = new long[capacity];
    public int[] TextElements { get; } = new int[capacity];

    /// <summary>The row's language and source, numbered in order of first appearance.</summary>
    public int[] Group { get; } = new int[capacity];

    public int HashedCount { get; private set; }
    public int Count { get; private set; }

    /// <summary>Rows decided before clustering (benchmark decontamination): removed with the repeated keys, and never counted as one.</summary>
    private bool[]? _setAside;

    /// <summary>Sets row <paramref name="row"/> aside: <see cref="RemoveRepeatedKeys"/> removes it without comparing its key.</summary>
    public void SetAside(int row) => (_setAside ??= new bool[Keys.Length])[row] = true;

    private bool IsSetAside(int row) => _setAside is not null && _setAside[row];

    /// <summary>The row as a candidate of the keep policy.</summary>
    public DuplicateCandidate Candidate(int row) => new(Pixels[row], TextElements[row], Keys[row]);

    /// <summary>
    /// Removes every row whose key an earlier row has, and the rows set aside; returns, for each
    /// repeated key's row, the first row with its key (indices before the removal). Sorting row numbers by key costs 4 bytes a row.
    /// </summary>
    public Dictionary<int, int> RemoveRepeatedKeys()
    {
        var order = Enumerable.Range(0, Count).Where(i => !IsSetAside(i)).ToArray();
        var keys = Keys;
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        var repeats = new Dictionary<int, int>();
        for (int k = 1, first = order.Length > 0 ? order[0] : 0; k < order.Length; k++)
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

        if (repeats.Count == 0 && _setAside is null)
        {
            return repeats;
        }

        int kept = 0;
        HashedCount = 0;
        for (int i = 0; i < Count; i++)
        {
            if (repeats.ContainsKey(i) || IsSetAside(i))
            {
                continue;
            }

            (Keys[kept], Phash[kept], HasHash[kept], Sha[kept], Pixels[kept], TextElements[kept], Group[kept]) =
                (Keys[i], Phash[i], HasHash[i], Sha[i], Pixels[i], TextElements[i], Group[i]);
            HasWindows[kept] = HasWindows[i];
            Windows.AsSpan(i * WindowHashes.Count, WindowHashes.Count).CopyTo(Windows.AsSpan(kept * WindowHashes.Count));
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
        HasWindows[i] = hashed && WindowHashes.TryParseHex(row.PhashWindows, Windows.AsSpan(i * WindowHashes.Count, WindowHashes.Count));
        HashedCount += hashed ? 1 : 0;
        // A row staged again from a finished dataset keeps the id its cluster had (its smallest sha256 may be a dropped row's), so untouched rows keep their dup_cluster.
        Sha[i] = !string.IsNullOrEmpty(row.DupCluster) && Records.HexIds.TryPrefix64(row.DupCluster, out ulong earlier) ? Math.Min(sha, earlier) : sha;
        Pixels[i] = (long)row.OrigWidth * row.OrigHeight;
        TextElements[i] = Text.TextNormalizer.GraphemeCount(row.Text);
        if (!_groups.TryGetValue((row.Lang, row.Source), out int group))
        {
            group = _groups.Count;
            _groups[(row.Lang, row.Source)] = group;
        }

        Group[i] = group;
    }
}
