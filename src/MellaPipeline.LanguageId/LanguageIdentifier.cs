using System.Collections.Frozen;
using MellaPipeline.LanguageId.Models;
using MellaPipeline.Languages;
using MellaPipeline.Text;

namespace MellaPipeline.LanguageId;

/// <summary>
/// Identifies the language and script of captions for the eight targets, without ever labelling
/// another language as one of them:
/// <list type="number">
/// <item>The script decides wherever it belongs to one language (Hangul → ko, Thai → th, Lao → lo,
/// kana → ja, Han → zh; Greek, Hebrew, Devanagari likewise).</item>
/// <item>Arabic, Cyrillic and Latin script go to Lingua's n-gram models of that script's target
/// languages and their confusables only: ar/fa/ur; ru/uk/be/bg/mk/sr; cs/sk/pl/hu/vi/hr/bs/sl/en,
/// compiled at build time into one memory-mapped file per script (<see cref="NgramFile"/>) and
/// scored as Lingua scores them (<see cref="NgramDetector"/>).</item>
/// <item>Latin text also passes a guard of 40 more Latin-script languages (trigram models) so that
/// German or Spanish is reported as such rather than as the nearest target.</item>
/// <item>Latin text that the models call Croatian or Bosnian is re-checked for Serbian
/// (<see cref="SerbianLatin"/>) with the n-gram scores of Serbian (Lingua's Cyrillic model
/// transliterated at build time), Croatian and Bosnian.</item>
/// <item>Page hints (<see cref="LanguageHints"/>) settle only what the text leaves open: near-ties
/// between the models' top two, and Serbian-or-Croatian/Bosnian Latin text with no markers.</item>
/// </list>
/// Thread-safe. Building is cheap: a script's file is mapped the first time text of that script
/// comes (Latin text never maps the Cyrillic file); a missing or corrupt file is an
/// <see cref="NgramFileException"/> naming it.
/// </summary>
public sealed class LanguageIdentifier
{
    /// <summary>Top-two confidence gap under which a page hint may choose between them.</summary>
    public const double TieMargin = 0.15;

    private const string SerbianLatinModel = "sr-Latn";

    /// <summary>The compiled groups, each a file in the models folder.</summary>
    private static readonly string[] Groups = ["arabic", "cyrillic", "latin", "latin-guard"];

    private readonly FrozenDictionary<string, Lazy<NgramFile>> _files;
    private readonly Lazy<NgramDetector> _arabic;
    private readonly Lazy<NgramDetector> _cyrillic;
    private readonly Lazy<NgramDetector> _latin;
    private readonly Lazy<NgramDetector> _southSlavic;
    private readonly Lazy<NgramDetector> _latinGuard;

    private LanguageIdentifier(string directory)
    {
        _files = Groups.ToFrozenDictionary(
            g => g,
            g => new Lazy<NgramFile>(() => NgramFile.Open(Path.Combine(directory, NgramFileFormat.FileName(g))), LazyThreadSafetyMode.ExecutionAndPublication));
        _arabic = Detector("arabic", f => [.. f.Languages.Select(l => l.Code)], lowAccuracy: false);
        _cyrillic = Detector("cyrillic", f => [.. f.Languages.Select(l => l.Code)], lowAccuracy: false);
        _latin = Detector("latin", f => [.. f.Languages.Select(l => l.Code).Where(c => c != SerbianLatinModel)], lowAccuracy: false);
        _southSlavic = Detector("latin", _ => [SerbianLatinModel, "hr", "bs"], lowAccuracy: false, new Dictionary<string, string> { [SerbianLatinModel] = "hr" });
        _latinGuard = Detector("latin-guard", f => [.. f.Languages.Select(l => l.Code)], lowAccuracy: true);
    }

    private Lazy<NgramDetector> Detector(string group, Func<NgramFile, string[]> codes, bool lowAccuracy, IReadOnlyDictionary<string, string>? lettersAs = null) =>
        new(() =>
        {
            var file = _files[group].Value;
            return new NgramDetector(file, codes(file), lowAccuracy, lettersAs);
        }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Folder the compiled models ship in, beside the assembly.</summary>
    public static string DefaultModelsDirectory => Path.Combine(AppContext.BaseDirectory, "LanguageModels");

    /// <summary>The groups (script files) mapped so far: none until text of that script is identified.</summary>
    public IReadOnlyList<string> LoadedGroups => [.. Groups.Where(g => _files[g].IsValueCreated)];

    /// <summary>Checks the compiled models are there; each is mapped on first use.</summary>
    public static LanguageIdentifier Create(string? modelsDirectory = null)
    {
        string directory = modelsDirectory ?? DefaultModelsDirectory;
        if (!Groups.All(g => File.Exists(Path.Combine(directory, NgramFileFormat.FileName(g)))))
        {
            throw new DirectoryNotFoundException($"language models not found in {directory}");
        }

        return new LanguageIdentifier(directory);
    }

    public LanguageGuess Identify(string? text, LanguageHints? hints = null) => IdentifyNormalized(TextNormalizer.Normalize(text), hints);

    /// <summary>As <see cref="Identify"/>, for text its caller has already normalised (<see cref="TextNormalizer"/>), so it is not normalised twice.</summary>
    public LanguageGuess IdentifyNormalized(string normalized, LanguageHints? hints = null)
    {
        var (script, share) = Scripts.DetectWithShare(normalized);
        return script switch
        {
            Scripts.Unknown => LanguageGuess.Empty,
            Scripts.Hangul => ByScript("ko", script, share),
            Scripts.Thai => ByScript("th", script, share),
            Scripts.Lao => ByScript("lo", script, share),
            Scripts.Kana => ByScript("ja", script, share),
            Scripts.Han => Scripts.HasKana(normalized) ? ByScript("ja", Scripts.Kana, share) : ByScript("zh", script, share),
            Scripts.Greek => ByScript("el", script, share),
            Scripts.Hebrew => ByScript("he", script, share),
            Scripts.Devanagari => ByScript("hi", script, share),
            Scripts.Arabic => ByModel(_arabic.Value, normalized, script, hints),
            Scripts.Cyrillic => ByModel(_cyrillic.Value, normalized, script, hints),
            Scripts.Latin => IdentifyLatin(normalized, hints),
            _ => new LanguageGuess(LanguageGuess.Undetermined, script, 0, "script"),
        };
    }

    private static LanguageGuess ByScript(string lang, string script, double share) =>
        new(lang, script, Math.Round(share, 4), "script");

    private LanguageGuess IdentifyLatin(string text, LanguageHints? hints)
    {
        var latin = _latin.Value;
        var guess = ByModel(latin, text, Scripts.Latin, hints);
        // Serbian evidence sends Latin text the models call hr/bs/sr/sl to the Serbian decision, not
        // to the guard, whose trigrams take short Serbian for Tswana or Finnish.
        bool serbianMarkers = guess.Lang is "hr" or "bs" or "sr" or "sl" && SerbianLatin.HasEvidence(text, guess.Lang);
        if ((guess.Lang != "en" && (WrittenOnlyInModelledLanguages(text) || serbianMarkers)) || SerbianPageMayDecide(text, guess, hints))
        {
            return SerbianRecheck(text, guess, hints);
        }

        // The guard's trigram models are noisy on short text, so another Latin language beats a
        // target or confusable only when the guard is sure of it and gives the modelled choice next
        // to no chance; English, itself a non-target, it beats on the guard's plain ranking.
        var guardDetector = _latinGuard.Value;
        var guard = guardDetector.Confidences(text);
        int other = Top(guard);
        double otherConfidence = other < 0 ? 0 : guard[other];
        int modelled = latin.Codes.Contains(guess.Lang) ? guardDetector.IndexOf(guess.Lang) : -1;
        double modelledConfidence = modelled < 0 ? 0 : guard[modelled];
        bool overrules = guess.Lang == "en"
            ? otherConfidence > modelledConfidence
            : otherConfidence >= GuardMinimum && modelledConfidence < GuardModelledMaximum;
        if (other >= 0 && !latin.Codes.Contains(guardDetector.Codes[other]) && overrules)
        {
            return new LanguageGuess(guardDetector.Codes[other], Scripts.Latin, Math.Round(otherConfidence, 4), "model");
        }

        return SerbianRecheck(text, guess, hints);
    }

    /// <summary>
    /// Letters none of the guard's languages writes (ř ů ě ő ű ł ś ź ż ń ć đ ľ ĺ ŕ ť ď ň ơ ư and
    /// Vietnamese tone-marked vowels, without the Yoruba ẹ ọ): text with enough of them cannot be
    /// one of the guard's languages, so the guard, the costliest model, is skipped. A single such
    /// letter in longer text (a Czech name in a German caption) is not enough.
    /// </summary>
    private static readonly System.Buffers.SearchValues<char> ModelledOnlyLetters = System.Buffers.SearchValues.Create(
        "řůěőűłśźżńćđľĺŕťďňơưŘŮĚŐŰŁŚŹŻŃĆĐĽĹŔŤĎŇƠƯ"
        + string.Concat(Enumerable.Range(0x1EA0, 0x1EFA - 0x1EA0).Where(c => c is not (0x1EB8 or 0x1EB9 or 0x1ECC or 0x1ECD)).Select(c => (char)c)));

    private static bool WrittenOnlyInModelledLanguages(string text)
    {
        int found = 0, letters = 0;
        foreach (char c in text)
        {
            if (char.IsLetter(c))
            {
                letters++;
                if (ModelledOnlyLetters.Contains(c))
                {
                    found++;
                }
            }
        }

        return found >= 2 || (found == 1 && letters <= 40);
    }

    private LanguageGuess SerbianRecheck(string text, LanguageGuess guess, LanguageHints? hints)
    {
        if (guess.Lang is "cs" or "sk")
        {
            var (czechOrSlovak, by) = CzechSlovak.Decide(text, guess.Lang, hints);
            guess = czechOrSlovak == guess.Lang && by == "model" ? guess : guess with { Lang = czechOrSlovak, DecidedBy = by };
        }
        else if (guess.Lang is "hr" or "bs" or "sr" || (guess.Lang == "sl" && SerbianLatin.MayBeSerbianNotSlovene(text)))
        {
            var (lang, decidedBy) = SerbianLatin.Decide(text, SouthSlavicNormalized(text), hints);
            // Slovene the models chose stays Slovene unless the evidence says Serbian.
            guess = lang == guess.Lang || (guess.Lang == "sl" && lang != "sr") ? guess : guess with { Lang = lang, DecidedBy = decidedBy };
        }

        return SerbianByHint(text, guess, hints);
    }

    /// <summary>The n-gram evidence among Serbian (the transliterated model), Croatian and Bosnian alone, for Latin text.</summary>
    public SouthSlavicScores SouthSlavic(string text) => SouthSlavicNormalized(TextNormalizer.Normalize(text));

    private SouthSlavicScores SouthSlavicNormalized(string normalized)
    {
        var values = _southSlavic.Value.Confidences(normalized);
        return new SouthSlavicScores(values[0], values[1], values[2]);
    }

    /// <summary>
    /// A page that says it is Serbian (<c>lang="sr"</c>, <c>sr-Latn</c>, a .rs host) settles Latin
    /// text the models give to a Slavic neighbour unless the text writes a letter Serbian Latin
    /// never does (q, w, x, y, or any accented letter but č ć đ š ž).
    /// </summary>
    private static LanguageGuess SerbianByHint(string text, LanguageGuess guess, LanguageHints? hints) =>
        SerbianPageMayDecide(text, guess, hints) ? guess with { Lang = "sr", DecidedBy = HintFor(hints!, "sr")! } : guess;

    /// <summary>
    /// Whether a Serbian page settles this Latin text: the models give it to another Slavic language
    /// (Croatian, Bosnian, Slovene, or on short text Czech, Slovak, Polish) and it has no letter
    /// Serbian Latin never writes (which Czech, Slovak and Polish sentences nearly always have). Such text is not left to the guard either, whose
    /// trigram models take short Serbian sentences for Tswana or Indonesian.
    /// </summary>
    private static bool SerbianPageMayDecide(string text, LanguageGuess guess, LanguageHints? hints)
    {
        if (guess.Lang is not ("hr" or "bs" or "sl" or "cs" or "sk" or "pl") || hints is null || HintFor(hints, "sr") is null)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (char.IsLetter(c) && !SerbianLatinLetters.Contains(char.ToLowerInvariant(c)))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> SerbianLatinLetters = System.Buffers.SearchValues.Create("abcdefghijklmnoprstuvzčćđšž");

    /// <summary>Guard confidence a non-modelled Latin language needs to be reported.</summary>
    private const double GuardMinimum = 0.7;

    /// <summary>Guard confidence of the modelled choice below which the guard may overrule it.</summary>
    private const double GuardModelledMaximum = 0.1;

    /// <summary>
    /// The letters each modelled language writes: every Cyrillic letter of the Cyrillic ones, the
    /// non-ASCII letters of the Latin ones (English lenient, for loanwords such as café or naïve).
    /// </summary>
    private static readonly FrozenDictionary<string, FrozenSet<char>> Alphabets = new Dictionary<string, string>
    {
        ["ru"] = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ["uk"] = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
        ["be"] = "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
        ["bg"] = "абвгдежзийклмнопрстуфхцчшщъьюя",
        ["mk"] = "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
        ["sr"] = "абвгдђежзијклљмнњопрстћуфхцчџш",
        ["cs"] = "áčďéěíňóřšťúůýž",
        ["sk"] = "áäčďéíĺľňóôŕšťúýž",
        ["pl"] = "ąćęłńóśźż",
        ["hu"] = "áéíóöőúüűõûôũ", // õ û ô ũ: how ő and ű come out of Latin-1 conversions, common in Hungarian web text
        ["hr"] = "čćđšž",
        ["bs"] = "čćđšž",
        ["sl"] = "čćđšž",
        ["vi"] = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ",
        ["en"] = "éèêëïîöüàâçñáíóúäåæøœß",
    }.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(), StringComparer.Ordinal);

    private static readonly FrozenSet<string> CyrillicModelled = FrozenSet.ToFrozenSet(["ru", "uk", "be", "bg", "mk", "sr"], StringComparer.Ordinal);

    /// <summary>
    /// The languages of <paramref name="values"/> that can have written <paramref name="text"/>: a
    /// language is ruled out by letters it never uses (ы or э for Ukrainian, ř or ě for Slovak, і for
    /// Russian) when they are at least 2 % of the letters or three or more, so one foreign name does
    /// not count. The text's distinctive letters are counted once, then checked per language.
    /// </summary>
    /// <remarks>Returns the confidences with the languages ruled out set to -1 (or unchanged when that would rule out every language with a chance).</remarks>
    private static double[] Possible(IReadOnlyList<string> codes, double[] values, string text)
    {
        int letters = 0;
        Dictionary<char, int>? distinctive = null;
        foreach (char raw in text)
        {
            if (!char.IsLetter(raw))
            {
                continue;
            }

            letters++;
            if (raw >= '\u00C0')
            {
                char c = char.ToLowerInvariant(raw);
                distinctive ??= [];
                distinctive[c] = distinctive.GetValueOrDefault(c) + 1;
            }
        }

        if (distinctive is null)
        {
            return values;
        }

        var possible = (double[])values.Clone();
        bool ruledOut = false;
        for (int i = 0; i < codes.Count; i++)
        {
            if (!Alphabets.TryGetValue(codes[i], out var alphabet))
            {
                continue;
            }

            bool cyrillic = CyrillicModelled.Contains(codes[i]);
            int foreign = 0;
            foreach (var (c, count) in distinctive)
            {
                bool checkedLetter = cyrillic ? c is >= '\u0400' and <= '\u04FF' : c is (>= '\u00C0' and <= '\u024F') or (>= '\u1E00' and <= '\u1EFF');
                if (checkedLetter && !alphabet.Contains(c))
                {
                    foreign += count;
                }
            }

            if (!(foreign == 0 || (foreign < 3 && foreign * 50 < letters)))
            {
                possible[i] = -1;
                ruledOut = true;
            }
        }

        return ruledOut && Top(possible) >= 0 ? possible : values;
    }

    private static LanguageGuess ByModel(NgramDetector detector, string text, string script, LanguageHints? hints)
    {
        var codes = detector.Codes;
        var values = Possible(codes, detector.Confidences(text), text);

        int first = Top(values);
        if (first < 0)
        {
            return new LanguageGuess(LanguageGuess.Undetermined, script, 0, "model");
        }

        if (hints is not null)
        {
            // Only a near-tie lets the page choose, and only between the two the text allows.
            int second = -1;
            for (int i = 0; i < values.Length; i++)
            {
                if (i != first && values[i] >= 0 && (second < 0 || values[i] > values[second]))
                {
                    second = i;
                }
            }

            if (second >= 0 && values[first] - values[second] < TieMargin && HintFor(hints, codes[second]) is { } decidedBy)
            {
                return new LanguageGuess(codes[second], script, Math.Round(values[second], 4), decidedBy);
            }
        }

        return new LanguageGuess(codes[first], script, Math.Round(values[first], 4), "model");
    }

    internal static string? HintFor(LanguageHints hints, string lang) => hints.Suggests(lang);

    /// <summary>The language with the highest confidence above 0 (the first listed on a tie), or -1.</summary>
    private static int Top(double[] values)
    {
        int best = -1;
        double bestConfidence = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] > bestConfidence)
            {
                (best, bestConfidence) = (i, values[i]);
            }
        }

        return best;
    }
}
