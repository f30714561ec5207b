using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Metrics.Tests;

/// <summary>
/// <c>--tokenize none --lowercase --matching exact</c> against the reference implementations themselves, on real
/// sentences of every target language with realistic edits (ParityVectors/make_vectors.py wrote the values with NLTK 3.8,
/// rouge-score and sacreBLEU 2.6): METEOR and ROUGE-L per sentence to 1e-4, corpus BLEU per tokenizer to 0.01.
/// </summary>
public class WhitespaceModeParityTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllBytes(
        Path.Combine(RepoPaths.Root, "tests", "MellaPipeline.Metrics.Tests", "ParityVectors", "whitespace_mode.json"))).RootElement;

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Theory]
    [InlineData("ar")]
    [InlineData("cs")]
    [InlineData("hu")]
    [InlineData("ko")]
    [InlineData("ru")]
    [InlineData("sr")]
    [InlineData("th")]
    [InlineData("vi")]
    public void Meteor_and_rouge_l_equal_nltk_and_rouge_score_per_sentence(string lang)
    {
        var scorer = new CaptionScorer(lang, new ScoreOptions(Tokenize: "none", Lowercase: true, StemMatching: false));
        var failures = new List<string>();
        int checkedCases = 0;
        foreach (var c in Vectors.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("lang").GetString() == lang))
        {
            string hypothesis = c.GetProperty("hypothesis").GetString()!;
            var scores = scorer.Score(hypothesis, Strings(c.GetProperty("references")));
            double meteor = c.GetProperty("meteor").GetDouble(), rouge = c.GetProperty("rougeL").GetDouble();
            if (Math.Abs(scores.Meteor - meteor) > 1e-4 || Math.Abs(scores.RougeL - rouge) > 1e-4)
            {
                failures.Add($"{JsonSerializer.Serialize(hypothesis)}: METEOR {scores.Meteor} (NLTK {meteor}), ROUGE-L {scores.RougeL} (rouge-score {rouge})");
            }

            checkedCases++;
        }

        Assert.True(checkedCases >= 40, $"{checkedCases} cases");
        Assert.Empty(failures);
    }

    [Fact]
    public void Corpus_bleu_equals_sacrebleu_with_every_tokenizer_in_every_language()
    {
        var failures = new List<string>();
        var languages = new HashSet<string>();
        foreach (var corpus in Vectors.GetProperty("corpora").EnumerateArray())
        {
            string lang = corpus.GetProperty("lang").GetString()!;
            var hypotheses = Strings(corpus.GetProperty("hypotheses"));
            var references = Strings(corpus.GetProperty("references"));
            foreach (var expected in corpus.GetProperty("bleu").EnumerateObject())
            {
                var options = new ScoreOptions(Tokenize: expected.Name.Replace("+lc", "", StringComparison.Ordinal), Lowercase: expected.Name.EndsWith("+lc", StringComparison.Ordinal));
                var scorer = new CaptionScorer(lang, options);
                var samples = CaptionScorer.ScoreAll(lang, options, hypotheses.Length, i => (hypotheses[i], [references[i]], null), MetricNames.Bleu);
                double actual = scorer.Aggregate(MetricNames.Bleu, samples);
                if (Math.Abs(actual - expected.Value.GetDouble()) > 0.01)
                {
                    failures.Add($"{lang} {expected.Name}: {actual:F4}, sacreBLEU {expected.Value.GetDouble():F4}");
                }
            }

            languages.Add(lang);
        }

        Assert.Equal(8, languages.Count);
        Assert.Empty(failures);
    }
}
