using System.Globalization;
using System.Text.Json.Serialization;
using MellaPipeline.Config;
using MellaPipeline.Languages;
using MellaPipeline.Parquet;
using MellaPipeline.Text;

namespace MellaPipeline.Datasets.Coverage;

/// <summary>Minimum, median, 95th percentile and maximum of a distribution (nearest rank).</summary>
public sealed record Spread(int Min, int P50, int P95, int Max)
{
    public static Spread Of(List<int> values)
    {
        if (values.Count == 0)
        {
            return new Spread(0, 0, 0, 0);
        }

        values.Sort();
        int Rank(double q) => values[Math.Clamp((int)Math.Ceiling(q * values.Count) - 1, 0, values.Count - 1)];
        return new Spread(values[0], Rank(0.5), Rank(0.95), values[^1]);
    }
}

/// <summary>The figures of one language and source.</summary>
/// <param name="Images">Distinct images (by SHA-256 of the stored bytes).</param>
/// <param name="Clusters">Distinct near-duplicate clusters.</param>
/// <param name="Domains">Distinct web hosts of the page (or, without a page, of the image URL); <c>www.</c> dropped.</param>
/// <param name="Top10DomainShare">Share of the pairs whose host is one of the ten most frequent ones (pairs without any URL count as no host).</param>
/// <param name="Scripts">Pairs per script (Serbian: Cyrillic against Latin).</param>
/// <param name="TextGraphemes">Caption length in grapheme clusters (user-perceived characters, never bytes or code points).</param>
/// <param name="ImageShortSide">Stored image's shorter side in pixels.</param>
/// <param name="LanguageId">A fresh language identification of a sample of the captions, or null when not asked for.</param>
/// <param name="Scores">The distribution of each score column some row of the group has (<c>align_score</c>, <c>nsfw_score</c>).</param>
public sealed record GroupCoverage(
    long Pairs, long Images, long Clusters, long Domains, double Top10DomainShare,
    SortedDictionary<string, long> Scripts, Spread TextGraphemes, Spread ImageShortSide, LanguageIdSample? LanguageId,
    SortedDictionary<string, ScoreDistribution> Scores);

/// <summary>
/// Language ID run again on a sample of a group's captions: how many it was, the share whose
/// stored <c>lang</c> it disagrees with (undetermined counted apart), and the confidence it gives
/// the stored language's rows (5th percentile and median).
/// </summary>
public sealed record LanguageIdSample(long Sampled, double DisagreeShare, long Undetermined, double ConfidenceP05, double ConfidenceP50);

/// <summary>One target checked for one language and source.</summary>
public sealed record TargetResult(string Name, string Lang, string Source, string Measure, double Value, double Limit, bool Met);

/// <summary>The whole report: <c>mella coverage --json</c> writes it as one document.</summary>
public sealed record CoverageReport(
    string Dataset, long Rows, long Shards,
    SortedDictionary<string, SortedDictionary<string, GroupCoverage>> Languages,
    IReadOnlyList<TargetResult> Targets)
{
    [JsonIgnore]
    public bool AllTargetsMet => Targets.All(t => t.Met);

    /// <summary>The entity retention check of the run's caption layers per language × source (<c>reduce/captions-*.json</c>); empty for a dataset that is no run, or a run whose layers have no figures.</summary>
    public IReadOnlyList<RetentionCoverage> Retention { get; init; } = [];

    /// <summary>Reads every shard of <paramref name="dataset"/> column by column (never the images) and counts.</summary>
    /// <param name="sampleSize">About how many captions language ID checks again, spread over the dataset (rows whose scrambled number is a multiple of k); 0 = none.</param>
    /// <param name="identifier">Makes the language identifier, only when <paramref name="sampleSize"/> is above 0.</param>
    /// <param name="observer">Also sees every row with its shard's number and its number in the shard (the report page's sampler), or null.</param>
    public static async Task<CoverageReport> BuildAsync(
        string dataset, CoverageTargets? targets, int sampleSize, Func<LanguageId.LanguageIdentifier> identifier, CancellationToken cancellationToken,
        CoverageSampler? observer = null)
    {
        var shards = ShardReader.FindShards(dataset);
        long total = 0;
        foreach (string shard in shards)
        {
            total += await ShardReader.CountRowsAsync(shard, cancellationToken);
        }

        long every = sampleSize <= 0 ? 0 : Math.Max(1, (total + sampleSize - 1) / sampleSize);
        var languageId = every > 0 ? identifier() : null;
        var groups = new Dictionary<(string Lang, string Source), Accumulator>();
        long rows = 0;
        observer?.Start(shards, total);
        for (int s = 0; s < shards.Count; s++)
        {
            long inShard = 0;
            await foreach (var row in ShardReader.ReadCoverageRowsAsync(shards[s], cancellationToken))
            {
                observer?.Add(s, inShard++, rows, row);
                if (!groups.TryGetValue((row.Lang, row.Source), out var group))
                {
                    group = new Accumulator(every > 0);
                    groups[(row.Lang, row.Source)] = group;
                }

                group.Add(row);
                if (languageId is not null && Mix(rows) % (ulong)every == 0)
                {
                    group.AddGuess(row.Lang, languageId.Identify(row.Text));
                }

                rows++;
            }
        }

        var languages = new SortedDictionary<string, SortedDictionary<string, GroupCoverage>>(StringComparer.Ordinal);
        foreach (var ((lang, source), group) in groups)
        {
            if (!languages.TryGetValue(lang, out var bySource))
            {
                bySource = new SortedDictionary<string, GroupCoverage>(StringComparer.Ordinal);
                languages[lang] = bySource;
            }

            bySource[source] = group.Result();
        }

        return new CoverageReport(Path.GetFullPath(dataset), rows, shards.Count, languages, Check(languages, targets))
        {
            Retention = RetentionCoverage.Of(CaptionLayerFigures.Load(dataset)),
        };
    }

    private static List<TargetResult> Check(SortedDictionary<string, SortedDictionary<string, GroupCoverage>> languages, CoverageTargets? targets)
    {
        var results = new List<TargetResult>();

        // "*" is the dual source, native and mllm, in every dataset; fused only in one that has fused rows
        // (a caption layer with a fuse step), so a dataset built without fusion meets the targets it met before.
        bool fused = languages.Values.Any(bySource => bySource.ContainsKey(Records.PairSources.Fused));
        string[] everySource = [.. Records.PairSources.All.Where(s => s != Records.PairSources.Fused || fused)];
        foreach (var target in targets?.Targets ?? [])
        {
            var langs = target.Lang == "*" ? TargetLanguages.Codes : [target.Lang];
            string[] sources = target.Source == "*" ? everySource : [target.Source];
            foreach (string lang in langs)
            {
                foreach (string source in sources)
                {
                    var group = languages.GetValueOrDefault(lang)?.GetValueOrDefault(source);
                    long pairs = group?.Pairs ?? 0, images = group?.Images ?? 0;
                    double share = group?.Top10DomainShare ?? 0;
                    if (target.MinMedianConfidence > 0)
                    {
                        double confidence = group?.LanguageId?.ConfidenceP50 ?? 0;
                        results.Add(new TargetResult(target.Name, lang, source, "min_median_confidence", confidence, target.MinMedianConfidence,
                            group?.LanguageId is null || confidence >= target.MinMedianConfidence));
                    }

                    if (target.MinPairs > 0)
                    {
                        results.Add(new TargetResult(target.Name, lang, source, "min_pairs", pairs, target.MinPairs, pairs >= target.MinPairs));
                    }

                    if (target.MinImages > 0)
                    {
                        results.Add(new TargetResult(target.Name, lang, source, "min_images", images, target.MinImages, images >= target.MinImages));
                    }

                    if (target.MaxTop10DomainShare < 1.0)
                    {
                        results.Add(new TargetResult(target.Name, lang, source, "max_top10_domain_share", share, target.MaxTop10DomainShare, share <= target.MaxTop10DomainShare));
                    }
                }
            }
        }

        return results;
    }

    /// <summary>The console table and the missed targets, one line each.</summary>
    public void WriteTable(TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{Dataset}: {Rows:N0} pairs in {Shards} shards"));
        output.WriteLine("lang  source        pairs     images   clusters    domains  top10  scripts                 text p50/p95   image p50  langid n/disagree/conf p50");
        foreach (var (lang, bySource) in Languages)
        {
            foreach (var (source, g) in bySource)
            {
                string scripts = string.Join(' ', g.Scripts.Select(s => string.Create(inv, $"{s.Key}:{s.Value}")));
                output.WriteLine(string.Create(inv,
                    $"{lang,-5} {source,-7} {g.Pairs,11:N0} {g.Images,10:N0} {g.Clusters,10:N0} {g.Domains,10:N0} {g.Top10DomainShare,6:P0}  {scripts,-22} {g.TextGraphemes.P50,6}/{g.TextGraphemes.P95,-6} {g.ImageShortSide.P50,9}  {(g.LanguageId is { } id ? $"{id.Sampled}/{id.DisagreeShare:P1}/{id.ConfidenceP50:0.00}" : "-")}"));
            }
        }

        foreach (var (lang, bySource) in Languages)
        {
            foreach (var (source, g) in bySource)
            {
                foreach (var (column, d) in g.Scores)
                {
                    output.WriteLine(string.Create(inv,
                        $"{lang,-5} {source,-7} {column}: n {d.Scored:N0} (unscored {d.Unscored:N0}), min {d.Min:0.###}, p05 {d.P05:0.###}, p50 {d.P50:0.###}, p95 {d.P95:0.###}, max {d.Max:0.###}"));
                }
            }
        }

        if (Retention.Count > 0)
        {
            output.WriteLine("entity retention: captions checked against the native alt text of their image, the share that kept every name, the share of names kept");
            foreach (var r in Retention)
            {
                output.WriteLine(string.Create(inv,
                    $"{r.Lang,-5} {r.Source,-7} checked {r.Checked:N0}, kept every name {Percent(r.AllKeptShare)}, names kept {Percent(r.NamesKeptShare)} ({r.Kept:N0} of {r.Names:N0})"));
            }
        }

        foreach (var missed in Targets.Where(t => !t.Met))
        {
            output.WriteLine(string.Create(inv, $"target missed: {missed.Name} ({missed.Lang}, {missed.Source}): {missed.Measure} {missed.Value:0.###} against {missed.Limit:0.###}"));
        }

        if (Targets.Count > 0 && AllTargetsMet)
        {
            output.WriteLine(string.Create(inv, $"all {Targets.Count} target checks met"));
        }
    }

    /// <summary>A share as a percentage with one decimal, or a dash when there is none.</summary>
    internal static string Percent(double? share) => share is { } value ? (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "–";

    /// <summary>
    /// Scrambles a row number so that "every k-th" picks rows without following a pattern in the
    /// data (rows cycling through the languages would otherwise put the whole sample in one).
    /// </summary>
    internal static ulong Mix(long row)
    {
        ulong x = (ulong)row + 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private sealed class Accumulator(bool sampling)
    {
        private readonly List<double> _confidences = [];
        private long _sampled;
        private long _disagree;
        private long _undetermined;

        public void AddGuess(string lang, LanguageId.LanguageGuess guess)
        {
            _sampled++;
            if (guess.Lang == LanguageId.LanguageGuess.Undetermined)
            {
                _undetermined++;
            }
            else if (guess.Lang != lang)
            {
                _disagree++;
            }

            _confidences.Add(guess.Lang == lang ? guess.Confidence : 0);
        }

        private LanguageIdSample? Sample()
        {
            if (!sampling)
            {
                return null;
            }

            _confidences.Sort();
            double Rank(double q) => _confidences.Count == 0 ? 0 : _confidences[Math.Clamp((int)Math.Ceiling(q * _confidences.Count) - 1, 0, _confidences.Count - 1)];
            return new LanguageIdSample(_sampled, _sampled == 0 ? 0 : Math.Round((double)_disagree / _sampled, 6), _undetermined, Math.Round(Rank(0.05), 4), Math.Round(Rank(0.5), 4));
        }

        private readonly HashSet<ulong> _images = [];
        private readonly HashSet<ulong> _clusters = [];
        private readonly Dictionary<string, long> _domains = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, long> _scripts = new(StringComparer.Ordinal);
        private readonly List<int> _graphemes = [];
        private readonly List<int> _shortSides = [];
        private readonly List<float> _alignScores = [];
        private readonly List<float> _nsfwScores = [];
        private long _pairs;

        public void Add(CoverageRow row)
        {
            _pairs++;
            _images.Add(Records.HexIds.Id64(row.Sha256));
            _clusters.Add(Records.HexIds.Id64(row.DupCluster));
            if (Records.WebHosts.Of(row.PageUrl, row.Url) is { } host)
            {
                _domains[host] = _domains.GetValueOrDefault(host) + 1;
            }

            _scripts[row.Script] = _scripts.GetValueOrDefault(row.Script) + 1;
            _graphemes.Add(TextNormalizer.GraphemeCount(row.Text));
            _shortSides.Add(Math.Min(row.Width, row.Height));
            if (row.AlignScore is { } align)
            {
                _alignScores.Add(align);
            }

            if (row.NsfwScore is { } nsfw)
            {
                _nsfwScores.Add(nsfw);
            }
        }

        public GroupCoverage Result()
        {
            long top10 = _domains.Values.OrderByDescending(v => v).Take(10).Sum();
            return new GroupCoverage(
                _pairs, _images.Count, _clusters.Count, _domains.Count, _pairs == 0 ? 0 : Math.Round((double)top10 / _pairs, 6),
                _scripts, Spread.Of(_graphemes), Spread.Of(_shortSides), Sample(), Scores());
        }

        private SortedDictionary<string, ScoreDistribution> Scores()
        {
            var scores = new SortedDictionary<string, ScoreDistribution>(StringComparer.Ordinal);
            if (ScoreDistribution.Of(_alignScores, _pairs - _alignScores.Count, keepsAbove: true) is { } align)
            {
                scores[Parquet.ShardColumns.AlignScore.Name] = align;
            }

            if (ScoreDistribution.Of(_nsfwScores, _pairs - _nsfwScores.Count, keepsAbove: false) is { } nsfw)
            {
                scores[Parquet.ShardColumns.NsfwScore.Name] = nsfw;
            }

            return scores;
        }
    }
}
