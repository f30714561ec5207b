using MellaPipeline.Config;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Quality.Scoring;

/// <summary>
/// What a scoring stage does with a row's score: the column it writes (<see cref="Write"/>: the
/// row, the score and the scorer's id in, the scored row out) and the limit, if any, that drops the
/// row (<see cref="LimitFor"/>). The two stages of the pipeline are <see cref="Align"/> and <see cref="Safety"/>.
/// </summary>
public sealed record ScoreRule(string Stage, Func<PairRecord, float, string, PairRecord> Write, Func<PairRecord, ScoreLimit?> LimitFor)
{
    public const string AlignStage = "align";

    public const string SafetyStage = "safety";

    /// <summary>
    /// <c>align</c>: <c>align_score</c> and <c>align_model</c>; with <c>min_score</c>, a row below its
    /// language's threshold is <c>alignment_low</c> (<c>score 0.123 &lt; 0.170 (th) by tiny-clip@1</c>).
    /// Without one every row is kept with its score, for a threshold chosen later from the coverage report.
    /// </summary>
    public static ScoreRule Align(AlignOptions options) => new(
        AlignStage,
        (row, score, model) => row with { AlignScore = score, AlignModel = model },
        row => options.MinScore?.For(row.Lang) is { } min ? new ScoreLimit(ReasonCodes.AlignmentLow, "score", min, IsMinimum: true, $" ({row.Lang})") : null);

    /// <summary><c>safety</c>'s classifier: <c>nsfw_score</c>; above <c>max_score</c> a row is <c>image_unsafe</c> (<c>nsfw_score 0.912 &gt; 0.500 by nsfw-mini@2</c>).</summary>
    public static ScoreRule Safety(SafetyOptions options) => new(
        SafetyStage,
        (row, score, _) => row with { NsfwScore = score },
        _ => new ScoreLimit(ReasonCodes.ImageUnsafe, "nsfw_score", options.MaxScore, IsMinimum: false));

    /// <summary>The row with its score, kept, or dropped with the limit's reason when the score is on the wrong side of it.</summary>
    public StageOutcome<PairRecord> Decide(PairRecord row, float score, string modelId)
    {
        var scored = Write(row, score, modelId);
        return LimitFor(row) is { } limit && limit.Drops(score)
            ? StageOutcome<PairRecord>.Dropped(limit.Reason, limit.Detail(score, modelId), scored)
            : StageOutcome<PairRecord>.Ok(scored);
    }
}
