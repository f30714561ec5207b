using MellaPipeline.Config;
using MellaPipeline.Quality.Scoring;
using MellaPipeline.Records;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Quality.Tests.Scoring;

/// <summary>
/// The align stage's decisions over rows a scorer gave known scores: a threshold only for the
/// languages <c>min_score</c> names (no default, no threshold), <c>align_model</c> on every scored
/// row, and a scorer's failure as a failed reject that is transient exactly when its code is.
/// </summary>
public class AlignScoringTests
{
    /// <summary>Scores each row by its caption, as a table says; a caption not in it fails with the table's code.</summary>
    private sealed class TableScorer(Dictionary<string, float> scores, string failure) : IRowScorer
    {
        public string ModelId => "table@1";

        public ValueTask<IReadOnlyList<RowScore>> ScoreAsync(IReadOnlyList<PairRecord> rows, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<RowScore>>([.. rows.Select(r => scores.TryGetValue(r.Text, out float s) ? new RowScore(s) : new RowScore(null, failure, "the table has no score"))]);

        public void Dispose()
        {
        }
    }

    private static Task<List<StageOutcome<PairRecord>>> RunAsync(AlignOptions options, IRowScorer scorer, params PairRecord[] rows) =>
        StageRun.RunAsync(new RowScoringStage(ScoreRule.Align(options), () => scorer, options.BatchSize), rows);

    [Fact]
    public async Task Only_the_languages_min_score_names_have_a_threshold_when_it_has_no_default()
    {
        var th = DatasetShards.Row("th", "พระบรมมหาราชวังในกรุงเทพมหานคร", imageSeed: 1);
        var thLow = DatasetShards.Row("th", "ผัดไทยกุ้งสดใส่ถั่วงอกและมะนาว", imageSeed: 2);
        var cs = DatasetShards.Row("cs", "Hrad Karlštejn obklopený podzimními lesy", imageSeed: 3);
        var scorer = new TableScorer(new() { [th.Text] = 0.2f, [thLow.Text] = 0.19f, [cs.Text] = 0.01f }, ReasonCodes.JudgeAnswerInvalid);
        var options = new AlignOptions { Model = "table", BatchSize = 2, MinScore = new LanguageThresholds { Th = 0.2 } };

        var outcomes = await RunAsync(options, scorer, th, thLow, cs);

        Assert.Equal([OutcomeKind.Ok, OutcomeKind.Dropped, OutcomeKind.Ok], outcomes.Select(o => o.Kind));
        Assert.Equal((0.2f, "table@1"), (outcomes[0].Value!.AlignScore, outcomes[0].Value!.AlignModel));
        Assert.Equal((0.01f, "table@1"), (outcomes[2].Value!.AlignScore, outcomes[2].Value!.AlignModel)); // no threshold for cs: kept, however low
        Assert.Equal(("alignment_low", "score 0.190 < 0.200 (th) by table@1"), (outcomes[1].Reason, outcomes[1].Detail));
        Assert.Equal(thLow.Key, outcomes[1].Subject!.Key);
    }

    [Theory]
    [InlineData("caption_endpoint_http_503", true)]
    [InlineData("caption_endpoint_timeout", true)]
    [InlineData("caption_endpoint_http_400", false)]
    [InlineData("judge_answer_invalid", false)]
    public async Task A_row_the_scorer_could_not_score_is_a_failed_reject_transient_when_its_code_is(string reason, bool transient)
    {
        var row = DatasetShards.Row("ko", "제주도 성산일출봉의 아침 풍경", imageSeed: 4);

        var outcome = Assert.Single(await RunAsync(new AlignOptions { Model = "table" }, new TableScorer([], reason), row));

        Assert.Equal((OutcomeKind.Failed, reason, "the table has no score"), (outcome.Kind, outcome.Reason, outcome.Detail));
        var reject = RejectRecord.Of(outcome.Subject!, "align", outcome.Kind, outcome.Reason!, outcome.Detail);
        Assert.Equal((row.Key, row.Url, transient), (reject.Key, reject.Url, reject.Transient));
    }
}
