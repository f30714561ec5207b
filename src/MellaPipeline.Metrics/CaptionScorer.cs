namespace MellaPipeline.Metrics;

/// <summary>The metrics the evaluation stage reports, by their command-line names.</summary>
public static class MetricNames
{
    public const string Bleu = "bleu";
    public const string RougeL = "rougeL";
    public const string Meteor = "meteor";
    public const string Keyword = "keyword";

    /// <summary>Keyword Accuracy's second figure: the share of samples with at least one keyword found.</summary>
    public const string KeywordAny = "keyword_any";

    public static readonly IReadOnlyList<string> All = [Bleu, RougeL, Meteor, Keyword];
}

/// <summary>One hypothesis scored against its references, every metric (ROUGE-L, METEOR, keywords in [0, 1]; BLEU as statistics).</summary>
public sealed record SampleScores(BleuStatistics Bleu, double RougeL, double Meteor, KeywordResult Keywords);

/// <summary>
/// Scores captions of one language. BLEU is corpus-level (statistics summed, then one score);
/// ROUGE-L (best F over the references, as rouge-score's <c>score_multi</c>), METEOR (best over
/// the references, as NLTK) and Keyword Accuracy are means of per-sample values. Every figure is
/// reported 0–100.
/// </summary>
public sealed class CaptionScorer
{
    private readonly string _lang;
    private readonly Bleu _bleu;
    private readonly Meteor _meteor;
    private readonly IStemmer? _stemmer;
    private readonly WordNumbers _numbers = new();
    private readonly ScoreOptions _options;

    /// <summary>The tokenizer named by <c>--tokenize</c> for ROUGE-L, METEOR and keywords too; null = <see cref="WordTokenizer"/>.</summary>
    private readonly BleuTokenizer? _wordTokenizer;

    public CaptionScorer(string lang, ScoreOptions options)
    {
        _lang = lang;
        _options = options;
        _wordTokenizer = options.Tokenize is null ? null : BleuTokenizer.ByName(options.Tokenize)
            ?? throw new ArgumentException($"unknown tokenizer '{options.Tokenize}' (one of {string.Join(", ", BleuTokenizer.Names)})");
        _bleu = new Bleu(_wordTokenizer ?? BleuTokenizer.DefaultFor(lang), options.Smoothing, options.SmoothValue, options.Lowercase);
        _stemmer = options.StemMatching ? LanguageStemmers.For(lang) : null;
        _meteor = new Meteor(_stemmer, lowercase: _wordTokenizer is null);
    }

    /// <summary>The name of the word metrics' tokenizer in signatures.</summary>
    private string WordTokenizerName => _wordTokenizer?.Name ?? WordTokenizer.Name;

    public string Signature(string metric, int references) => metric switch
    {
        MetricNames.Bleu => _bleu.Signature(references),
        MetricNames.RougeL => $"rougeL|f-measure|tok:{WordTokenizerName}{(_stemmer is null ? "" : "+stem:" + _stemmer.Name)}|nrefs:{references}",
        MetricNames.Meteor => _meteor.Signature + $"|tok:{WordTokenizerName}|nrefs:{references}",
        _ => KeywordAccuracy.Signature + $"|lang:{_lang}" + (_wordTokenizer is null ? "" : $"|tok:{_wordTokenizer.Name}"),
    } + _options.SignatureSuffix(_lang, metric == MetricNames.Bleu);

    /// <summary>
    /// The words of a text for ROUGE-L, METEOR and keywords: <see cref="WordTokenizer"/>'s, or the
    /// tokens of the named tokenizer as <c>str.split()</c> cuts them (lower-cased first with
    /// <c>--lowercase</c>); stemmed as rouge-score stems (words longer than three characters).
    /// </summary>
    private List<string> Words(string text, IStemmer? stemmer = null)
    {
        if (_wordTokenizer is null)
        {
            return WordTokenizer.Tokenize(text, stemmer);
        }

        var words = PythonText.Split(_wordTokenizer.Tokenize(_options.Lowercase ? PythonText.Lower(text) : text));
        for (int i = 0; stemmer is not null && i < words.Count; i++)
        {
            words[i] = words[i].Length > 3 ? stemmer.Stem(words[i]) : words[i];
        }

        return words;
    }

    private readonly List<int> _ids = [];

    /// <summary>The numbers of <see cref="Words"/> (unstemmed), without a string per word.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private int[] Ids(string text) => _wordTokenizer is null ? WordTokenizer.Ids(text, _numbers)
        : _numbers.OfWords(_wordTokenizer.Tokenize(_options.Lowercase ? PythonText.Lower(text) : text), _ids);

    /// <param name="keywords">The reference's keywords; null = extracted from the first reference.</param>
    /// <param name="only">Compute just this metric (the others are left empty); null = all.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public SampleScores Score(string hypothesis, IReadOnlyList<string> references, IReadOnlyList<string>? keywords = null, string? only = null)
    {
        if (_lang == "sr" && _options.FoldSerbianScript && SerbianScript.Differ(hypothesis, references))
        {
            hypothesis = SerbianScript.ToLatin(hypothesis);
            references = references.Select(SerbianScript.ToLatin).ToArray();
        }

        bool Wanted(string metric) => only is null || only == metric || (metric == MetricNames.Keyword && only == MetricNames.KeywordAny);
        bool rougeWanted = Wanted(MetricNames.RougeL), meteorWanted = Wanted(MetricNames.Meteor);
        var (rouge, meteor) = !rougeWanted && !meteorWanted || references.Count == 0 ? (0, 0)
            : _stemmer is null ? WordMetricsByNumbers(hypothesis, references, rougeWanted, meteorWanted)
            : WordMetricsWithStems(hypothesis, references, rougeWanted, meteorWanted);

        var keywordWords = _wordTokenizer is null ? null : (Func<string, List<string>>)(text => Words(text));
        var words = Wanted(MetricNames.Keyword) ? keywords ?? (references.Count > 0 ? KeywordAccuracy.Extract(_lang, references[0], keywordWords, _options.FoldSerbianScript) : []) : [];
        return new SampleScores(
            Wanted(MetricNames.Bleu) ? _bleu.Statistics(hypothesis, references.ToArray()) : new BleuStatistics(4),
            rouge,
            meteor,
            Wanted(MetricNames.Keyword) ? KeywordAccuracy.Score(_lang, words, hypothesis, keywordWords, _options.FoldSerbianScript) : default);
    }

    /// <summary>ROUGE-L and METEOR (exact matching) on words as numbers: no string per word, the same words and scores.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private (double Rouge, double Meteor) WordMetricsByNumbers(string hypothesis, IReadOnlyList<string> references, bool rouge, bool meteor)
    {
        var hypothesisIds = Ids(hypothesis);
        var referenceIds = references.Select(Ids).ToArray();
        _numbers.Clear();
        return (
            rouge ? referenceIds.Max(r => Rouge.L(r, hypothesisIds).FMeasure) : 0,
            meteor ? referenceIds.Max(r => _meteor.SingleIds(r, hypothesisIds)) : 0);
    }

    /// <summary>ROUGE-L on stemmed words (as rouge-score stems) and METEOR with its stem stage.</summary>
    private (double Rouge, double Meteor) WordMetricsWithStems(string hypothesis, IReadOnlyList<string> references, bool rouge, bool meteor)
    {
        double rougeL = 0;
        if (rouge)
        {
            var stemmedHypothesis = Words(hypothesis, _stemmer);
            rougeL = references.Max(r => Rouge.L(Words(r, _stemmer), stemmedHypothesis).FMeasure);
        }

        return (rougeL, meteor ? _meteor.Score(references.Select(r => (IReadOnlyList<string>)Words(r)).ToArray(), Words(hypothesis)) : 0);
    }

    /// <summary>
    /// Scores <paramref name="count"/> samples on all cores, one scorer per thread (scorers keep
    /// buffers and stemmer state); the result is in sample order and the same as scoring one by one.
    /// </summary>
    public static SampleScores[] ScoreAll(string lang, ScoreOptions options, int count,
        Func<int, (string Hypothesis, IReadOnlyList<string> References, IReadOnlyList<string>? Keywords)> sample, string? only = null, int threads = -1)
    {
        var scores = new SampleScores[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new CaptionScorer(lang, options), [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] (i, _, scorer) =>
        {
            var (hypothesis, references, keywords) = sample(i);
            scores[i] = scorer.Score(hypothesis, references, keywords, only);
            return scorer;
        }, _ => { });
        return scores;
    }

    /// <summary>A metric over a set of samples, 0–100.</summary>
    public double Aggregate(string metric, IReadOnlyList<SampleScores> samples, IReadOnlyList<int>? pick = null)
    {
        int count = pick?.Count ?? samples.Count;
        if (count == 0)
        {
            return 0;
        }

        SampleScores At(int i) => samples[pick is null ? i : pick[i]];
        if (metric == MetricNames.Bleu)
        {
            var total = new BleuStatistics(4);
            for (int i = 0; i < count; i++)
            {
                total.Add(At(i).Bleu);
            }

            return _bleu.Score(total);
        }

        double sum = 0;
        int counted = 0;
        for (int i = 0; i < count; i++)
        {
            var s = At(i);
            bool keywordMetric = metric is MetricNames.Keyword or MetricNames.KeywordAny;
            if (keywordMetric && s.Keywords.Keywords == 0)
            {
                continue; // a reference without content words says nothing of cultural knowledge
            }

            counted++;
            sum += metric switch
            {
                MetricNames.RougeL => s.RougeL,
                MetricNames.Meteor => s.Meteor,
                MetricNames.Keyword => s.Keywords.Share,
                _ => s.Keywords.AnyHit ? 1 : 0,
            };
        }

        return counted == 0 ? 0 : 100 * sum / counted;
    }

    /// <summary>A percentile bootstrap 95 % interval: <paramref name="resamples"/> draws of the samples with replacement, seeded.</summary>
    public (double Low, double High) Interval(string metric, IReadOnlyList<SampleScores> samples, int resamples, int seed)
    {
        if (samples.Count == 0 || resamples <= 0)
        {
            return (0, 0);
        }

        var random = new Random(seed);
        var values = new double[resamples];
        var pick = new int[samples.Count];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < pick.Length; i++)
            {
                pick[i] = random.Next(samples.Count);
            }

            values[b] = Aggregate(metric, samples, pick);
        }

        Array.Sort(values);
        return (values[(int)Math.Floor(0.025 * (resamples - 1))], values[(int)Math.Ceiling(0.975 * (resamples - 1))]);
    }
}
