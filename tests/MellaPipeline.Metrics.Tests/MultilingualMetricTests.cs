namespace MellaPipeline.Metrics.Tests;

/// <summary>The metrics on the target languages, where the common Python defaults fail.</summary>
public class MultilingualMetricTests
{
    public static readonly TheoryData<string, string> Captions = new()
    {
        { "th", "ต้มยำกุ้งน้ำข้นในชามดินเผา วางบนโต๊ะไม้ริมแม่น้ำเจ้าพระยา" },
        { "ko", "부산 해운대 해수욕장의 여름 풍경, 파라솔이 가득한 모래사장" },
        { "ar", "مسجد الحسن الثاني في الدار البيضاء عند غروب الشمس" },
        { "ru", "Храм Василия Блаженного на Красной площади зимним утром" },
        { "sr", "Манастир Студеница у долини реке Ибар" },
        { "vi", "Phở bò Hà Nội với hành lá và rau thơm" },
    };

    [Theory]
    [MemberData(nameof(Captions))]
    public void An_identical_caption_scores_100_in_every_metric_and_meteors_own_ceiling(string lang, string caption)
    {
        var scorer = new CaptionScorer(lang, new ScoreOptions());
        var sample = scorer.Score(caption, [caption]);

        Assert.Equal(100, scorer.Aggregate(MetricNames.Bleu, [sample]), 6);
        Assert.Equal(100, scorer.Aggregate(MetricNames.RougeL, [sample]), 6);
        Assert.Equal(100, scorer.Aggregate(MetricNames.Keyword, [sample]), 6);
        int words = WordTokenizer.Tokenize(caption).Count;
        Assert.True(words >= 4, $"{words} words");
        // METEOR's fragmentation penalty never vanishes: one chunk of m words costs 0.5 / m^3 (NLTK gives 0.9977 for "The cat sat on the mat").
        Assert.Equal(100 * (1 - 0.5 / Math.Pow(words, 3)), scorer.Aggregate(MetricNames.Meteor, [sample]), 6);
    }

    [Fact]
    public void Thai_is_split_into_words_where_the_default_tokenizers_see_one_token_or_none()
    {
        string thai = "ต้มยำกุ้งน้ำข้นในชามดินเผา";

        var words = WordTokenizer.Tokenize(thai);
        string bleuTokens = BleuTokenizer.DefaultFor("th").Tokenize(thai);

        Assert.Equal(["ต้มยำ", "กุ้ง", "น้ำ", "ข้น", "ใน", "ชาม", "ดิน", "เผา"], words);
        Assert.Equal(string.Join(' ', words), bleuTokens);
        Assert.Single(BleuTokenizer.ByName("13a")!.Tokenize(thai).Split(' ')); // sacreBLEU's default: the whole phrase is one word
        Assert.DoesNotContain(System.Text.RegularExpressions.Regex.Split(thai.ToLowerInvariant(), "[^a-z0-9]+"), t => t.Length > 0); // rouge-score's: nothing
    }

    [Fact]
    public void A_partly_right_thai_caption_gets_partial_credit_not_zero()
    {
        var scorer = new CaptionScorer("th", new ScoreOptions());
        var sample = scorer.Score("ต้มยำกุ้งในชามดินเผา", ["ต้มยำกุ้งน้ำข้นในชามดินเผา"]);

        Assert.InRange(sample.RougeL, 0.5, 0.95);
        Assert.InRange(scorer.Aggregate(MetricNames.Bleu, [sample]), 10, 95);
        Assert.Equal(0, new CaptionScorer("th", new ScoreOptions(Tokenize: "13a")).Aggregate(MetricNames.Bleu, [new CaptionScorer("th", new ScoreOptions(Tokenize: "13a")).Score("ต้มยำกุ้งในชามดินเผา", ["ต้มยำกุ้งน้ำข้นในชามดินเผา"])]));
    }

    [Theory]
    [InlineData("sr", "Манастир Студеница у долини реке Ибар", "Manastir Studenica u dolini Ibra", 5, 3)] // either script; "reke" is missing and "Ibra" (genitive) does not start with "ibar"
    [InlineData("ko", "부산 해운대 해수욕장의 여름 풍경", "해운대 해수욕장에서 본 여름", 5, 3)] // particles after the keyword still match
    [InlineData("ar", "مسجد الحسن الثاني في الدار البيضاء", "صورة لمسجد كبير في مدينة الدار البيضاء", 5, 3)] // the proclitic ل and the article are set aside
    [InlineData("vi", "Phở bò Hà Nội với hành lá", "Một bát phở bò nóng", 6, 2)] // whole syllables: "hà" does not match inside "hành"
    [InlineData("th", "ต้มยำกุ้งน้ำข้นในชามดินเผา", "ต้มยำกุ้งในชาม", 7, 3)]
    public void Keyword_accuracy_follows_each_languages_writing(string lang, string reference, string prediction, int keywords, int found)
    {
        var extracted = KeywordAccuracy.Extract(lang, reference);
        var result = KeywordAccuracy.Score(lang, extracted, prediction);

        Assert.Equal((keywords, found), (result.Keywords, result.Found));
    }

    [Fact]
    public void Porter_stems_as_nltk_does_including_its_extensions()
    {
        string[] words = ["creates", "updates", "caresses", "ponies", "ties", "dying", "skies", "generously", "relational", "hopping", "agreed", "happy", "enjoy", "logically", "fulli"];
        string[] nltk = ["creat", "updat", "caress", "poni", "tie", "die", "sky", "gener", "relat", "hop", "agre", "happi", "enjoy", "logic", "fulli"]; // from NLTK 3.8 itself

        Assert.Equal(nltk, words.Select(PorterStemmer.Instance.Stem));
    }

    [Fact]
    public void Serbian_in_the_other_script_is_the_same_caption()
    {
        var scorer = new CaptionScorer("sr", new ScoreOptions());
        var sample = scorer.Score("Manastir Studenica u dolini reke Ibar, Ljubostinja i Džep", ["Манастир Студеница у долини реке Ибар, Љубостиња и Џеп"]);

        Assert.Equal(100, scorer.Aggregate(MetricNames.Bleu, [sample]), 6);
        Assert.Equal(1.0, sample.RougeL, 6);
        Assert.Equal("Ljubostinja i Džep, ćevapi", SerbianScript.ToLatin("Љубостиња и Џеп, ћевапи"));
        Assert.EndsWith("|sr-script:fold", scorer.Signature(MetricNames.Bleu, 1), StringComparison.Ordinal);
    }

    [Fact]
    public void Serbian_is_folded_only_when_the_scripts_differ_and_kept_when_asked()
    {
        const string cyrillic = "Љубостиња и Џеп";
        var fold = new CaptionScorer("sr", new ScoreOptions(Tokenize: "char"));
        var keep = new CaptionScorer("sr", new ScoreOptions(Tokenize: "char", FoldSerbianScript: false));

        // Cyrillic against Cyrillic is scored as written: char-BLEU counts Љ as one character, as sacreBLEU does, not as "Lj".
        Assert.Equal(13, fold.Score(cyrillic, [cyrillic], only: MetricNames.Bleu).Bleu.HypothesisLength);
        Assert.Equal(100, fold.Aggregate(MetricNames.Bleu, [fold.Score("Ljubostinja i Džep", [cyrillic])]), 6);
        Assert.Equal(0, keep.Aggregate(MetricNames.Bleu, [keep.Score("Ljubostinja i Džep", [cyrillic])]), 6);
        Assert.Equal(0, keep.Score("Ljubostinja i Džep", [cyrillic]).Keywords.Found);
        Assert.EndsWith("|sr-script:keep", keep.Signature(MetricNames.Meteor, 1), StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_tokenizer_serves_every_word_metric_and_is_named_in_their_signatures()
    {
        // Python's str.split(): "kočka," is one word, so it does not match "kočka"; the language-aware words drop the comma.
        var none = new CaptionScorer("cs", new ScoreOptions(Tokenize: "none", Lowercase: true, StemMatching: false));
        var words = new CaptionScorer("cs", new ScoreOptions(StemMatching: false));
        var split = none.Score("kočka pes", ["Kočka, pes"]);
        var unicode = words.Score("kočka pes", ["Kočka, pes"]);

        Assert.Equal(0.5, split.RougeL, 6);
        Assert.Equal(1.0, unicode.RougeL, 6);
        Assert.True(split.Meteor < unicode.Meteor);
        Assert.Equal(1, split.Keywords.Found); // "pes" only: the keyword "kočka," is not in the prediction
        Assert.Equal(2, unicode.Keywords.Found);
        Assert.Contains("|tok:none|", none.Signature(MetricNames.RougeL, 1), StringComparison.Ordinal);
        Assert.Contains("|tok:none|", none.Signature(MetricNames.Meteor, 1), StringComparison.Ordinal);
        Assert.EndsWith("|tok:none|case:lc", none.Signature(MetricNames.Keyword, 1), StringComparison.Ordinal);
        Assert.Contains("|tok:unicode-words|", words.Signature(MetricNames.Meteor, 1), StringComparison.Ordinal);
    }

    [Fact]
    public void Lower_case_is_python_s_str_lower()
    {
        Assert.Equal("i\u0307stanbul", PythonText.Lower("İstanbul"));
        Assert.Equal("\u03bf\u03b4\u03bf\u03c2 \u03c3", PythonText.Lower("ΟΔΟΣ Σ")); // final sigma at a word's end only
        Assert.Equal(["a", "b", "c\u200bd"], PythonText.Split("a\u001cb\u3000c\u200bd\u0085"));
    }

    [Theory]
    [InlineData("ru", "Зимний лес после снегопада", "зимнего леса после снегопадов", "snowball-ru")]
    [InlineData("hu", "Gulyásleves bográcsban a Balaton partján", "gulyáslevest bográcsból a balatoni parton", "snowball-hu")]
    [InlineData("cs", "Pražský orloj na Staroměstském náměstí", "pražského orloje na staroměstském náměstí", "lucene-cs-light")]
    public void Stem_matching_credits_other_inflections_where_a_maintained_stemmer_exists(string lang, string reference, string hypothesis, string stemmer)
    {
        var stemmed = new CaptionScorer(lang, new ScoreOptions(StemMatching: true));
        var exact = new CaptionScorer(lang, new ScoreOptions(StemMatching: false));

        double withStems = stemmed.Score(hypothesis, [reference]).Meteor, exactOnly = exact.Score(hypothesis, [reference]).Meteor;

        Assert.True(withStems > exactOnly + 0.2, $"stem {withStems}, exact {exactOnly}");
        Assert.Contains("stem:" + stemmer, stemmed.Signature(MetricNames.Meteor, 1), StringComparison.Ordinal);
        Assert.DoesNotContain("stem:", exact.Signature(MetricNames.Meteor, 1), StringComparison.Ordinal);
    }

    [Fact]
    public void Korean_particles_and_endings_become_tokens_of_their_own_for_bleu()
    {
        var korean = BleuTokenizer.DefaultFor("ko");

        Assert.Equal("ko", korean.Name);
        Assert.Equal("부산 해운대 해수욕장 의 여름 풍경 .", korean.Tokenize("부산 해운대 해수욕장의 여름 풍경."));
        Assert.Equal("생쥐 가 있 다", korean.Tokenize("생쥐가 있다"));
        // A particle on one side and another on the other no longer sink the whole word: 해수욕장 and 풍경 match as well as 여름.
        var split = new CaptionScorer("ko", new ScoreOptions()).Score("해수욕장에서 여름 풍경을 보았다", ["해수욕장의 여름 풍경"]).Bleu;
        var whole = new CaptionScorer("ko", new ScoreOptions(Tokenize: "intl")).Score("해수욕장에서 여름 풍경을 보았다", ["해수욕장의 여름 풍경"]).Bleu;
        Assert.Equal((3.0, 1.0), (split.Correct[0], whole.Correct[0]));
    }
}
