using System.Text.Json.Serialization;

namespace MellaPipeline.Runs;

/// <summary>Counts of rows per language and per source: <c>counts[lang][source]</c>.</summary>
public sealed class LanguageSourceCounts : SortedDictionary<string, SortedDictionary<string, long>>
{
    public LanguageSourceCounts()
        : base(StringComparer.Ordinal)
    {
    }

    public void Add(string lang, string source, long count = 1)
    {
        if (!TryGetValue(lang, out var bySource))
        {
            bySource = new SortedDictionary<string, long>(StringComparer.Ordinal);
            this[lang] = bySource;
        }

        bySource[source] = bySource.GetValueOrDefault(source) + count;
    }

    public void AddAll(LanguageSourceCounts other)
    {
        foreach (var (lang, bySource) in other)
        {
            foreach (var (source, count) in bySource)
            {
                Add(lang, source, count);
            }
        }
    }

    public long Total => this.Sum(l => l.Value.Values.Sum());

    /// <summary>The counts of several shards (or tasks) added up.</summary>
    public static LanguageSourceCounts SumOf(IEnumerable<LanguageSourceCounts> parts)
    {
        var total = new LanguageSourceCounts();
        foreach (var part in parts)
        {
            total.AddAll(part);
        }

        return total;
    }
}

/// <summary>One finished shard: where it is (relative to the dataset's <c>shards/</c> folder), its size and checksum.</summary>
public sealed record ShardInfo(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("counts")] LanguageSourceCounts Counts);
