namespace MellaPipeline.LanguageId.Compiler;

/// <summary>A language of a group: its Lingua model folder (null for one derived here), its code in the compiled file.</summary>
internal sealed record GroupLanguage(string Code, Lingua.Language? Lingua);

/// <summary>One compiled file: the languages the identifier scores together, and the n-gram orders it reads.</summary>
internal sealed record ModelGroup(string Name, IReadOnlyList<GroupLanguage> Languages, int MaxOrder);

/// <summary>
/// The languages that ship, per script. The order of each list is the order the identifier breaks
/// exact ties in (Lingua's: the order the detector was given its languages).
/// </summary>
internal static class ModelGroups
{
    /// <summary>Code of the Latin-script Serbian model the compiler derives from Lingua's Cyrillic one.</summary>
    public const string SerbianLatin = "sr-Latn";

    private static GroupLanguage L(Lingua.Language language) =>
        new(Lingua.LanguageInfo.IsoCode6391(language).ToString().ToLowerInvariant(), language);

    private static readonly Lingua.Language[] LatinModelled =
    [
        Lingua.Language.Czech, Lingua.Language.Slovak, Lingua.Language.Polish, Lingua.Language.Hungarian, Lingua.Language.Vietnamese,
        Lingua.Language.Croatian, Lingua.Language.Bosnian, Lingua.Language.Slovene, Lingua.Language.English,
    ];

    /// <summary>Other Latin-script languages, known only to keep them from being labelled as a target.</summary>
    private static readonly Lingua.Language[] LatinGuard =
    [
        Lingua.Language.German, Lingua.Language.French, Lingua.Language.Spanish, Lingua.Language.Italian, Lingua.Language.Portuguese,
        Lingua.Language.Dutch, Lingua.Language.Romanian, Lingua.Language.Turkish, Lingua.Language.Indonesian, Lingua.Language.Malay,
        Lingua.Language.Swedish, Lingua.Language.Danish, Lingua.Language.Bokmal, Lingua.Language.Nynorsk, Lingua.Language.Finnish,
        Lingua.Language.Estonian, Lingua.Language.Latvian, Lingua.Language.Lithuanian, Lingua.Language.Albanian, Lingua.Language.Azerbaijani,
        Lingua.Language.Tagalog, Lingua.Language.Latin, Lingua.Language.Catalan, Lingua.Language.Basque, Lingua.Language.Icelandic,
        Lingua.Language.Irish, Lingua.Language.Welsh, Lingua.Language.Esperanto, Lingua.Language.Afrikaans, Lingua.Language.Swahili,
        Lingua.Language.Somali, Lingua.Language.Yoruba, Lingua.Language.Zulu, Lingua.Language.Xhosa, Lingua.Language.Tsonga,
        Lingua.Language.Tswana, Lingua.Language.Sotho, Lingua.Language.Shona, Lingua.Language.Ganda, Lingua.Language.Maori,
    ];

    public static IReadOnlyList<ModelGroup> All { get; } =
    [
        new("arabic", [L(Lingua.Language.Arabic), L(Lingua.Language.Persian), L(Lingua.Language.Urdu)], 5),
        new("cyrillic",
            [L(Lingua.Language.Russian), L(Lingua.Language.Ukrainian), L(Lingua.Language.Belarusian), L(Lingua.Language.Bulgarian), L(Lingua.Language.Macedonian), L(Lingua.Language.Serbian)],
            5),
        // The modelled Latin languages and the transliterated Serbian, which only the Serbian/Croatian/Bosnian scores read.
        new("latin", [.. LatinModelled.Select(L), new GroupLanguage(SerbianLatin, null)], 5),
        // The guard runs in Lingua's low-accuracy mode: trigrams, falling back to bigram and unigram prefixes.
        new("latin-guard", [.. LatinModelled.Select(L), .. LatinGuard.Select(L)], 3),
    ];
}
