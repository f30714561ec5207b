using System.Diagnostics;
using System.Globalization;
using MellaPipeline.LanguageId;
using MellaPipeline.Languages;

namespace MellaPipeline.Bench;

/// <summary>
/// Accuracy, per-language precision and recall, confusable leakage, throughput, start-up time and
/// memory of <see cref="LanguageIdentifier"/> on the labelled sets in <c>shared/data/langid</c>.
/// Labels are <c>lang</c> or <c>sr-Cyrl</c>/<c>sr-Latn</c>; a prediction is right when its language
/// matches (and for Serbian, its script too). Every set is split by <see cref="LabelledSplit"/>
/// into a tune half (the only rows the Serbian and Czech/Slovak evidence was chosen on) and a
/// held-out half, and every figure is given for both; a fragment belongs to its sentence's half.
/// </summary>
public static class LangIdEvaluation
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string dataDir)
    {
        long before = Environment.WorkingSet;
        var clock = Stopwatch.StartNew();
        var identifier = LanguageIdentifier.Create();
        double startup = clock.Elapsed.TotalSeconds;
        GC.Collect();
        double memoryMb = (Environment.WorkingSet - before) / 1e6;
        Console.WriteLine(string.Create(Inv, $"startup_seconds={startup:F2} model_memory_mb={memoryMb:F0} peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        Console.WriteLine("split: 32-bit FNV-1a of the text's UTF-8 bytes, even = tune, odd = held-out (LabelledSplit)");

        var sentences = Load(Path.Combine(dataDir, "lingua_sentences.tsv"))
            .Concat(Load(Path.Combine(dataDir, "tatoeba_laser_v1.tsv")))
            .Concat(Load(Path.Combine(dataDir, "langidpy_paragraphs.tsv")))
            .Concat(Load(Path.Combine(dataDir, "cld2_unittest_strings.tsv")))
            .ToList();
        var fragments = Fragments(sentences, 3, 5);
        var transliterated = sentences.Where(s => s.Label == "sr-Cyrl")
            .Select(s => s with { Label = "sr-Latn", Text = SerbianCyrillicToLatin(s.Text) }).ToList();
        var transliteratedFragments = Fragments(transliterated, 3, 5);

        Summary(identifier, sentences, fragments, transliterated, transliteratedFragments);
        Report("full sentences (lingua_sentences + tatoeba + langid.py + cld2)", identifier, sentences);
        Report("3-5 word fragments of those sentences", identifier, fragments);
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

        Console.WriteLine(string.Create(Inv, $"throughput_short_texts_per_second_one_thread={shortTexts.Length / clock.Elapsed.TotalSeconds:F0} (n={shortTexts.Length})"));
        Console.WriteLine(string.Create(Inv, $"peak_rss_mb={ProcessMemory.PeakRssMegabytes():F0}"));
        return 0;
    }

    internal sealed record Sample(string Label, string Text)
    {
        /// <summary>Decided by the text it came from, so a fragment keeps its sentence's half.</summary>
        public bool HeldOut { get; init; } = LabelledSplit.IsHeldOut(Text);
    }

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

    /// <summary>The issue's rows, each on the tune and the held-out half.</summary>
    private static void Summary(
        LanguageIdentifier identifier, List<Sample> sentences, List<Sample> fragments, List<Sample> transliterated, List<Sample> transliteratedFragments)
    {
        var serbianPage = new LanguageHints("sr", null);
        bool IsSerbianLatin(LanguageGuess g) => g is { Lang: "sr", Script: "Latn" };
        bool IsTarget(LanguageGuess g) => TargetLanguages.IsTarget(g.Lang);
        var otherTargets = new Func<Sample, bool>(s => TargetLanguages.IsTarget(s.Label.Split('-')[0]) && s.Label is not ("sr-Latn" or "cs"));

        Console.WriteLine("== issue rows: share of texts (n), tune | held-out");
        Row("sr-Latn sentences, no context (Tatoeba + CLD2, real)", identifier, sentences, s => s.Label == "sr-Latn", null, IsSerbianLatin);
        Row("sr-Latn 3-5 word fragments, no context (real)", identifier, fragments, s => s.Label == "sr-Latn", null, IsSerbianLatin);
        Row("sr-Latn sentences, html_lang=sr (real)", identifier, sentences, s => s.Label == "sr-Latn", serbianPage, IsSerbianLatin);
        Row("sr-Latn 3-5 word fragments, html_lang=sr (real)", identifier, fragments, s => s.Label == "sr-Latn", serbianPage, IsSerbianLatin);
        Row("sr-Cyrl transliterated to Latin, sentences, no context (synthetic)", identifier, transliterated, _ => true, null, IsSerbianLatin);
        Row("sr-Cyrl transliterated to Latin, 3-5 word fragments, no context (synthetic)", identifier, transliteratedFragments, _ => true, null, IsSerbianLatin);
        Row("sr-Cyrl transliterated to Latin, sentences, html_lang=sr (synthetic)", identifier, transliterated, _ => true, serbianPage, IsSerbianLatin);
        Row("Latin hr/bs sentences labelled sr", identifier, sentences, s => s.Label is "hr" or "bs" && IsLatin(s.Text), null, g => g.Lang == "sr");
        Row("Latin hr/bs 3-5 word fragments labelled sr", identifier, fragments, s => s.Label is "hr" or "bs" && IsLatin(s.Text), null, g => g.Lang == "sr");
        Row("cs sentences", identifier, sentences, s => s.Label == "cs", null, g => g.Lang == "cs");
        Row("cs 3-5 word fragments", identifier, fragments, s => s.Label == "cs", null, g => g.Lang == "cs");
        Row("sk sentences", identifier, sentences, s => s.Label == "sk", null, g => g.Lang == "sk");
        Row("sk 3-5 word fragments", identifier, fragments, s => s.Label == "sk", null, g => g.Lang == "sk");
        Row("other targets (ar hu ko ru sr-Cyrl th vi) sentences", identifier, sentences, otherTargets, null, null);
        Row("other targets (ar hu ru sr-Cyrl vi ko) 3-5 word fragments", identifier, fragments, otherTargets, null, null);
        Row("confusable sentences labelled as a target", identifier, sentences, s => !TargetLanguages.IsTarget(s.Label.Split('-')[0]), null, IsTarget);
        Row("confusable 3-5 word fragments labelled as a target", identifier, fragments, s => !TargetLanguages.IsTarget(s.Label.Split('-')[0]), null, IsTarget);
    }

    /// <summary>One line: the share of the selected samples whose guess passes <paramref name="counts"/> (null: is right), per half.</summary>
    private static void Row(
        string title, LanguageIdentifier identifier, List<Sample> samples, Func<Sample, bool> select, LanguageHints? hints, Func<LanguageGuess, bool>? counts)
    {
        string Half(bool heldOut)
        {
            int n = 0, hit = 0;
            foreach (var sample in samples.Where(s => s.HeldOut == heldOut && select(s)))
            {
                var guess = identifier.Identify(sample.Text, hints);
                n++;
                hit += (counts?.Invoke(guess) ?? IsRight(sample.Label, guess)) ? 1 : 0;
            }

            return string.Create(Inv, $"{(n == 0 ? 0 : 100.0 * hit / n),6:F2}% (n={n})");
        }

        Console.WriteLine($"{title,-76} {Half(heldOut: false)} | {Half(heldOut: true)}");
    }

    private static bool IsLatin(string text) => Scripts.Detect(text) == Scripts.Latin;

    private static bool IsRight(string label, LanguageGuess guess) => label switch
    {
        "sr-Cyrl" => guess is { Lang: "sr", Script: "Cyrl" },
        "sr-Latn" => guess is { Lang: "sr", Script: "Latn" },
        _ => guess.Lang == label,
    };

    private static readonly Dictionary<char, string> SerbianLatinLetters = new()
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['ђ'] = "đ", ['е'] = "e", ['ж'] = "ž", ['з'] = "z", ['и'] = "i",
        ['ј'] = "j", ['к'] = "k", ['л'] = "l", ['љ'] = "lj", ['м'] = "m", ['н'] = "n", ['њ'] = "nj", ['о'] = "o", ['п'] = "p", ['р'] = "r",
        ['с'] = "s", ['т'] = "t", ['ћ'] = "ć", ['у'] = "u", ['ф'] = "f", ['х'] = "h", ['ц'] = "c", ['ч'] = "č", ['џ'] = "dž", ['ш'] = "š",
    };

    /// <summary>Serbian Cyrillic letter by letter into Serbian Latin (the standard one-to-one mapping; љ њ џ become two letters).</summary>
    private static string SerbianCyrillicToLatin(string text)
    {
        var latin = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            char lower = char.ToLowerInvariant(c);
            if (!SerbianLatinLetters.TryGetValue(lower, out var letters))
            {
                latin.Append(c);
            }
            else if (lower == c)
            {
                latin.Append(letters);
            }
            else
            {
                latin.Append(char.ToUpperInvariant(letters[0])).Append(letters.AsSpan(1));
            }
        }

        return latin.ToString();
    }

    private static void Report(string title, LanguageIdentifier identifier, List<Sample> samples)
    {
        foreach (bool heldOut in (bool[])[false, true])
        {
            ReportHalf($"{title}, {(heldOut ? "held-out" : "tune")} half", identifier, samples.Where(s => s.HeldOut == heldOut).ToList());
        }
    }

    private static void ReportHalf(string title, LanguageIdentifier identifier, List<Sample> samples)
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
            Console.WriteLine(string.Create(Inv, $"{label,-8} {n,6}  {100.0 * right / n,7:F2}%  {100 * precision,7:F2}%   {errors}"));
        }

        Console.WriteLine(string.Create(Inv,
            $"confusable texts labelled as a target: {confusablesAsTarget}/{confusables} = {(confusables == 0 ? 0 : 100.0 * confusablesAsTarget / confusables):F2}%"));
    }
}
