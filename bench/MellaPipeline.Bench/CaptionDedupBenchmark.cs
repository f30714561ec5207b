using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using MellaPipeline.Config;
using MellaPipeline.Dedup;

namespace MellaPipeline.Bench;

/// <summary>
/// Caption near-duplicates (<c>stages.dedup_captions</c>) measured in process:
/// <list type="bullet">
/// <item><c>caption-dedup-eval</c>: a labelled set built from the real sentences of the shared
/// language-ID data (Leipzig and Tatoeba, the eight target languages, read in place) with planted
/// near-duplicates of known kinds — punctuation, case, two words swapped, a number changed or added,
/// a shop word inserted, a word deleted, swap plus shop word — among unrelated sentences. Pairwise
/// precision and recall (a pair is positive when both rows derive from one source sentence) at the
/// default threshold and shingle, the best threshold × shingle tuned on one half of the source
/// sentences and reported on the other, and recall by the pair's exact Jaccard.</item>
/// <item><c>caption-dedup-scale</c>: both passes over N generated captions, with throughput and memory.</item>
/// </list>
/// </summary>
internal static class CaptionDedupBenchmark
{
    private static readonly string[] Targets = ["ar", "cs", "hu", "ko", "ru", "sr", "th", "vi"];

    /// <summary>A word a shop inserts into an alt text, per language.</summary>
    private static readonly Dictionary<string, string> ShopWords = new(StringComparer.Ordinal)
    {
        ["ar"] = "تخفيضات", ["cs"] = "výprodej", ["hu"] = "akció", ["ko"] = "할인", ["ru"] = "распродажа", ["sr"] = "акција", ["th"] = "ลดราคา", ["vi"] = "khuyến mãi",
    };

    private enum Edit { Punctuation, Case, Swap, Number, ShopWord, Delete, SwapAndShopWord }

    private sealed record Labelled(string Lang, string Text, int Family, Edit? Edit);

    public static int Evaluate(string dataDir)
    {
        var pools = CaptionPools.Load(dataDir, ["lingua_sentences.tsv", "tatoeba_laser_v1.tsv"]);
        var (tune, report) = (Build(pools, half: 0), Build(pools, half: 1));
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"labelled_set tune_rows={tune.Count} report_rows={report.Count} families={tune.Max(r => r.Family) + report.Max(r => r.Family) + 2} planted={tune.Count(r => r.Edit is not null) + report.Count(r => r.Edit is not null)}"));

        var defaults = new DedupCaptionsOptions { Enabled = true };
        Print("default_report", defaults, Score(report, defaults));
        Print("default_tune", defaults, Score(tune, defaults));

        DedupCaptionsOptions? best = null;
        double bestF1 = -1;
        foreach (int shingle in new[] { 1, 2, 3, 4, 5 })
        {
            for (int t = 30; t <= 95; t += 5)
            {
                var options = new DedupCaptionsOptions { Enabled = true, Shingle = shingle, Threshold = t / 100.0 };
                var score = Score(tune, options);
                if (score.F1 > bestF1)
                {
                    (best, bestF1) = (options, score.F1);
                }
            }
        }

        foreach (int t in new[] { 50, 60, 70, 80, 90 })
        {
            var options = new DedupCaptionsOptions { Enabled = true, Threshold = t / 100.0 };
            Print("shingle5_report", options, Score(report, options));
        }

        Print("tuned_on_tune", best!, Score(tune, best!));
        Print("tuned_report", best!, Score(report, best!));
        return 0;
    }

    public static int Scale(string dataDir, int rows)
    {
        var pools = CaptionPools.Load(dataDir, ["lingua_sentences.tsv", "tatoeba_laser_v1.tsv"]);
        var vocabulary = Targets.ToDictionary(lang => lang, lang => pools.Of(lang).SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        var options = new DedupCaptionsOptions { Enabled = true };
        double rssBefore = ProcessMemory.RssMegabytes();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess();
        var cpuBefore = cpu.TotalProcessorTime;
        var index = new CaptionNearDuplicateIndex(rows, options);
        foreach (var batch in Batches(rows, pools, vocabulary, _ => true))
        {
            index.Add(batch);
        }

        double pass1 = clock.Elapsed.TotalSeconds;
        int candidates = index.FindCandidates();
        double find = clock.Elapsed.TotalSeconds - pass1;
        foreach (var batch in Batches(rows, pools, vocabulary, index.IsCandidate))
        {
            index.AddCandidates(batch);
        }

        double pass2 = clock.Elapsed.TotalSeconds - pass1 - find;
        long heapHeld = GC.GetTotalMemory(forceFullCollection: false) - heapBefore;
        var found = index.Resolve();
        double resolve = clock.Elapsed.TotalSeconds - pass1 - find - pass2;
        clock.Stop();
        cpu.Refresh();
        double cpuSeconds = (cpu.TotalProcessorTime - cpuBefore).TotalSeconds;
        GC.KeepAlive(index);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"rows={rows} candidates={candidates} candidate_pairs={found.CandidatePairs} verified_pairs={found.VerifiedPairs} clusters={found.Clusters} dropped={found.Drops.Count} unverified_members={found.UnverifiedMembers}"));
        Console.WriteLine(string.Create(inv,
            $"seconds={clock.Elapsed.TotalSeconds:F1} pass1={pass1:F1} find_candidates={find:F1} pass2={pass2:F1} resolve={resolve:F1} rows_per_second={rows / clock.Elapsed.TotalSeconds:F0} cpu_seconds={cpuSeconds:F1} rows_per_cpu_second={rows / cpuSeconds:F0} threads={Environment.ProcessorCount}"));
        Console.WriteLine(string.Create(inv,
            $"rss_before_mb={rssBefore:F0} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0} heap_held_before_resolve_mb={heapHeld / 1e6:F0} bytes_per_row={(double)heapHeld / rows:F0}"));
        return 0;
    }

    /// <summary>
    /// Caption <paramref name="i"/> of the scale set, the same on every call: one row in twenty one
    /// of 200 stock phrases of its language (boilerplate), one in five an edit of an earlier caption,
    /// the rest as many words as a real sentence has, drawn from the language's words (unrelated
    /// captions that share words but almost never five in a row, as unrelated alt texts).
    /// </summary>
    private static (string Lang, string Text) Generated(long i, CaptionPools pools, Dictionary<string, string[]> vocabulary)
    {
        ulong h = XxHash64.HashToUInt64(BitConverter.GetBytes(i));
        if (h % 5 == 1 && i > 0)
        {
            long earlier = (long)(h / 5 % (ulong)i);
            var (lang, text) = Generated(earlier, pools, vocabulary);
            return (lang, Apply(text, (Edit)(h / 7 % 7), lang, new Random((int)(h >> 32))));
        }

        string language = Targets[(h >> 4) % (ulong)Targets.Length];
        var pool = pools.Of(language);
        if (h % 20 == 0)
        {
            return (language, pool[(int)((h >> 8) % 200)]);
        }

        var words = vocabulary[language];
        int length = pool[(int)((h >> 8) % (ulong)pool.Count)].Count(c => c == ' ') + 1;
        var random = new Random((int)(h >> 32));
        return (language, string.Join(' ', Enumerable.Range(0, length).Select(_ => words[random.Next(words.Length)])));
    }

    private static IEnumerable<List<CaptionRow>> Batches(int rows, CaptionPools pools, Dictionary<string, string[]> vocabulary, Func<int, bool> wanted)
    {
        var batch = new List<CaptionRow>(16_384);
        for (int i = 0; i < rows; i++)
        {
            if (!wanted(i))
            {
                continue;
            }

            var (lang, text) = Generated(i, pools, vocabulary);
            batch.Add(new CaptionRow(i, lang, "native", text, 0, (UInt128)i));
            if (batch.Count == batch.Capacity)
            {
                yield return batch;
                batch = new List<CaptionRow>(16_384);
            }
        }

        yield return batch;
    }

    /// <summary>
    /// The labelled rows of one half of the source sentences (split by a hash of the sentence):
    /// every sentence once, and for half of them one to three planted edits, each a row of the sentence's family.
    /// </summary>
    private static List<Labelled> Build(CaptionPools pools, int half)
    {
        var rows = new List<Labelled>();
        var random = new Random(17 + half);
        int family = 0, edit = 0;
        foreach (string lang in Targets)
        {
            foreach (string sentence in pools.Of(lang))
            {
                if ((int)(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(sentence)) % 2) != half)
                {
                    continue;
                }

                rows.Add(new Labelled(lang, sentence, family, null));
                if (random.Next(2) == 0)
                {
                    for (int copies = random.Next(1, 4); copies > 0; copies--)
                    {
                        var kind = (Edit)(edit++ % 7);
                        rows.Add(new Labelled(lang, Apply(sentence, kind, lang, random), family, kind));
                    }
                }

                family++;
            }
        }

        return rows;
    }

    private static string Apply(string sentence, Edit edit, string lang, Random random)
    {
        var words = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        int At(int extra) => random.Next(Math.Max(1, words.Count + extra));
        switch (edit)
        {
            case Edit.Punctuation:
                words = words.Select(w => w.Trim('.', ',', '!', '?', '،', '؟', ';', ':')).Where(w => w.Length > 0).ToList();
                if (words.Count > 1)
                {
                    words.Insert(At(-1) + 1, "–");
                }

                words.Add("!!");
                break;
            case Edit.Case:
                return sentence.ToUpperInvariant();
            case Edit.Swap when words.Count > 1:
                int i = At(-1);
                (words[i], words[i + 1]) = (words[i + 1], words[i]);
                break;
            case Edit.Number:
                int digit = words.FindIndex(w => w.Any(char.IsAsciiDigit));
                if (digit >= 0)
                {
                    words[digit] = new string(words[digit].Select(c => char.IsAsciiDigit(c) ? (char)('0' + ((c - '0' + 1) % 10)) : c).ToArray());
                }
                else
                {
                    words.Insert(At(1), random.Next(2, 100).ToString(CultureInfo.InvariantCulture));
                }

                break;
            case Edit.ShopWord:
                words.Insert(At(1), ShopWords[lang]);
                break;
            case Edit.Delete when words.Count > 2:
                words.RemoveAt(At(0));
                break;
            case Edit.SwapAndShopWord:
                return Apply(Apply(sentence, Edit.Swap, lang, random), Edit.ShopWord, lang, random);
            default:
                words.Add(ShopWords[lang]); // a one-word caption cannot swap or lose a word: it gains one
                break;
        }

        return string.Join(' ', words);
    }

    private sealed record Scores(double Precision, double Recall, double F1, long PredictedPairs, long TruePairs, SortedDictionary<string, (long Found, long Pairs)> ByJaccard,
        SortedDictionary<string, (long Found, long Pairs, double MeanJaccard)> ByEdit);

    private static Scores Score(List<Labelled> rows, DedupCaptionsOptions options)
    {
        var index = new CaptionNearDuplicateIndex(rows.Count, options);
        var offered = rows.Select((r, i) => new CaptionRow(i, r.Lang, "native", r.Text, 0, (UInt128)i)).ToList();
        index.Add(offered);
        index.FindCandidates();
        index.AddCandidates(offered.Where(r => index.IsCandidate(r.Row)).ToList());
        var cluster = Enumerable.Range(0, rows.Count).ToArray();
        foreach (var drop in index.Resolve().Drops)
        {
            cluster[drop.Row] = drop.KeptRow;
        }

        long predicted = 0, truePairs = 0, found = 0;
        foreach (var members in Enumerable.Range(0, rows.Count).GroupBy(i => cluster[i]))
        {
            long m = members.Count();
            predicted += m * (m - 1) / 2;
            found += members.GroupBy(i => rows[i].Family).Sum(f => (long)f.Count() * (f.Count() - 1) / 2);
        }

        var byJaccard = new SortedDictionary<string, (long, long)>(StringComparer.Ordinal);
        var byEdit = new SortedDictionary<string, (long, long, double)>(StringComparer.Ordinal);
        foreach (var family in Enumerable.Range(0, rows.Count).GroupBy(i => rows[i].Family))
        {
            var members = family.ToList();
            truePairs += (long)members.Count * (members.Count - 1) / 2;
            var source = CaptionShingles.Of(rows[members[0]].Text, options.Shingle);
            foreach (int v in members.Skip(1))
            {
                double j = CaptionShingles.Jaccard(source, CaptionShingles.Of(rows[v].Text, options.Shingle));
                bool same = cluster[v] == cluster[members[0]];
                string level = j >= 0.9 ? "0.9-1.0" : j >= 0.8 ? "0.8-0.9" : j >= 0.7 ? "0.7-0.8" : j >= 0.5 ? "0.5-0.7" : "0.0-0.5";
                var (f, n) = byJaccard.GetValueOrDefault(level);
                byJaccard[level] = (f + (same ? 1 : 0), n + 1);
                string kind = rows[v].Edit!.Value.ToString();
                var (ef, en, sum) = byEdit.GetValueOrDefault(kind);
                byEdit[kind] = (ef + (same ? 1 : 0), en + 1, sum + j);
            }
        }

        double precision = predicted == 0 ? 1 : (double)found / predicted, recall = (double)found / truePairs;
        return new Scores(precision, recall, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall), predicted, truePairs, byJaccard,
            new SortedDictionary<string, (long, long, double)>(byEdit.ToDictionary(e => e.Key, e => (e.Value.Item1, e.Value.Item2, e.Value.Item3 / e.Value.Item2)), StringComparer.Ordinal));
    }

    private static void Print(string name, DedupCaptionsOptions options, Scores score)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"{name} shingle={options.Shingle} threshold={options.Threshold:F2} precision={score.Precision:F4} recall={score.Recall:F4} f1={score.F1:F4} predicted_pairs={score.PredictedPairs} true_pairs={score.TruePairs}"));
        Console.WriteLine($"  recall_by_jaccard_with_source {string.Join(' ', score.ByJaccard.Select(l => string.Create(inv, $"{l.Key}:{l.Value.Found}/{l.Value.Pairs}")))}");
        Console.WriteLine($"  recall_by_edit {string.Join(' ', score.ByEdit.Select(e => string.Create(inv, $"{e.Key}:{e.Value.Found}/{e.Value.Pairs}(mean_j={e.Value.MeanJaccard:F2})")))}");
    }
}
