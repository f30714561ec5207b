namespace MellaPipeline.Datasets.Splits;

/// <summary>Settings no split can be made with: an eval size that is neither a whole count nor a fraction up to <see cref="SplitSettings.MaxEvalFraction"/>.</summary>
public static class SplitSettingsCheck
{
    /// <summary>Why <paramref name="settings"/> cannot be used, naming <c>--eval-per-language</c> (the only value that can be wrong), or null.</summary>
    public static string? Problem(this SplitSettings settings) => settings switch
    {
        { EvalPerLanguage: <= 0 } => "--eval-per-language must be a count of 1 or more or a fraction above 0",
        { EvalPerLanguage: > SplitSettings.MaxEvalFraction and < 1 } => $"--eval-per-language {settings.EvalPerLanguage}: a fraction may be at most {SplitSettings.MaxEvalFraction}",
        { EvalPerLanguage: >= 1 } when settings.EvalPerLanguage != Math.Floor(settings.EvalPerLanguage) => $"--eval-per-language {settings.EvalPerLanguage}: a count must be whole",
        _ => null,
    };
}
