using System.Globalization;
using System.Reflection;
using Lingua;
using MellaPipeline.LanguageId;
using MellaPipeline.LanguageId.Models;
using MellaPipeline.Languages;
using MellaPipeline.Text;
using static MellaPipeline.Bench.LangIdEvaluation;

namespace MellaPipeline.Bench;

/// <summary>
/// Does the compiled engine decide as Lingua does? Runs every text of the shared sets through
/// Lingua's own detectors (built here from the package's models, as the identifier built them
/// before) and through the compiled ones, per script group, and compares the answers: the
/// language each puts first (the first listed on a tie, as the identifier takes it) and the
/// largest difference in any confidence. Lists every text where the answers differ.
/// </summary>
public static class LangIdParity
{
    private static readonly Language[] Arabic = [Language.Arabic, Language.Persian, Language.Urdu];
    private static readonly Language[] Cyrillic = [Language.Russian, Language.Ukrainian, Language.Belarusian, Language.Bulgarian, Language.Macedonian, Language.Serbian];
    private static readonly Language[] Latin =
        [Language.Czech, Language.Slovak, Language.Polish, Language.Hungarian, Language.Vietnamese, Language.Croatian, Language.Bosnian, Language.Slovene, Language.English];

    public static int Run(string dataDir)
    {
        var inv = CultureInfo.InvariantCulture;
        string linguaModels = typeof(LangIdParity).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LinguaModels").Value!;
        var guardFile = NgramFile.Open(Path.Combine(LanguageIdentifier.DefaultModelsDirectory, NgramFileFormat.FileName("latin-guard")));
        var guardLanguages = guardFile.Languages.Select(l => Code(l.Code)).ToArray();
        var groups = new (string Script, string Group, Language[] Languages, bool Low)[]
        {
            (Scripts.Arabic, "arabic", Arabic, false),
            (Scripts.Cyrillic, "cyrillic", Cyrillic, false),
            (Scripts.Latin, "latin", Latin, false),
            (Scripts.Latin, "latin-guard", guardLanguages, true),
        };

        var pairs = groups.Select(g =>
        {
            var builder = LanguageDetectorBuilder.FromLanguages(g.Languages).WithLanguageModelsDirectory(linguaModels).WithPreloadedLanguageModels();
            var lingua = (g.Low ? builder.WithLowAccuracyMode() : builder).Build();
            var file = g.Group == "latin-guard" ? guardFile : NgramFile.Open(Path.Combine(LanguageIdentifier.DefaultModelsDirectory, NgramFileFormat.FileName(g.Group)));
            var compiled = new NgramDetector(file, [.. g.Languages.Select(l => l.IsoCode6391().ToString().ToLowerInvariant())], g.Low);
            return (g.Script, g.Group, g.Languages, Lingua: lingua, Compiled: compiled);
        }).ToArray();

        var sentences = Load(Path.Combine(dataDir, "lingua_sentences.tsv"))
            .Concat(Load(Path.Combine(dataDir, "tatoeba_laser_v1.tsv")))
            .Concat(Load(Path.Combine(dataDir, "langidpy_paragraphs.tsv")))
            .Concat(Load(Path.Combine(dataDir, "cld2_unittest_strings.tsv")))
            .ToList();
        var sets = new (string Name, List<Sample> Samples)[]
        {
            ("sentences", sentences),
            ("fragments_3_5_words", Fragments(sentences, 3, 5)),
            ("word_pairs", Load(Path.Combine(dataDir, "lingua_word_pairs.tsv")).ToList()),
            ("single_words", Load(Path.Combine(dataDir, "lingua_single_words.tsv")).ToList()),
        };

        long allCompared = 0, allSame = 0;
        foreach (var (name, samples) in sets)
        {
            var perLabel = new SortedDictionary<string, (int Compared, int Same)>(StringComparer.Ordinal);
            double maxDifference = 0;
            var differing = new List<string>();
            foreach (var sample in samples)
            {
                string text = TextNormalizer.Normalize(sample.Text);
                string script = Scripts.DetectWithShare(text).Script;
                foreach (var pair in pairs.Where(p => p.Script == script))
                {
                    var lingua = pair.Lingua.ComputeLanguageConfidenceValues(text);
                    var compiled = pair.Compiled.Confidences(text);
                    var linguaValues = pair.Languages.Select(l => lingua.GetValueOrDefault(l)).ToArray();
                    int linguaTop = Top(linguaValues), compiledTop = Top(compiled);
                    double difference = linguaValues.Zip(compiled, (a, b) => Math.Abs(a - b)).Max();
                    maxDifference = Math.Max(maxDifference, difference);
                    bool same = linguaTop == compiledTop;
                    var counts = perLabel.GetValueOrDefault(sample.Label);
                    perLabel[sample.Label] = (counts.Compared + 1, counts.Same + (same ? 1 : 0));
                    if (!same)
                    {
                        differing.Add(string.Create(inv,
                            $"  differs {pair.Group} [{sample.Label}] lingua={Name(pair.Languages, linguaTop)}:{Value(linguaValues, linguaTop):F6} compiled={Name(pair.Languages, compiledTop)}:{Value(compiled, compiledTop):F6} max_diff={difference:E2} \"{text}\""));
                    }
                }
            }

            int compared = perLabel.Values.Sum(v => v.Compared), sameCount = perLabel.Values.Sum(v => v.Same);
            allCompared += compared;
            allSame += sameCount;
            Console.WriteLine(string.Create(inv, $"{name}: {sameCount}/{compared} identical decisions ({100.0 * sameCount / Math.Max(1, compared):F3} %), largest confidence difference {maxDifference:E2}"));
            Console.WriteLine("  " + string.Join(" ", perLabel.Select(p => string.Create(inv, $"{p.Key}={p.Value.Same}/{p.Value.Compared}"))));
            differing.ForEach(Console.WriteLine);
        }

        Console.WriteLine(string.Create(inv, $"all: {allSame}/{allCompared} identical decisions ({100.0 * allSame / Math.Max(1, allCompared):F3} %)"));
        Throughput(pairs.Select(p => (p.Script, p.Lingua, p.Compiled)).ToArray(), Fragments(sentences, 1, 4).Select(s => TextNormalizer.Normalize(s.Text)).Take(20_000).ToArray());
        return 0;
    }

    /// <summary>
    /// Short texts per second on one thread through the detectors a text's script reaches (Latin
    /// text: the Latin models and the guard), Lingua's and the compiled ones in alternating rounds
    /// of the same process, so both see the same machine load; the median round of each.
    /// </summary>
    private static void Throughput((string Script, LanguageDetector Lingua, NgramDetector Compiled)[] detectors, string[] texts)
    {
        var routed = texts.Select(t => (Text: t, Detectors: detectors.Where(d => d.Script == Scripts.DetectWithShare(t).Script).ToArray())).ToArray();
        var lingua = new List<double>();
        var compiled = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            foreach (var (text, reached) in routed)
            {
                foreach (var d in reached)
                {
                    d.Lingua.ComputeLanguageConfidenceValues(text);
                }
            }

            lingua.Add(texts.Length / clock.Elapsed.TotalSeconds);
            clock.Restart();
            foreach (var (text, reached) in routed)
            {
                foreach (var d in reached)
                {
                    d.Compiled.Confidences(text);
                }
            }

            compiled.Add(texts.Length / clock.Elapsed.TotalSeconds);
        }

        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput_short_texts_per_second_one_thread lingua={Median(lingua):F0} compiled={Median(compiled):F0} ratio={Median(compiled) / Median(lingua):F2} (n={texts.Length}, 5 alternating rounds, medians)"));
    }

    /// <summary>The first language with the highest confidence above 0, as the identifier reads a detector's answer; -1 for none.</summary>
    private static int Top(double[] values)
    {
        int best = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] > 0 && (best < 0 || values[i] > values[best]))
            {
                best = i;
            }
        }

        return best;
    }

    private static string Name(Language[] languages, int index) => index < 0 ? "none" : languages[index].IsoCode6391().ToString().ToLowerInvariant();

    private static double Value(double[] values, int index) => index < 0 ? 0 : values[index];

    private static Language Code(string code) => Enum.GetValues<Language>().First(l => l != Language.Unknown && l.IsoCode6391().ToString().Equals(code, StringComparison.OrdinalIgnoreCase));
}
