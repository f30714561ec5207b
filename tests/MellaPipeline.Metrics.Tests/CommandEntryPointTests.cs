using MellaPipeline.Metrics.Evaluation;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Metrics.Tests;

/// <summary>What <c>mella score</c> and <c>mella eval</c> call, run in-process.</summary>
public class CommandEntryPointTests
{
    [Fact]
    public void Line_aligned_files_give_one_score_and_the_metrics_signature()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("hyp.txt"), "Phở bò Hà Nội với hành lá\nmột con mèo nằm trên ghế\n");
        File.WriteAllText(dir.File("ref.txt"), "Phở bò Hà Nội với hành lá\nmột con chó chạy trên bãi biển\n");
        FileInfo[] files = [new(dir.File("hyp.txt")), new(dir.File("ref.txt"))];

        var perfect = LineAlignedScore.Compute([files[0], files[0]], "vi", MetricNames.Bleu, new ScoreOptions(), out string? none);
        var partial = LineAlignedScore.Compute(files, "vi", MetricNames.Bleu, new ScoreOptions(), out _);

        Assert.Null(none);
        Assert.Equal(100, perfect!.Score, 6);
        Assert.InRange(partial!.Score, 1, 99);
        Assert.StartsWith("nrefs:1|", partial.Signature);
    }

    [Fact]
    public void Files_read_whole_are_cut_into_lines_as_line_by_line_reading_cuts_them()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("hyp.txt"), "\uFEFFmột con mèo\r\n\r\nPhở bò Hà Nội");
        File.WriteAllText(dir.File("ref.txt"), "một con mèo\n\nPhở bò Hà Nội\n");
        File.WriteAllBytes(dir.File("bad.txt"), [(byte)'a', (byte)'\n', 0xC3, (byte)'\n', (byte)'b', (byte)'\n']);
        FileInfo[] files = [new(dir.File("hyp.txt")), new(dir.File("ref.txt"))];

        var same = LineAlignedScore.Compute(files, "vi", MetricNames.Bleu, new ScoreOptions(Tokenize: "none"), out string? none);
        Assert.Null(LineAlignedScore.Compute([files[0], new FileInfo(dir.File("bad.txt"))], "vi", MetricNames.Bleu, new ScoreOptions(), out string? bad));

        Assert.Null(none);
        Assert.Equal(100, same!.Score, 6); // the BOM and the \r are not part of the words, the blank line is a line
        Assert.Equal($"{dir.File("bad.txt")}: line 2: line is not valid UTF-8", bad);
    }

    [Fact]
    public void Files_of_different_lengths_or_unreadable_are_named_in_the_problem()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("hyp.txt"), "a\nb\n");
        File.WriteAllText(dir.File("ref.txt"), "a\n");
        var hyp = new FileInfo(dir.File("hyp.txt"));

        Assert.Null(LineAlignedScore.Compute([hyp, new FileInfo(dir.File("ref.txt"))], "en", MetricNames.Bleu, new ScoreOptions(), out string? shorter));
        Assert.Null(LineAlignedScore.Compute([hyp, new FileInfo(dir.File("missing.txt"))], "en", MetricNames.Bleu, new ScoreOptions(), out string? missing));

        Assert.Equal($"{dir.File("ref.txt")} has 1 lines, {dir.File("hyp.txt")} has 2", shorter);
        Assert.StartsWith($"{dir.File("missing.txt")}: ", missing);
    }

    [Fact]
    public async Task An_eval_run_scores_the_predictions_and_counts_their_errors_with_the_baselines()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("refs.tsv"), "k1\tvi\tmột con mèo nằm trên ghế\nk2\tvi\tPhở bò Hà Nội với hành lá\n");
        File.WriteAllText(dir.File("pred.jsonl"), "{\"key\":\"k1\",\"prediction\":\"một con mèo nằm trên ghế\"}\n{\"key\":\"k2\",\"prediction\":\"Phở bò\"}\n");
        File.WriteAllText(dir.File("base.jsonl"), "{\"key\":\"k1\",\"prediction\":\"con mèo\"}\n{\"key\":\"k9\",\"prediction\":\"x\"}\n");

        var (run, problem) = await EvalRun.RunAsync(dir.File("refs.tsv"), new FileInfo(dir.File("pred.jsonl")), new FileInfo(dir.File("base.jsonl")), new ScoreOptions(), 0, 0, CancellationToken.None);

        Assert.Null(problem);
        Assert.Equal(0, run!.Report.Errors.Total);
        Assert.Equal(2, run.Report.BaselineErrors!.Total); // k2 missing, k9 unknown
        Assert.Equal(2, run.Errors);
        var bleu = Assert.Single(run.Report.Results, r => r.Metric == MetricNames.Bleu);
        Assert.Equal(("vi", 2), (bleu.Lang, bleu.N));
        Assert.True(bleu.Delta > 0, $"delta {bleu.Delta}");
    }

    [Fact]
    public async Task An_eval_run_takes_the_scoring_options_of_score_and_names_them_in_every_signature()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("refs.tsv"), "k1\tsr\tЋевапи са кајмаком\nk2\tsr\tБеоградска тврђава\n");
        File.WriteAllText(dir.File("pred.jsonl"), "{\"key\":\"k1\",\"prediction\":\"Ćevapi sa kajmakom\"}\n{\"key\":\"k2\",\"prediction\":\"Beogradska tvrđava\"}\n");
        async Task<IReadOnlyList<EvalResult>> Results(ScoreOptions options) =>
            (await EvalRun.RunAsync(dir.File("refs.tsv"), new FileInfo(dir.File("pred.jsonl")), null, options, 0, 0, CancellationToken.None)).Run!.Report.Results;

        var kept = await Results(new ScoreOptions(Tokenize: "none", FoldSerbianScript: false));
        var folded = await Results(new ScoreOptions(Tokenize: "none"));

        Assert.All(kept, r => Assert.Contains("|sr-script:keep", r.Signature, StringComparison.Ordinal));
        Assert.All(kept.Where(r => r.Metric != MetricNames.Bleu), r => Assert.Contains("|tok:none", r.Signature, StringComparison.Ordinal));
        Assert.Equal(0, kept.Single(r => r.Metric == MetricNames.RougeL).Score, 6); // Latin answers to Cyrillic references, kept apart
        Assert.Equal(100, folded.Single(r => r.Metric == MetricNames.RougeL).Score, 6);
    }

    [Fact]
    public async Task Eval_references_that_are_missing_or_empty_and_unusable_predictions_are_a_problem_not_a_report()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("empty.tsv"), "\n");
        File.WriteAllText(dir.File("pred.jsonl"), "");
        var predictions = new FileInfo(dir.File("pred.jsonl"));

        var missing = await EvalRun.RunAsync(dir.File("none.tsv"), predictions, null, new ScoreOptions(), 0, 0, CancellationToken.None);
        var empty = await EvalRun.RunAsync(dir.File("empty.tsv"), predictions, null, new ScoreOptions(), 0, 0, CancellationToken.None);
        var folder = await EvalRun.RunAsync(dir.File("empty.tsv"), predictions, new FileInfo(dir.Path), new ScoreOptions(), 0, 0, CancellationToken.None);

        Assert.Equal((null, $"--references {dir.File("none.tsv")}: no such file or folder"), missing);
        Assert.Equal((null, $"--references {dir.File("empty.tsv")}: no references"), empty);
        Assert.Null(folder.Run);
        Assert.StartsWith($"{dir.Path}: ", folder.Problem);
    }
}
