using System.Collections.Frozen;

namespace MellaPipeline.Languages;

/// <summary>The eight target languages of SPEC §5 and the scripts each may be written in.</summary>
public static class TargetLanguages
{
    /// <summary>ISO 639-1 codes, in the order reports list them.</summary>
    public static readonly IReadOnlyList<string> Codes = ["ar", "cs", "hu", "ko", "ru", "sr", "th", "vi"];

    private static readonly FrozenDictionary<string, string[]> ScriptsByLanguage = new Dictionary<string, string[]>
    {
        ["ar"] = [Scripts.Arabic],
        ["cs"] = [Scripts.Latin],
        ["hu"] = [Scripts.Latin],
        // Korean text may carry Hanja; the dominant script is still Hangul for real captions.
        ["ko"] = [Scripts.Hangul],
        ["ru"] = [Scripts.Cyrillic],
        ["sr"] = [Scripts.Cyrillic, Scripts.Latin],
        ["th"] = [Scripts.Thai],
        ["vi"] = [Scripts.Latin],
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, string> EnglishNames = new Dictionary<string, string>
    {
        ["ar"] = "Arabic", ["cs"] = "Czech", ["hu"] = "Hungarian", ["ko"] = "Korean",
        ["ru"] = "Russian", ["sr"] = "Serbian", ["th"] = "Thai", ["vi"] = "Vietnamese",
    }.ToFrozenDictionary();

    /// <summary>The language's English name, as prompts to a model say it (<c>th</c> → <c>Thai</c>); the code itself for another language.</summary>
    public static string EnglishName(string code) => EnglishNames.GetValueOrDefault(code, code);

    public static bool IsTarget(string? code) => code is not null && ScriptsByLanguage.ContainsKey(code);

    /// <summary>The scripts <paramref name="code"/> is written in; empty for a non-target language.</summary>
    public static IReadOnlyList<string> ScriptsOf(string code) =>
        ScriptsByLanguage.TryGetValue(code, out var scripts) ? scripts : [];

    /// <summary>True when a caption in <paramref name="script"/> can be in language <paramref name="code"/>.</summary>
    public static bool AllowsScript(string code, string script) =>
        ScriptsByLanguage.TryGetValue(code, out var scripts) && Array.IndexOf(scripts, script) >= 0;
}
