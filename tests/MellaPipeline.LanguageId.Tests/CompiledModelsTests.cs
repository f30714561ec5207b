using System.Diagnostics;
using System.Reflection;
using MellaPipeline.LanguageId.Models;
using MellaPipeline.Languages;
using MellaPipeline.TestSupport;
using MellaPipeline.Text;

namespace MellaPipeline.LanguageId.Tests;

/// <summary>The compiled, memory-mapped models: refused when damaged, mapped per script on first use, decided as Lingua decides, built the same every time.</summary>
public class CompiledModelsTests
{
    private static string Metadata(string key) =>
        typeof(CompiledModelsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string Shipped(string group) => Path.Combine(LanguageIdentifier.DefaultModelsDirectory, NgramFileFormat.FileName(group));

    private static List<(string Label, string Text)> Load(string file) => LangIdData.Load(file);

    /// <summary>
    /// A fresh folder holding the shipped files for a test to damage <paramref name="damaged"/>:
    /// that one is copied, the others are links to the shipped ones (158 MB of copies per test
    /// would fill the temporary folder).
    /// </summary>
    private static TempDir ModelsWithCopyOf(string damaged)
    {
        var directory = new TempDir();
        foreach (string file in Directory.GetFiles(LanguageIdentifier.DefaultModelsDirectory))
        {
            string target = directory.File(Path.GetFileName(file));
            if (Path.GetFileName(file) == NgramFileFormat.FileName(damaged))
            {
                File.Copy(file, target);
            }
            else
            {
                File.CreateSymbolicLink(target, file);
            }
        }

        return directory;
    }

    [Fact]
    public void Cyrillic_text_maps_only_the_cyrillic_file_and_latin_text_never_maps_it()
    {
        var cyrillicFirst = LanguageIdentifier.Create();
        var latinFirst = LanguageIdentifier.Create();

        Assert.Empty(cyrillicFirst.LoadedGroups);
        Assert.Equal("ru", cyrillicFirst.Identify("Храм Василия Блаженного на Красной площади в Москве зимой").Lang);
        Assert.Equal("cs", latinFirst.Identify("Pražský orloj na Staroměstském náměstí je jednou z nejznámějších památek").Lang);
        Assert.Equal("de", latinFirst.Identify("Das Schloss Neuschwanstein liegt im Winter unter einer dicken Schneedecke").Lang);

        Assert.Equal(["cyrillic"], cyrillicFirst.LoadedGroups);
        Assert.DoesNotContain("cyrillic", latinFirst.LoadedGroups);
        Assert.DoesNotContain("arabic", latinFirst.LoadedGroups);
    }

    [Fact]
    public void A_truncated_file_is_refused_with_its_name()
    {
        using var models = ModelsWithCopyOf("arabic");
        string directory = models.Path;
        string path = Path.Combine(directory, NgramFileFormat.FileName("arabic"));
        using (var stream = File.OpenWrite(path))
        {
            stream.SetLength(stream.Length / 2);
        }

        var identifier = LanguageIdentifier.Create(directory);
        var error = Assert.Throws<NgramFileException>(() => identifier.Identify("مسجد الحسن الثاني في الدار البيضاء عند غروب الشمس"));

        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Equal("ru", identifier.Identify("Храм Василия Блаженного на Красной площади").Lang); // the other groups still work
    }

    [Fact]
    public void A_file_with_another_magic_is_refused_with_its_name()
    {
        using var models = ModelsWithCopyOf("cyrillic");
        string directory = models.Path;
        string path = Path.Combine(directory, NgramFileFormat.FileName("cyrillic"));
        using (var stream = File.OpenWrite(path))
        {
            stream.Write("NOTMODEL"u8);
        }

        var error = Assert.Throws<NgramFileException>(() => NgramFile.Open(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("wrong magic", error.Message);
    }

    [Fact]
    public void A_changed_byte_fails_the_content_hash()
    {
        using var models = ModelsWithCopyOf("latin-guard");
        string directory = models.Path;
        string path = Path.Combine(directory, NgramFileFormat.FileName("latin-guard"));
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<NgramFileException>(() => NgramFile.Open(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("content hash", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named_when_the_models_are_created()
    {
        using var models = ModelsWithCopyOf("latin");
        string directory = models.Path;
        File.Delete(Path.Combine(directory, NgramFileFormat.FileName("latin")));

        var error = Assert.Throws<DirectoryNotFoundException>(() => LanguageIdentifier.Create(directory));

        Assert.Contains(directory, error.Message);
    }

    [Fact]
    public void The_compiler_writes_the_same_bytes_every_time()
    {
        using var firstDirectory = new TempDir();
        using var secondDirectory = new TempDir();
        string first = firstDirectory.Path, second = secondDirectory.Path;

        Compile("arabic", first);
        Compile("arabic", second);

        byte[] once = File.ReadAllBytes(Path.Combine(first, NgramFileFormat.FileName("arabic")));
        Assert.Equal(once, File.ReadAllBytes(Path.Combine(second, NgramFileFormat.FileName("arabic"))));
        Assert.Equal(once, File.ReadAllBytes(Shipped("arabic")));
    }

    private static void Compile(string group, string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { Metadata("LanguageModelCompiler"), "--models", Metadata("LinguaModels"), "--out", output, "--group", group })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
    }

    /// <summary>
    /// Lingua's own detectors (from the package's models) and the compiled ones give every language
    /// the same confidence, to rounding, on real text of every script group: sentences, word pairs
    /// and single words of every labelled language.
    /// </summary>
    [Fact]
    [Trait("Category", "SharedData")]
    public void The_compiled_detectors_decide_as_lingua_does()
    {
        var groups = new (string Script, string Group, Lingua.Language[] Languages)[]
        {
            (Scripts.Arabic, "arabic", [Lingua.Language.Arabic, Lingua.Language.Persian, Lingua.Language.Urdu]),
            (Scripts.Cyrillic, "cyrillic",
                [Lingua.Language.Russian, Lingua.Language.Ukrainian, Lingua.Language.Belarusian, Lingua.Language.Bulgarian, Lingua.Language.Macedonian, Lingua.Language.Serbian]),
            (Scripts.Latin, "latin",
                [Lingua.Language.Czech, Lingua.Language.Slovak, Lingua.Language.Polish, Lingua.Language.Hungarian, Lingua.Language.Vietnamese,
                 Lingua.Language.Croatian, Lingua.Language.Bosnian, Lingua.Language.Slovene, Lingua.Language.English]),
        };
        var samples = new[] { "lingua_sentences.tsv", "lingua_word_pairs.tsv", "lingua_single_words.tsv", "tatoeba_laser_v1.tsv" }
            .SelectMany(f => Load(f).GroupBy(r => r.Label).SelectMany(g => g.Take(60)))
            .ToList();

        int compared = 0;
        foreach (var (script, group, languages) in groups)
        {
            var lingua = Lingua.LanguageDetectorBuilder.FromLanguages(languages).WithLanguageModelsDirectory(Metadata("LinguaModels")).Build();
            using var file = NgramFile.Open(Shipped(group));
            var compiled = new NgramDetector(file, [.. languages.Select(l => Lingua.LanguageInfo.IsoCode6391(l).ToString().ToLowerInvariant())], lowAccuracy: false);
            foreach (var (label, raw) in samples)
            {
                string text = TextNormalizer.Normalize(raw);
                if (Scripts.DetectWithShare(text).Script != script)
                {
                    continue;
                }

                var expected = lingua.ComputeLanguageConfidenceValues(text);
                var actual = compiled.Confidences(text);
                for (int i = 0; i < languages.Length; i++)
                {
                    Assert.True(Math.Abs(expected.GetValueOrDefault(languages[i]) - actual[i]) < 1e-12, $"{group} [{label}] {languages[i]} on \"{text}\": {expected.GetValueOrDefault(languages[i])} vs {actual[i]}");
                }

                compared++;
            }
        }

        Assert.True(compared > 2000, $"only {compared} texts compared");
    }

    [Fact]
    [Trait("Category", "SharedData")]
    public void The_transliterated_serbian_model_scores_latin_serbian_above_croatian_text()
    {
        var identifier = LanguageIdentifier.Create();
        var tatoeba = Load("tatoeba_laser_v1.tsv");

        double Serbian(string label) => tatoeba.Where(r => r.Label == label).Average(r => identifier.SouthSlavic(r.Text).Serbian);
        var scores = identifier.SouthSlavic("Uvek sam voleo da šetam pored reke kada je lepo vreme");

        Assert.Equal(1.0, scores.Serbian + scores.Croatian + scores.Bosnian, 9);
        Assert.True(Serbian("sr-Latn") > Serbian("hr") + 0.05, $"sr-Latn {Serbian("sr-Latn"):F3} vs hr {Serbian("hr"):F3}");
    }

    [Fact]
    [Trait("Category", "SharedData")]
    public void Many_threads_identifying_at_once_on_a_fresh_identifier_get_the_answers_of_one_thread()
    {
        var texts = Load("tatoeba_laser_v1.tsv").GroupBy(r => r.Label).SelectMany(g => g.Take(40)).Select(r => r.Text).ToArray();
        var reference = LanguageIdentifier.Create();
        var sequential = texts.Select(t => reference.Identify(t)).ToArray();

        var shared = LanguageIdentifier.Create();
        var parallel = new LanguageGuess[texts.Length];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i => parallel[i] = shared.Identify(texts[i]));

        Assert.Equal(sequential, parallel);
        Assert.Equal(["arabic", "cyrillic", "latin", "latin-guard"], shared.LoadedGroups);
    }
}
