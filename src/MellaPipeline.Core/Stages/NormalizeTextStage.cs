using MellaPipeline.Config;
using MellaPipeline.Records;
using MellaPipeline.Text;

namespace MellaPipeline.Stages;

/// <summary>
/// Normalises a caption (<see cref="TextNormalizer"/>) unless its input already did
/// (<see cref="PairCandidate.TextNormalized"/>: crawled and archived alt text), then applies the
/// pairs' text rules (<see cref="TextRules.ForPairs"/>: length in user-perceived characters, the
/// configured languages, the script its language is written in) and records the detected script.
/// </summary>
public sealed class NormalizeTextStage(NormalizeTextOptions options, IReadOnlyCollection<string> languages)
    : IRecordStage<PairCandidate, PairCandidate>
{
    private readonly TextRuleList _rules = TextRules.ForPairs(options, languages);

    public string Name => "normalize_text";

    public ValueTask<StageOutcome<PairCandidate>> ProcessAsync(PairCandidate input, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Process(input));

    private StageOutcome<PairCandidate> Process(PairCandidate input)
    {
        string text = input.TextNormalized ? input.Text : TextNormalizer.Normalize(input.Text);
        var context = new TextContext(text, input.Lang);
        var verdict = _rules.Check(text, context);
        return verdict.IsKept
            ? StageOutcome<PairCandidate>.Ok(input with { Text = text, Script = context.Script, TextNormalized = true })
            : StageOutcome<PairCandidate>.Dropped(verdict.Reason!, verdict.Detail);
    }
}
