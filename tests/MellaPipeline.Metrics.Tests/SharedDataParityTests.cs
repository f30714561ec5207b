using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Metrics.Tests;

/// <summary>Every test vector of sacreBLEU, rouge-score and NLTK in <c>../shared/data/metrics</c>, reproduced.</summary>
[Trait("Category", "SharedData")]
public class SharedDataParityTests
{
    private static string Metrics => Path.Combine(RepoPaths.SharedData, "metrics");

    private static JsonElement Cases(string file) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Metrics, file))).RootElement.GetProperty("cases");

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static double? OptionalDouble(JsonElement options, string name) =>
        options.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static Bleu BleuFor(JsonElement options, string defaultTokenizer = "13a", string defaultSmooth = "exp", bool defaultEffective = false)
    {
        string tokenize = options.TryGetProperty("tokenize", out var t) ? t.GetString()! : defaultTokenizer;
        string smooth = options.TryGetProperty("smooth_method", out var s) ? s.GetString()! : defaultSmooth;
        bool lowercase = options.TryGetProperty("lowercase", out var l) && l.GetBoolean();
        bool effective = options.TryGetProperty("use_effective_order", out var e) ? e.GetBoolean() : defaultEffective;
        int maxOrder = options.TryGetProperty("max_ngram_order", out var m) ? m.GetInt32() : 4;
        return new Bleu(BleuTokenizer.ByName(tokenize)!, Bleu.ParseSmoothing(smooth)!.Value, OptionalDouble(options, "smooth_value"), lowercase, effective, maxOrder);
    }

    [Fact]
    public void Every_sacrebleu_bleu_case_is_reproduced_within_0_01()
    {
        var failures = new List<string>();
        int checkedCases = 0;
        foreach (var c in Cases("sacrebleu_bleu.json").EnumerateArray())
        {
            string kind = c.GetProperty("kind").GetString()!;
            var options = c.TryGetProperty("options", out var o) ? o : JsonDocument.Parse("{}").RootElement;
            double expected;
            double actual;
            switch (kind)
            {
                case "corpus_bleu":
                {
                    var bleu = BleuFor(options);
                    var streams = c.GetProperty("references_streams").EnumerateArray().Select(s => (IReadOnlyList<string?>)Strings(s)).ToArray();
                    actual = bleu.Corpus(Strings(c.GetProperty("hypotheses")), streams);
                    if (c.TryGetProperty("expected_score_formatted_2dp", out var formatted))
                    {
                        // sacreBLEU's test compares the score printed with 2 decimals.
                        actual = Math.Round(actual, 2, MidpointRounding.ToEven);
                        expected = double.Parse(formatted.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        expected = c.GetProperty("expected_score").GetDouble();
                    }

                    break;
                }

                case "raw_corpus_bleu":
                {
                    var bleu = BleuFor(options, "none", "floor", true);
                    var streams = c.GetProperty("references").EnumerateArray().Select(s => (IReadOnlyList<string?>)Strings(s)).ToArray();
                    actual = bleu.Corpus(Strings(c.GetProperty("hypotheses")), streams) / 100;
                    expected = c.GetProperty("expected_score_0to1").GetDouble();
                    break;
                }

                case "sentence_bleu":
                {
                    var bleu = BleuFor(options, defaultEffective: true);
                    actual = bleu.Corpus([c.GetProperty("hypothesis").GetString()!], Strings(c.GetProperty("references")).Select(r => (IReadOnlyList<string?>)[r]).ToArray());
                    expected = c.GetProperty("expected_score").GetDouble();
                    break;
                }

                case "compute_bleu_from_stats":
                {
                    var correct = c.GetProperty("correct").EnumerateArray().Select(x => x.GetDouble()).ToArray();
                    var total = c.GetProperty("total").EnumerateArray().Select(x => x.GetDouble()).ToArray();
                    actual = Bleu.Compute(correct, total, c.GetProperty("sys_len").GetDouble(), c.GetProperty("ref_len").GetDouble(),
                        Bleu.ParseSmoothing(options.GetProperty("smooth_method").GetString()!)!.Value, OptionalDouble(options, "smooth_value"), false, correct.Length) / 100;
                    expected = c.GetProperty("expected_score_0to1").GetDouble();
                    break;
                }

                case "raw_corpus_bleu_statistics":
                {
                    var bleu = new Bleu(BleuTokenizer.ByName("none")!);
                    var stats = bleu.Statistics(c.GetProperty("hypotheses")[0].GetString()!, [c.GetProperty("references")[0][0].GetString()]);
                    var expectedCounts = c.GetProperty("expected_counts").EnumerateArray().Select(x => x.GetDouble());
                    var expectedTotals = c.GetProperty("expected_totals").EnumerateArray().Select(x => x.GetDouble());
                    if (!stats.Correct.SequenceEqual(expectedCounts) || !stats.Total.SequenceEqual(expectedTotals))
                    {
                        failures.Add($"{kind}: {string.Join(",", stats.Correct)} / {string.Join(",", stats.Total)}");
                    }

                    checkedCases++;
                    continue;
                }

                default:
                    failures.Add($"unknown kind {kind}");
                    continue;
            }

            checkedCases++;
            double tolerance = kind is "corpus_bleu" or "sentence_bleu" ? 0.01 : Math.Max(c.TryGetProperty("tolerance", out var tol) ? tol.GetDouble() : 0, 1e-4);
            if (Math.Abs(actual - expected) > tolerance)
            {
                failures.Add($"{kind} {options.GetRawText()}: expected {expected}, got {actual}");
            }
        }

        Assert.Equal(46, checkedCases);
        Assert.Empty(failures);
    }

    [Fact]
    public void Every_rouge_score_case_is_reproduced_with_the_same_tokens()
    {
        var failures = new List<string>();
        int checkedCases = 0;
        foreach (var c in Cases("rouge_score.json").EnumerateArray())
        {
            IStemmer? stemmer = c.GetProperty("use_stemmer").GetBoolean() ? PorterStemmer.Instance : null;
            var (target, prediction) = TexTs(c);
            int places = c.TryGetProperty("assert_places", out var p) ? p.GetInt32() : 7;
            foreach (var expected in c.GetProperty("expected").EnumerateObject())
            {
                PrfScore score = expected.Name switch
                {
                    "rouge1" => Rouge.N(WordTokenizer.Tokenize(target, stemmer), WordTokenizer.Tokenize(prediction, stemmer), 1),
                    "rouge2" => Rouge.N(WordTokenizer.Tokenize(target, stemmer), WordTokenizer.Tokenize(prediction, stemmer), 2),
                    "rougeL" => Rouge.L(WordTokenizer.Tokenize(target, stemmer), WordTokenizer.Tokenize(prediction, stemmer)),
                    "rougeLsum" => Rouge.LSum(WordTokenizer.Sentences(target, stemmer), WordTokenizer.Sentences(prediction, stemmer)),
                    _ => throw new InvalidDataException(expected.Name),
                };
                foreach (var (name, value) in new[] { ("precision", score.Precision), ("recall", score.Recall), ("fmeasure", score.FMeasure) })
                {
                    if (expected.Value.TryGetProperty(name, out var e) && Math.Abs(Math.Round(value - e.GetDouble(), places)) > 0)
                    {
                        failures.Add($"{c.GetProperty("name").GetString()} {expected.Name}.{name}: expected {e.GetDouble()}, got {value}");
                    }
                }
            }

            checkedCases++;
        }

        Assert.Equal(24, checkedCases);
        Assert.Empty(failures);
    }

    /// <summary>A case's target and prediction: inline, or a line (or the whole) of the upstream test files.</summary>
    private static (string Target, string Prediction) TexTs(JsonElement c)
    {
        if (!c.TryGetProperty("target_file", out var targetFile))
        {
            return (c.GetProperty("target").GetString()!, c.GetProperty("prediction").GetString()!);
        }

        string target = File.ReadAllText(Path.Combine(Metrics, targetFile.GetString()!));
        string prediction = File.ReadAllText(Path.Combine(Metrics, c.GetProperty("prediction_file").GetString()!));
        if (c.TryGetProperty("line_index", out var line))
        {
            return (target.Split('\n')[line.GetInt32()], prediction.Split('\n')[line.GetInt32()]);
        }

        return (target, prediction);
    }

    [Fact]
    public void The_rouge_lcs_internals_match()
    {
        var cases = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Metrics, "rouge_score.json"))).RootElement.GetProperty("internal_function_cases")
            .EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        static string[] Words(JsonElement array) => array.EnumerateArray().Select(x => x.GetRawText()).ToArray();

        foreach (string name in new[] { "testLcsTable", "testLcsTable:no-common" })
        {
            var c = cases[name];
            string[] reference = Words(c.GetProperty("ref")), candidate = Words(c.GetProperty("can"));
            Assert.Equal(c.GetProperty("expected_lcs_length").GetInt32(), Rouge.LcsTable(reference, candidate)[reference.Length, candidate.Length]);
            Assert.Equal(c.GetProperty("expected_lcs_ref_indices").EnumerateArray().Select(x => x.GetInt32()), Rouge.LcsIndices(reference, candidate));
        }

        var union = cases["testUnionLcs"];
        string[] unionRef = Words(union.GetProperty("ref"));
        var indices = new SortedSet<int>(union.GetProperty("candidates").EnumerateArray().SelectMany(candidate => Rouge.LcsIndices(unionRef, Words(candidate))));
        Assert.Equal(Words(union.GetProperty("expected_union_lcs_values")), indices.Select(i => unionRef[i]));

        var summary = cases["testSummaryLevelLcs"];
        var score = Rouge.LSum(
            summary.GetProperty("refs").EnumerateArray().Select(r => (IReadOnlyList<string>)Words(r)).ToList(),
            summary.GetProperty("cans").EnumerateArray().Select(r => (IReadOnlyList<string>)Words(r)).ToList());
        Assert.Equal((0.8, 0.4, 0.5333), (Math.Round(score.Recall, 3), Math.Round(score.Precision, 3), Math.Round(score.FMeasure, 4)));
        Assert.Equal(0.0, Rouge.LSum([["reference"]], [[]]).Recall);
    }

    [Fact]
    public void Every_nltk_meteor_case_is_reproduced()
    {
        var meteor = new Meteor(PorterStemmer.Instance);
        int checkedCases = 0;
        foreach (var c in Cases("nltk_meteor.json").EnumerateArray())
        {
            string[] hypothesis = c.TryGetProperty("hypothesis", out var h) ? Strings(h) : c.GetProperty("hypothesis_text").GetString()!.Split(' ');
            IReadOnlyList<string>[] references = c.TryGetProperty("references", out var rs) ? rs.EnumerateArray().Select(r => (IReadOnlyList<string>)Strings(r)).ToArray()
                : c.TryGetProperty("reference", out var r1) ? [Strings(r1)]
                : c.GetProperty("references_text").EnumerateArray().Select(r => (IReadOnlyList<string>)r.GetString()!.Split(' ')).ToArray();
            double score = meteor.Score(references, hypothesis);
            string name = c.GetProperty("name").GetString()!;
            if (c.TryGetProperty("expected_rounded_4dp", out var rounded))
            {
                Assert.True(Math.Round(score, 4) == rounded.GetDouble(), $"{name}: {score}");
            }
            else if (c.TryGetProperty("expected_exact", out var exact))
            {
                Assert.True(Math.Abs(score - exact.GetDouble()) < 1e-12, $"{name}: {score}");
            }
            else
            {
                Assert.True(Math.Abs(score - c.GetProperty("expected_approx").GetDouble()) <= c.GetProperty("tolerance").GetDouble(), $"{name}: {score}");
            }

            checkedCases++;
        }

        Assert.Equal(10, checkedCases);
    }
}
