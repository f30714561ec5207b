namespace MellaPipeline.Bench;

/// <summary>
/// Real captions by language, read from the shared language-ID sets (<c>lang TAB text</c>):
/// Leipzig sentences and word pairs, Tatoeba sentences and the Lao phrases, so a synthetic list
/// carries text as long, as short and as noisy as real alt text. Serbian's two script labels
/// (<c>sr-Cyrl</c>, <c>sr-Latn</c>) are one language, as a URL list labels it.
/// </summary>
internal sealed class CaptionPools
{
    private static readonly string[] Files =
        ["lingua_sentences.tsv", "lingua_word_pairs.tsv", "tatoeba_laser_v1.tsv", "langidpy_lao_phrases.tsv"];

    private readonly Dictionary<string, string[]> _pools;

    private CaptionPools(Dictionary<string, string[]> pools) => _pools = pools;

    /// <summary>Every language with captions, sorted (so a seed picks the same ones on every machine).</summary>
    public IReadOnlyList<string> Languages => [.. _pools.Keys.Order(StringComparer.Ordinal)];

    public int Count => _pools.Values.Sum(p => p.Length);

    /// <summary>The captions of one language, in file order, without repeats.</summary>
    public IReadOnlyList<string> Of(string lang) => _pools[lang];

    /// <param name="files">The files to read (default: all four sets).</param>
    /// <exception cref="FileNotFoundException">A shared data file is missing.</exception>
    public static CaptionPools Load(string dataDir, IReadOnlyList<string>? files = null)
    {
        var pools = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var seen = new HashSet<(string, string)>();
        foreach (var file in files ?? Files)
        {
            foreach (var line in File.ReadLines(Path.Combine(dataDir, file)))
            {
                int tab = line.IndexOf('\t');
                if (tab <= 0)
                {
                    continue;
                }

                string lang = line[..tab], text = line[(tab + 1)..];
                if (lang.StartsWith("sr-", StringComparison.Ordinal))
                {
                    lang = "sr";
                }

                if (seen.Add((lang, text)))
                {
                    (pools.TryGetValue(lang, out var pool) ? pool : pools[lang] = []).Add(text);
                }
            }
        }

        return new CaptionPools(pools.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));
    }
}
