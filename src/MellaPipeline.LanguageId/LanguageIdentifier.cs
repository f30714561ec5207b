using System.Collections.Frozen;
using Lingua;
using MellaPipeline.Languages;
using MellaPipeline.Text;
using static Lingua.Language;

namespace MellaPipeline.LanguageId;

/// <summary>
/// Identifies the language and script of captions for the eight targets, without ever labelling
/// another language as one of them:
/// <list type="number">
/// <item>The script decides wherever it belongs to one language (Hangul → ko, Thai → th, Lao → lo,
/// kana → ja, Han → zh; Greek, Hebrew, Devanagari likewise).</item>
/// <item>Arabic, Cyrillic and Latin script go to Lingua n-gram models of that script's target
/// languages and their confusables only: ar/fa/ur; ru/uk/be/bg/mk/sr; cs/sk/pl/hu/vi/hr/bs/sl/en.</item>
/// <item>Latin text also passes a guard of 40 more Latin-script languages (trigram models) so that
/// German or Spanish is reported as such rather than as the nearest target.</item>
/// <item>Latin text that the models call Croatian or Bosnian is re-checked for Serbian
/// (<see cref="SerbianLatin"/>); Lingua's Serbian model knows only Cyrillic.</item>
/// <item>Page hints (<see cref="LanguageHints"/>) settle only what the text leaves open: near-ties
/// between the models' top two, and Serbian-or-Croatian/Bosnian Latin text with no markers.</item>
/// </list>
/// Thread-safe once built. Building loads every model it needs up front.
/// </summary>
public sealed class LanguageIdentifier
{
    /// <summary>Top-two confidence gap under which a page hint may choose between them.</summary>
    public const double TieMargin = 0.15;

    private static readonly Language[] ArabicScript = [Arabic, Persian, Urdu];
    private static readonly Language[] CyrillicScript = [Russian, Ukrainian, Belarusian, Bulgarian, Macedonian, Serbian];
    private static readonly Language[] LatinScript = [Czech, Slovak, Polish, Hungarian, Vietnamese, Croatian, Bosnian, Slovene, English];

    /// <summary>Other Latin-script languages, known only to keep them from being labelled as a target.</summary>
    private static readonly Language[] LatinGuard =
    [
        German, French, Spanish, Italian, Portuguese, Dutch, Romanian, Turkish, Indonesian, Malay, Swedish, Danish,
        Bokmal, Nynorsk, Finnish, Estonian, Latvian, Lithuanian, Albanian, Azerbaijani, Tagalog, Latin, Catalan,
        Basque, Icelandic, Irish, Welsh, Esperanto, Afrikaans, Swahili, Somali, Yoruba, Zulu, Xhosa, Tsonga, Tswana,
        Sotho, Shona, Ganda, Maori,
    ];

    private static readonly FrozenSet<Language> LatinModelled = LatinScript.ToFrozenSet();

    /// <summary>ISO 639-1 code of every language a detector here can answer with.</summary>
    private static readonly FrozenDictionary<Language, string> Codes =
        ArabicScript.Concat(CyrillicScript).Concat(LatinScript).Concat(LatinGuard)
            .ToFrozenDictionary(l => l, l => l.IsoCode6391().ToString().ToLowerInvariant());

    private static readonly FrozenDictionary<string, Language> LatinByCode =
        LatinScript.ToFrozenDictionary(l => Codes[l], l => l, StringComparer.Ordinal);

    private readonly LanguageDetector _arabic;
    private readonly LanguageDetector _cyrillic;
    private readonly LanguageDetector _latin;
    private readonly LanguageDetector _latinGuard;

    private LanguageIdentifier(LanguageDetector arabic, LanguageDetector cyrillic, LanguageDetector latin, LanguageDetector latinGuard)
    {
        _arabic = arabic;
        _cyrillic = cyrillic;
        _latin = latin;
        _latinGuard = latinGuard;
    }

    /// <summary>Folder the models ship in, beside the assembly.</summary>
    public static string DefaultModelsDirectory => Path.Combine(AppContext.BaseDirectory, "Lingua", "LanguageModels");

    /// <summary>Loads every model (the four script groups in parallel).</summary>
    public static LanguageIdentifier Create(string? modelsDirectory = null)
    {
        string directory = modelsDirectory ?? DefaultModelsDirectory;
        if (!Directory.Exists(Path.Combine(directory, "ru")))
        {
            throw new DirectoryNotFoundException($"language models not found in {directory}");
        }

        LanguageDetector Build(Language[] languages, bool guard)
        {
            var builder = LanguageDetectorBuilder.FromLanguages(languages)
                .WithLanguageModelsDirectory(directory)
                .WithPreloadedLanguageModels();
            return (guard ? builder.WithLowAccuracyMode() : builder).Build();
        }

        var latin = Build(LatinScript, guard: false);
        var cyrillic = Build(CyrillicScript, guard: false);
        var arabic = Build(ArabicScript, guard: false);
        var guard = Build([.. LatinScript, .. LatinGuard], guard: true);
        return new LanguageIdentifier(arabic, cyrillic, latin, guard);
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
            Scripts.Arabic => ByModel(_arabic, normalized, script, hints),
            Scripts.Cyrillic => ByModel(_cyrillic, normalized, script, hints),
            Scripts.Latin => IdentifyLatin(normalized, hints),
            _ => new LanguageGuess(LanguageGuess.Undetermined, script, 0, "script"),
        };
    }

    private static LanguageGuess ByScript(string lang, string script, double share) =>
        new(lang, script, Math.Round(share, 4), "script");

    private LanguageGuess IdentifyLatin(string text, LanguageHints? hints)
    {
        var guess = ByModel(_latin, text, Scripts.Latin, hints);
        if (guess.Lang != "en" && WrittenOnlyInModelledLanguages(text))
        {
            return SerbianRecheck(text, guess, hints);
        }

        // The guard's trigram models are noisy on short text, so another Latin language beats a
        // target or confusable only when the guard is sure of it and gives the modelled choice next
        // to no chance; English, itself a non-target, it beats on the guard's plain ranking.
        var guard = _latinGuard.ComputeLanguageConfidenceValues(text);
        var (other, otherConfidence) = Top(guard);
        double modelledConfidence = guard.GetValueOrDefault(LatinByCode.GetValueOrDefault(guess.Lang, Unknown));
        bool overrules = guess.Lang == "en"
            ? otherConfidence > modelledConfidence
            : otherConfidence >= GuardMinimum && modelledConfidence < GuardModelledMaximum;
        if (other != Unknown && !LatinModelled.Contains(other) && overrules)
        {
            return new LanguageGuess(Code(other), Scripts.Latin, Math.Round(otherConfidence, 4), "model");
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
        if (guess.Lang is not ("hr" or "bs" or "sr"))
        {
            return guess;
        }

        var (lang, decidedBy) = SerbianLatin.Decide(text, SouthSlavic(text), hints);
        return lang == guess.Lang ? guess : guess with { Lang = lang, DecidedBy = decidedBy };
    }

    /// <summary>The Latin model's evidence among Serbian, Croatian and Bosnian.</summary>
    private SouthSlavicScores SouthSlavic(string text)
    {
        var values = _latin.ComputeLanguageConfidenceValues(text);
        double croatian = values.GetValueOrDefault(Croatian), bosnian = values.GetValueOrDefault(Bosnian);
        double sum = croatian + bosnian;
        return sum > 0 ? new SouthSlavicScores(0, croatian / sum, bosnian / sum) : default;
    }

    /// <summary>Guard confidence a non-modelled Latin language needs to be reported.</summary>
    private const double GuardMinimum = 0.7;

    /// <summary>Guard confidence of the modelled choice below which the guard may overrule it.</summary>
    private const double GuardModelledMaximum = 0.1;

    /// <summary>
    /// The letters each modelled language writes: every Cyrillic letter of the Cyrillic ones, the
    /// non-ASCII letters of the Latin ones (English lenient, for loanwords such as café or naïve).
    /// </summary>
    private static readonly FrozenDictionary<Language, FrozenSet<char>> Alphabets = new Dictionary<Language, string>
    {
        [Russian] = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [Ukrainian] = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
        [Belarusian] = "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
        [Bulgarian] = "абвгдежзийклмнопрстуфхцчшщъьюя",
        [Macedonian] = "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
        [Serbian] = "абвгдђежзијклљмнњопрстћуфхцчџш",
        [Czech] = "áčďéěíňóřšťúůýž",
        [Slovak] = "áäčďéíĺľňóôŕšťúýž",
        [Polish] = "ąćęłńóśźż",
        [Hungarian] = "áéíóöőúüűõûôũ", // õ û ô ũ: how ő and ű come out of Latin-1 conversions, common in Hungarian web text
        [Croatian] = "čćđšž",
        [Bosnian] = "čćđšž",
        [Slovene] = "čćđšž",
        [Vietnamese] = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ",
        [English] = "éèêëïîöüàâçñáíóúäåæøœß",
    }.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet());

    /// <summary>
    /// The languages of <paramref name="values"/> that can have written <paramref name="text"/>: a
    /// language is ruled out by letters it never uses (ы or э for Ukrainian, ř or ě for Slovak, і for
    /// Russian) when they are at least 2 % of the letters or three or more, so one foreign name does
    /// not count. The text's distinctive letters are counted once, then checked per language.
    /// </summary>
    private static IReadOnlyDictionary<Language, double> Possible(IReadOnlyDictionary<Language, double> values, string text)
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

        var possible = new Dictionary<Language, double>(values.Count);
        foreach (var (language, confidence) in values)
        {
            if (!Alphabets.TryGetValue(language, out var alphabet))
            {
                possible[language] = confidence;
                continue;
            }

            bool cyrillic = language is Russian or Ukrainian or Belarusian or Bulgarian or Macedonian or Serbian;
            int foreign = 0;
            foreach (var (c, count) in distinctive)
            {
                bool checkedLetter = cyrillic ? c is >= '\u0400' and <= '\u04FF' : c is (>= '\u00C0' and <= '\u024F') or (>= '\u1E00' and <= '\u1EFF');
                if (checkedLetter && !alphabet.Contains(c))
                {
                    foreign += count;
                }
            }

            if (foreign == 0 || (foreign < 3 && foreign * 50 < letters))
            {
                possible[language] = confidence;
            }
        }

        return possible.Count < values.Count && Top(possible).Language != Unknown ? possible : values;
    }

    private static LanguageGuess ByModel(LanguageDetector detector, string text, string script, LanguageHints? hints)
    {
        var values = Possible(detector.ComputeLanguageConfidenceValues(text), text);

        var (first, firstConfidence) = Top(values);
        if (first == Unknown)
        {
            return new LanguageGuess(LanguageGuess.Undetermined, script, 0, "model");
        }

        if (hints is not null)
        {
            // Only a near-tie lets the page choose, and only between the two the text allows.
            var second = values.Where(v => v.Key != first).DefaultIfEmpty(new KeyValuePair<Language, double>(Unknown, 0)).MaxBy(v => v.Value);
            if (second.Key != Unknown && firstConfidence - second.Value < TieMargin && HintFor(hints, Code(second.Key)) is { } decidedBy)
            {
                return new LanguageGuess(Code(second.Key), script, Math.Round(second.Value, 4), decidedBy);
            }
        }

        return new LanguageGuess(Code(first), script, Math.Round(firstConfidence, 4), "model");
    }

    internal static string? HintFor(LanguageHints hints, string lang) =>
        hints.DeclaredLang == lang ? "hint:html_lang" : hints.TldLang == lang ? "hint:tld" : null;

    private static (Language Language, double Confidence) Top(IReadOnlyDictionary<Language, double> values)
    {
        var best = (Language: Unknown, Confidence: 0.0);
        foreach (var (language, confidence) in values)
        {
            if (confidence > best.Confidence)
            {
                best = (language, confidence);
            }
        }

        return best;
    }

    private static string Code(Language language) => Codes[language];
}
