using MellaPipeline.Config;
using MellaPipeline.Languages;
using MellaPipeline.Records;
using MellaPipeline.Text;

namespace MellaPipeline.Stages;

/// <summary>
/// Normalises a caption (<see cref="TextNormalizer"/>), enforces its length in user-perceived
/// characters, keeps only the configured languages and detects the script, dropping captions whose
/// script their language is never written in.
/// </summary>
public sealed class NormalizeTextStage(NormalizeTextOptions options, IReadOnlyCollection<string> languages)
    : IRecordStage<PairCandidate, PairCandidate>
{
    private readonly HashSet<string> _languages = new(languages, StringComparer.Ordinal);

    public string Name => "normalize_text";

    public ValueTask<StageOutcome<PairCandidate>> ProcessAsync(PairCandidate input, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Process(input));

    private StageOutcome<PairCandidate> Process(PairCandidate input)
    {
        string text = TextNormalizer.Normalize(input.Text);
        if (text.Length == 0)
        {
            return StageOutcome<PairCandidate>.Dropped(ReasonCodes.TextEmpty);
        }

        int length = TextNormalizer.GraphemeCount(text);
        if (length < options.MinChars)
        {
            return StageOutcome<PairCandidate>.Dropped(ReasonCodes.TextTooShort, $"{length} < {options.MinChars} characters");
        }

        if (length > options.MaxChars)
        {
            return StageOutcome<PairCandidate>.Dropped(ReasonCodes.TextTooLong, $"{length} > {options.MaxChars} characters");
        }

        if (string.IsNullOrEmpty(input.Lang))
        {
            return StageOutcome<PairCandidate>.Dropped(ReasonCodes.LangMissing, "the input gives no 'lang'");
        }

        if (!_languages.Contains(input.Lang))
        {
            return StageOutcome<PairCandidate>.Dropped(ReasonCodes.LangNotTargeted, $"'{input.Lang}'");
        }

        string script = Scripts.Detect(text);
        if (options.RequireScriptMatch && !TargetLanguages.AllowsScript(input.Lang, script))
        {
            return StageOutcome<PairCandidate>.Dropped(
                ReasonCodes.ScriptMismatch, $"{script} text labelled '{input.Lang}' (expected {string.Join(" or ", TargetLanguages.ScriptsOf(input.Lang))})");
        }

        return StageOutcome<PairCandidate>.Ok(input with { Text = text, Script = script });
    }
}
