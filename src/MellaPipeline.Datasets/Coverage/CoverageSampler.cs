using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.Text;

namespace MellaPipeline.Datasets.Coverage;

/// <summary>A row picked for the gallery: where it is (shard number, row number in the shard) and what the page shows of it.</summary>
public sealed record SampledPair(int Shard, long RowInShard, string Lang, string Source, string Script, string Text, string? Url, int Width, int Height);

/// <summary>One caption of a cross-lingual cluster.</summary>
public sealed record ClusterCaption(string Lang, string Source, string Text);

/// <summary>A near-duplicate cluster (one picture) and captions of it in several languages.</summary>
public sealed record ClusterExample(string Cluster, int Languages, IReadOnlyList<ClusterCaption> Captions);

/// <summary>A histogram over fixed bins: <c>Counts[i]</c> values in <c>[Edges[i], Edges[i+1])</c>, the last bin open-ended.</summary>
public sealed record BinnedCounts(IReadOnlyList<int> Edges, IReadOnlyList<long> Counts);

/// <summary>
/// Watches the rows <see cref="CoverageReport.BuildAsync"/> reads (no image bytes) and keeps what the
/// report page needs besides the counts. All of it is bounded whatever the dataset's size except the
/// cluster masks, which grow with the number of near-duplicate clusters:
/// <list type="bullet">
/// <item>the gallery sample: per language and source the <c>perStratum</c> rows whose scrambled
/// row number is smallest — deterministic, spread over every shard, every stratum present;</item>
/// <item>per near-duplicate cluster a bit per language it has a caption in: a dictionary entry of a
/// 64-bit id and a 32-bit mask, about 30 bytes a cluster with the table's overhead (some 200 MB for
/// the reference dataset's 6.8 million rows if every row is its own cluster);</item>
/// <item>the captions of an even sample of about <c>exampleClusterPool</c> clusters, from which the
/// page shows those in the most languages;</item>
/// <item>caption length and image size histograms per language.</item>
/// </list>
/// </summary>
public sealed class CoverageSampler(int perStratum = 4, int exampleClusterPool = 2000)
{
    /// <summary>Caption length bins, in grapheme clusters.</summary>
    public static readonly int[] CaptionEdges = [0, 10, 20, 40, 80, 160, 320];

    /// <summary>Stored image bins, by the longer side in pixels.</summary>
    public static readonly int[] ImageEdges = [0, 128, 256, 512, 1024, 2048];

    /// <summary>Captions kept of one sampled cluster: enough for every language and source.</summary>
    private const int CaptionsPerCluster = 24;

    private readonly Dictionary<(string Lang, string Source), List<(ulong Rank, SampledPair Pair)>> _gallery = [];
    private readonly Dictionary<ulong, uint> _clusterLanguages = [];
    private readonly Dictionary<ulong, (string Id, List<ClusterCaption> Captions)> _examples = [];
    private readonly Dictionary<string, long[]> _captionLengths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _imageSizes = new(StringComparer.Ordinal);
    private readonly List<string> _languageBits = [];
    private ulong _clusterEvery = 1;

    /// <summary>The shards being read, in the order their numbers refer to.</summary>
    public IReadOnlyList<string> Shards { get; private set; } = [];

    internal void Start(IReadOnlyList<string> shards, long totalRows)
    {
        Shards = shards;
        _clusterEvery = (ulong)Math.Max(1, totalRows / Math.Max(1, exampleClusterPool));
    }

    internal void Add(int shard, long rowInShard, long rowNumber, CoverageRow row)
    {
        ulong rank = CoverageReport.Mix(rowNumber);
        if (!_gallery.TryGetValue((row.Lang, row.Source), out var picked))
        {
            picked = [];
            _gallery[(row.Lang, row.Source)] = picked;
        }

        if (picked.Count < perStratum || rank < picked[^1].Rank)
        {
            var pair = new SampledPair(shard, rowInShard, row.Lang, row.Source, row.Script, row.Text, row.Url, row.Width, row.Height);
            int at = picked.FindIndex(p => p.Rank > rank);
            picked.Insert(at < 0 ? picked.Count : at, (rank, pair));
            if (picked.Count > perStratum)
            {
                picked.RemoveAt(picked.Count - 1);
            }
        }

        ulong cluster = HexIds.Id64(row.DupCluster);
        _clusterLanguages[cluster] = _clusterLanguages.GetValueOrDefault(cluster) | LanguageBit(row.Lang);
        if (CoverageReport.Mix((long)cluster) % _clusterEvery == 0)
        {
            if (!_examples.TryGetValue(cluster, out var example))
            {
                example = (row.DupCluster, []);
                _examples[cluster] = example;
            }

            if (example.Captions.Count < CaptionsPerCluster)
            {
                example.Captions.Add(new ClusterCaption(row.Lang, row.Source, row.Text));
            }
        }

        Count(_captionLengths, row.Lang, CaptionEdges, TextNormalizer.GraphemeCount(row.Text));
        Count(_imageSizes, row.Lang, ImageEdges, Math.Max(row.Width, row.Height));
    }

    /// <summary>The gallery sample per language and source, each in its sample order.</summary>
    public SortedDictionary<string, SortedDictionary<string, IReadOnlyList<SampledPair>>> Gallery()
    {
        var result = new SortedDictionary<string, SortedDictionary<string, IReadOnlyList<SampledPair>>>(StringComparer.Ordinal);
        foreach (var ((lang, source), picked) in _gallery)
        {
            if (!result.TryGetValue(lang, out var bySource))
            {
                bySource = new SortedDictionary<string, IReadOnlyList<SampledPair>>(StringComparer.Ordinal);
                result[lang] = bySource;
            }

            bySource[source] = picked.Select(p => p.Pair).ToList();
        }

        return result;
    }

    /// <summary>How many clusters (images) have captions in exactly 1, 2, 3, … languages.</summary>
    public SortedDictionary<int, long> ClustersByLanguageCount()
    {
        var counts = new SortedDictionary<int, long>();
        foreach (uint mask in _clusterLanguages.Values)
        {
            int n = System.Numerics.BitOperations.PopCount(mask);
            counts[n] = counts.GetValueOrDefault(n) + 1;
        }

        return counts;
    }

    /// <summary>The sampled clusters with captions in the most languages (at least two), one caption per language and source.</summary>
    public IReadOnlyList<ClusterExample> Examples(int count) =>
        _examples.Values
            .Select(e => new ClusterExample(
                e.Id, e.Captions.Select(c => c.Lang).Distinct().Count(),
                e.Captions.DistinctBy(c => (c.Lang, c.Source)).OrderBy(c => c.Lang, StringComparer.Ordinal).ThenBy(c => c.Source, StringComparer.Ordinal).ToList()))
            .Where(e => e.Languages >= 2)
            .OrderByDescending(e => e.Languages).ThenBy(e => e.Cluster, StringComparer.Ordinal)
            .Take(count).ToList();

    public SortedDictionary<string, BinnedCounts> CaptionLengths() => Binned(_captionLengths, CaptionEdges);

    public SortedDictionary<string, BinnedCounts> ImageSizes() => Binned(_imageSizes, ImageEdges);

    /// <summary>The language's bit in a cluster's mask; languages past the 32nd share the last bit (a dataset has eight).</summary>
    private uint LanguageBit(string lang)
    {
        int index = _languageBits.IndexOf(lang);
        if (index < 0 && _languageBits.Count < 32)
        {
            _languageBits.Add(lang);
            index = _languageBits.Count - 1;
        }

        return 1u << (index < 0 ? 31 : index);
    }

    private static void Count(Dictionary<string, long[]> bins, string lang, int[] edges, int value)
    {
        if (!bins.TryGetValue(lang, out var counts))
        {
            counts = new long[edges.Length];
            bins[lang] = counts;
        }

        int bin = edges.Length - 1;
        while (bin > 0 && value < edges[bin])
        {
            bin--;
        }

        counts[bin]++;
    }

    private static SortedDictionary<string, BinnedCounts> Binned(Dictionary<string, long[]> bins, int[] edges) =>
        new(bins.ToDictionary(b => b.Key, b => new BinnedCounts(edges, b.Value)), StringComparer.Ordinal);
}
