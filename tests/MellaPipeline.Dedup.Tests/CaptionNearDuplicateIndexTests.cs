using MellaPipeline.Config;
using MellaPipeline.Records;

namespace MellaPipeline.Dedup.Tests;

public class CaptionNearDuplicateIndexTests
{
    /// <summary>Twenty Czech words of a shop alt: 16 word 5-grams.</summary>
    private const string CzechTemplate =
        "Pánská kožená bunda černá velikost 52 z pravé hovězí kůže s kapucí a zipem na zimu pro každodenní nošení venku";

    private const string ThaiPhrase = "ต้มยำกุ้งน้ำข้นในชามดินเผา";

    private sealed record Caption(int Id, string Text, string Lang = "cs", string Source = PairSources.Native, long Pixels = 100);

    private static UInt128 Key(int id) => (UInt128)(0x1000 + id);

    /// <summary>Runs both passes over <paramref name="captions"/> (numbered in list order) and returns dropped id → (kept id, Jaccard).</summary>
    private static (Dictionary<int, (int Kept, double Jaccard)> Drops, CaptionClustering Figures) Cluster(IReadOnlyList<Caption> captions, double threshold = 0.8, int shingle = 5)
    {
        var options = new DedupCaptionsOptions { Enabled = true, Threshold = threshold, Shingle = shingle };
        var rows = captions.Select((c, i) => new CaptionRow(i * 3, c.Lang, c.Source, c.Text, c.Pixels, Key(c.Id))).ToList();
        var index = new CaptionNearDuplicateIndex(rows.Count, options);
        index.Add(rows);
        index.FindCandidates();
        index.AddCandidates(rows.Where(r => index.IsCandidate(r.Row)).ToList());
        var found = index.Resolve();
        var idOf = rows.ToDictionary(r => r.Row, r => (int)(r.Key - 0x1000));
        return (found.Drops.ToDictionary(d => idOf[d.Row], d => (idOf[d.KeptRow], d.Jaccard)), found);
    }

    [Fact]
    public void Words_are_the_metrics_words_after_normalisation_and_case_folding_and_a_short_caption_is_one_shingle()
    {
        Assert.Equal(CaptionShingles.Of("Foto: MODRÉ  tričko!", 5), CaptionShingles.Of("foto modré tričko", 5));
        Assert.Single(CaptionShingles.Of("foto modré tričko", 5));
        Assert.NotEqual(CaptionShingles.Of("foto modré tričko", 5), CaptionShingles.Of("foto modré triko", 5));
        Assert.Equal(4, CaptionShingles.Of(ThaiPhrase, 5).Length); // eight ICU words, not one run of letters
        Assert.Equal(CaptionShingles.Of("صورة مسجد", 5), CaptionShingles.Of("صـــورة مسجد", 5)); // tatweel is folded by the normaliser
        Assert.Empty(CaptionShingles.Of(" – ! ", 5));
    }

    [Fact]
    public void A_templated_shop_alt_with_its_last_word_changed_is_a_near_duplicate_but_a_short_alt_with_a_changed_number_is_not()
    {
        string[] words = CzechTemplate.Split(' ');
        string lastChanged = string.Join(' ', words[..^1]) + " na horách";
        var (drops, _) = Cluster(
        [
            new(1, CzechTemplate),
            new(2, lastChanged, Pixels: 400),
            new(3, "Tričko modré velikost 42"),
            new(4, "Tričko modré velikost 44"),
            new(5, "Tričko červené velikost 42 skladem"),
        ]);

        // 16 shingles against 17 (one replaced, one added at the end): 15 / 18 ≈ 0.83; row 2's larger image is kept.
        Assert.Equal([1], drops.Keys);
        Assert.Equal((2, 15.0 / 18), drops[1]);
    }

    [Fact]
    public void Stock_photo_boilerplate_repeated_with_other_punctuation_and_case_keeps_one_row_the_longest_caption_then_the_smallest_key()
    {
        var (drops, figures) = Cluster(
        [
            new(7, "Стоковое фото — Красивый закат над морем, бесплатное изображение"),
            new(3, "стоковое фото: красивый закат над морем. Бесплатное изображение!!"),
            new(5, "Стоковое фото – красивый закат над морем – бесплатное изображение"),
            new(9, "Стоковое фото красивый рассвет в горах бесплатное изображение"),
        ], shingle: 3);

        // Equal images; row 3's caption is longest in grapheme clusters (two "!").
        Assert.Equal(new Dictionary<int, (int, double)> { [7] = (3, 1.0), [5] = (3, 1.0) }, drops);
        Assert.Equal(1, figures.Clusters);
    }

    [Fact]
    public void Thai_without_spaces_korean_and_arabic_repeats_are_found_by_their_words()
    {
        var (drops, _) = Cluster(
        [
            new(1, ThaiPhrase + "ราคาถูก", "th"),
            new(2, ThaiPhrase + " ราคาถูก!", "th", Pixels: 50),
            new(3, "ต้มข่าไก่ในหม้อไฟร้อนๆ ราคาถูก", "th"),
            new(4, "서울 남산 타워 야경 사진 무료 다운로드", "ko"),
            new(5, "서울 남산 타워 야경 사진, 무료 다운로드", "ko", Pixels: 50),
            new(6, "صورة مسجد الحسن الثاني في الدار البيضاء بالمغرب", "ar"),
            new(7, "صـورة مسجد الحسن الثاني في الدار البيضاء، بالمغرب", "ar", Pixels: 50),
        ]);

        Assert.Equal(new Dictionary<int, (int, double)> { [2] = (1, 1.0), [5] = (4, 1.0), [7] = (6, 1.0) }, drops);
    }

    [Theory]
    [InlineData(3, true)] // 16 / 19 ≈ 0.84
    [InlineData(4, true)] // 16 / 20 = 0.8, the threshold itself
    [InlineData(5, false)] // 16 / 21 ≈ 0.76
    public void Captions_at_or_above_the_threshold_are_joined_and_those_below_are_not(int appendedWords, bool joined)
    {
        string longer = CzechTemplate + string.Concat(Enumerable.Range(1, appendedWords).Select(i => $" slovo{i}"));

        var (drops, figures) = Cluster([new(1, CzechTemplate, Pixels: 400), new(2, longer)]);

        Assert.Equal(joined ? [2] : [], drops.Keys);
        Assert.Equal(1, figures.CandidatePairs); // shingle sets this close always share a band: the verification decides
        if (joined)
        {
            Assert.Equal(16.0 / (16 + appendedWords), drops[2].Jaccard);
        }
    }

    [Fact]
    public void Captions_of_different_languages_or_sources_are_never_merged()
    {
        var (drops, figures) = Cluster(
        [
            new(1, "Manastir Studenica u dolini reke Ibar", "sr"),
            new(2, "Manastir Studenica u dolini reke Ibar", "hr"),
            new(3, "Manastir Studenica u dolini reke Ibar", "sr", PairSources.Mllm),
        ]);

        Assert.Empty(drops);
        Assert.Equal(3, figures.Groups);
        Assert.Equal(0, figures.CandidateRows);
    }

    [Fact]
    public void A_chain_of_near_duplicates_is_one_cluster_and_the_detail_jaccard_is_with_the_kept_row()
    {
        // Each step appends three words: neighbours are at 16/19, the ends at 16/22 (below 0.8), all one cluster.
        string middle = CzechTemplate + " a b c";
        string last = middle + " d e f";
        var (drops, figures) = Cluster([new(1, CzechTemplate, Pixels: 900), new(2, middle), new(3, last)]);

        Assert.Equal(new Dictionary<int, (int, double)> { [2] = (1, 16.0 / 19), [3] = (1, 16.0 / 22) }, drops);
        Assert.Equal((1L, 2L), (figures.Clusters, figures.VerifiedPairs));
    }

    [Fact]
    public void The_kept_row_depends_on_the_rows_not_on_the_order_they_are_offered_in()
    {
        var captions = Enumerable.Range(0, 40)
            .Select(i => new Caption(i, i % 4 == 0 ? $"Unrelated caption number {i} of many words here" : CzechTemplate + new string('!', i % 3) + (i % 5 == 0 ? " navíc" : ""), Pixels: i % 7))
            .ToList();
        var reversed = Enumerable.Reverse(captions).ToList();
        var shuffled = captions.OrderBy(c => (c.Id * 17) % 41).ToList();

        var (first, figures) = Cluster(captions);

        Assert.Equal(first, Cluster(reversed).Drops);
        Assert.Equal(first, Cluster(shuffled).Drops);
        Assert.Equal(29, first.Count); // 30 template rows, one kept
        Assert.Equal(1, figures.Clusters);
    }

    [Fact]
    public void Captions_without_a_word_are_counted_and_never_compared()
    {
        var (drops, figures) = Cluster([new(1, "—"), new(2, "—"), new(3, "")]);

        Assert.Empty(drops);
        Assert.Equal((0L, 3L), (figures.Rows, figures.RowsWithoutWords));
    }
}
