using System.Diagnostics;
using System.Globalization;
using MellaPipeline.LanguageId;
using MellaPipeline.Languages;

namespace MellaPipeline.Bench;

/// <summary>
/// Accuracy, per-language precision and recall, confusable leakage, throughput, start-up time and
/// memory of <see cref="LanguageIdentifier"/> on the labelled sets in <c>shared/data/langid</c>.
/// Labels are <c>lang</c> or <c>sr-Cyrl</c>/<c>sr-Latn</c>; a prediction is right when its language
/// matches (and for Serbian, its script too).
/// </summary>
public static class LangIdEvaluation
{
    public static int Run(string dataDir)
    {
        long before = Environment.WorkingSet;
        var clock = Stopwatch.StartNew();
        var identifier = LanguageIdentifier.Create();
        double startup = clock.Elapsed.TotalSeconds;
        GC.Collect();
        double memoryMb = (Environment.WorkingSet - before) / 1e6;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"startup_seconds={startup:F2} model_memory_mb={memoryMb:F0} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));

        var sentences = Load(Path.Combine(dataDir, "lingua_sentences.tsv"))
            .Concat(Load(Path.Combine(dataDir, "tatoeba_laser_v1.tsv")))
            .Concat(Load(Path.Combine(dataDir, "langidpy_paragraphs.tsv")))
            .Concat(Load(Path.Combine(dataDir, "cld2_unittest_strings.tsv")))
            .ToList();
        Report("full sentences (lingua_sentences + tatoeba + langid.py + cld2)", identifier, sentences);
        Report("3-5 word fragments of those sentences", identifier, Fragments(sentences, 3, 5));
        Report("lingua word pairs", identifier, Load(Path.Combine(dataDir, "lingua_word_pairs.tsv")).ToList());
        Report("lingua single words", identifier, Load(Path.Combine(dataDir, "lingua_single_words.tsv")).ToList());
        Report("lao phrases and words", identifier,
            Load(Path.Combine(dataDir, "langidpy_lao_phrases.tsv")).Concat(Load(Path.Combine(dataDir, "laonlp_lao_dictionary_words.tsv"))).ToList());

        var shortTexts = Fragments(sentences, 1, 4).Select(s => s.Text).Take(50_000).ToArray();
        clock.Restart();
        foreach (var text in shortTexts)
        {
            identifier.Identify(text);
        }

        Console.WriteLine(string.Create(inv, $"throughput_short_texts_per_second_one_thread={shortTexts.Length / clock.Elapsed.TotalSeconds:F0} (n={shortTexts.Length})"));
        Console.WriteLine(string.Create(inv, $"peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        return 0;
    }

    internal sealed record Sample(string Label, string Text);

    internal static IEnumerable<Sample> Load(string path) =>
        File.ReadLines(path).Select(l => l.Split('\t', 2)).Where(p => p.Length == 2).Select(p => new Sample(p[0], p[1]));

    /// <summary>Word windows of min..max words from each sentence of a whitespace-separated language (Thai has no word spaces and is skipped).</summary>
    internal static List<Sample> Fragments(IEnumerable<Sample> sentences, int min, int max)
    {
        var random = new Random(20261129);
        var fragments = new List<Sample>();
        foreach (var s in sentences)
        {
            if (s.Label is "th" or "lo" or "ja" or "zh")
            {
                continue;
            }

            var words = s.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int n = random.Next(min, max + 1);
            if (words.Length < n)
            {
                continue;
            }

            int start = random.Next(words.Length - n + 1);
            fragments.Add(s with { Text = string.Join(' ', words, start, n) });
        }

        return fragments;
    }

    private static bool IsRight(string label, LanguageGuess guess) => label switch
    {
        "sr-Cyrl" => guess is { Lang: "sr", Script: "Cyrl" },
        "sr-Latn" => guess is { Lang: "sr", Script: "Latn" },
        _ => guess.Lang == label,
    };

    private static void Report(string title, LanguageIdentifier identifier, List<Sample> samples)
    {
        var byLabel = new SortedDictionary<string, (int N, int Right)>(StringComparer.Ordinal);
        var predicted = new Dictionary<string, int>(StringComparer.Ordinal);
        var correctPredicted = new Dictionary<string, int>(StringComparer.Ordinal);
        int confusables = 0, confusablesAsTarget = 0;
        var wrong = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            var guess = identifier.Identify(sample.Text);
            bool right = IsRight(sample.Label, guess);
            var (n, r) = byLabel.GetValueOrDefault(sample.Label);
            byLabel[sample.Label] = (n + 1, r + (right ? 1 : 0));
            if (!right)
            {
                var confusedWith = wrong.TryGetValue(sample.Label, out var w) ? w : wrong[sample.Label] = new(StringComparer.Ordinal);
                string key = $"{guess.Lang}/{guess.DecidedBy}";
                confusedWith[key] = confusedWith.GetValueOrDefault(key) + 1;
            }
            predicted[guess.Lang] = predicted.GetValueOrDefault(guess.Lang) + 1;
            if (right)
            {
                correctPredicted[guess.Lang] = correctPredicted.GetValueOrDefault(guess.Lang) + 1;
            }

            string baseLabel = sample.Label.Split('-')[0];
            if (!TargetLanguages.IsTarget(baseLabel))
            {
                confusables++;
                if (TargetLanguages.IsTarget(guess.Lang))
                {
                    confusablesAsTarget++;
                }
            }
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"== {title}: {samples.Count} texts");
        Console.WriteLine("label     n      recall   precision(of lang)   most frequent errors");
        foreach (var (label, (n, right)) in byLabel)
        {
            string lang = label.Split('-')[0];
            int p = predicted.GetValueOrDefault(lang);
            double precision = p == 0 ? double.NaN : (double)correctPredicted.GetValueOrDefault(lang) / p;
            string errors = wrong.TryGetValue(label, out var w)
                ? string.Join(", ", w.OrderByDescending(e => e.Value).Take(3).Select(e => $"{e.Key} {e.Value}"))
                : string.Empty;
            Console.WriteLine(string.Create(inv, $"{label,-8} {n,6}  {100.0 * right / n,7:F2}%  {100 * precision,7:F2}%   {errors}"));
        }

        Console.WriteLine(string.Create(inv,
            $"confusable texts labelled as a target: {confusablesAsTarget}/{confusables} = {(confusables == 0 ? 0 : 100.0 * confusablesAsTarget / confusables):F2}%"));
    }
}
