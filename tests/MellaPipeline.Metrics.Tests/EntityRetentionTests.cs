using MellaPipeline.TestSupport;

namespace MellaPipeline.Metrics.Tests;

/// <summary>
/// Known answers of the entity retention check in the eight languages: an alt text, a fused
/// caption that keeps every name of it (in the caption's own word forms), one that loses named
/// ones (exactly those), and copies of it.
/// </summary>
public class EntityRetentionTests
{
    /// <summary>Language, alt text, its names as the check lists them, a caption that keeps them all, a caption that loses some, the names that one loses.</summary>
    public static TheoryData<string, string, string[], string, string, string[]> Cases() => new()
    {
        // Thai has no spaces between words: ICU's word breaks give the names (the place name ดำเนินสะดวก is one word), which are found anywhere in the unspaced caption.
        {
            "th", "ตลาดน้ำดำเนินสะดวกที่ราชบุรี",
            ["ตลาด", "น้ำ", "ดำเนินสะดวก", "ราชบุรี"],
            "เรือขายผลไม้ลอยอยู่ในตลาดน้ำดำเนินสะดวก จังหวัดราชบุรี ยามเช้า",
            "เรือขายผลไม้ลอยอยู่ในตลาดน้ำยามเช้า",
            ["ดำเนินสะดวก", "ราชบุรี"]
        },

        // Korean writes particles onto the noun: 해수욕장의 in the alt text is the name 해수욕장, found as 해수욕장에서.
        {
            "ko", "부산 해운대 해수욕장의 여름 풍경",
            ["부산", "해운대", "해수욕장", "여름", "풍경"],
            "여름날 부산 해운대 해수욕장에서 파라솔 아래 쉬는 사람들로 가득한 풍경",
            "여름날 해변에서 파라솔 아래 쉬는 사람들로 가득한 풍경",
            ["부산", "해운대", "해수욕장"]
        },

        // Arabic writes the article and one-letter proclitics onto the word: القاهرة is found as بالقاهرة and والقاهرة.
        {
            "ar", "مسجد محمد علي في القاهرة",
            ["مسجد", "محمد", "علي", "القاهرة"],
            "قباب مسجد محمد علي ومآذنه فوق قلعة صلاح الدين بالقاهرة",
            "قباب مسجد كبير ومآذنه فوق تلة عند الغروب",
            ["محمد", "علي", "القاهرة"]
        },

        // Serbian: a Cyrillic alt text and a Latin caption are one text; genitive Hrama still starts with hram.
        {
            "sr", "Храм Светог Саве у Београду",
            ["hram", "svetog", "save", "beogradu"],
            "Kupola Hrama Svetog Save u Beogradu pod vedrim plavim nebom",
            "Kupola velikog pravoslavnog hrama pod vedrim plavim nebom",
            ["svetog", "save", "beogradu"]
        },

        // Serbian the other way round: a Latin alt text, a Cyrillic caption.
        {
            "sr", "Manastir Studenica u dolini Ibra",
            ["manastir", "studenica", "dolini", "ibra"],
            "Бели мермерни манастир Студеница у зеленој долини Ибра",
            "Бели мермерни манастир у зеленој долини",
            ["studenica", "ibra"]
        },

        // Czech case endings that change the word's end, not only add to it: Karlův most / Karlovým mostem, Vltava / nad Vltavou, v Praze / Prahy.
        {
            "cs", "Karlův most a Vltava v Praze",
            ["karlův", "most", "vltava", "praze"],
            "Ranní mlha nad Vltavou, Karlovým mostem a věžemi Prahy za svítání",
            "Ranní mlha nad řekou, kamenným mostem a věžemi města za svítání",
            ["karlův", "vltava", "praze"]
        },

        // Hungarian: Budapesten in the alt text, Budapest in the caption; az Országház, az Országházat.
        {
            "hu", "Az Országház és a Duna Budapesten",
            ["országház", "duna", "budapesten"],
            "Az Országházat a Duna túlpartjáról fényképezték, Budapest esti fényeiben",
            "A díszes épületet a folyó túlpartjáról fényképezték az esti fényekben",
            ["országház", "duna", "budapesten"]
        },

        // Russian: на Красной площади в Москве / Красная площадь, Москва.
        {
            "ru", "Собор Василия Блаженного на Красной площади в Москве",
            ["собор", "василия", "блаженного", "красной", "площади", "москве"],
            "Разноцветные купола: собор Василия Блаженного, Красная площадь, Москва, зимний вечер",
            "Разноцветные купола старого собора в зимний вечер",
            ["василия", "блаженного", "красной", "площади", "москве"]
        },

        // Vietnamese: whole syllables; "hành" (in hành khách) does not hold the name "hà".
        {
            "vi", "Hồ Hoàn Kiếm ở Hà Nội",
            ["hồ", "hoàn", "kiếm", "hà", "nội"],
            "Tháp Rùa giữa hồ Hoàn Kiếm, trung tâm Hà Nội, trong buổi sáng sương mù",
            "Tháp cổ giữa hồ nước, hành khách đi dạo trong buổi sáng sương mù",
            ["hoàn", "kiếm", "hà", "nội"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_names_of_an_alt_text_are_its_content_words_as_keyword_accuracy_matches_them(string lang, string alt, string[] names, string kept, string lossy, string[] lost)
    {
        _ = (kept, lossy, lost);

        Assert.Equal(names, EntityRetention.Names(lang, alt));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_caption_that_keeps_every_name_in_its_own_word_forms_loses_none(string lang, string alt, string[] names, string kept, string lossy, string[] lost)
    {
        _ = (lossy, lost);

        var check = EntityRetention.Check(lang, alt, kept);

        Assert.Empty(check.Lost);
        Assert.Equal(names.Length, check.Kept);
        Assert.Equal(1.0, check.Share);
        Assert.True(check.CopySimilarity < 0.6, $"similarity {check.CopySimilarity:0.00} of a rewrite");

        // The same matching as Keyword Accuracy: this caption scores 100 against its alt text.
        var keywords = KeywordAccuracy.Score(lang, KeywordAccuracy.Extract(lang, alt), kept);
        Assert.Equal((names.Length, names.Length), (keywords.Keywords, keywords.Found));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_caption_that_drops_names_loses_exactly_those(string lang, string alt, string[] names, string kept, string lossy, string[] lost)
    {
        _ = kept;

        var check = EntityRetention.Check(lang, alt, lossy);

        Assert.Equal(lost, check.Lost);
        Assert.Equal(names.Length - lost.Length, check.Kept);
        Assert.Equal((double)(names.Length - lost.Length) / names.Length, check.Share, 9);
        Assert.Equal(names.Length - lost.Length, KeywordAccuracy.Score(lang, KeywordAccuracy.Extract(lang, alt), lossy).Found);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_copy_of_the_alt_text_is_a_copy_whatever_its_case_punctuation_or_serbian_script(string lang, string alt, string[] names, string kept, string lossy, string[] lost)
    {
        _ = (names, kept, lossy, lost);

        Assert.Equal(1.0, EntityRetention.Check(lang, alt, alt).CopySimilarity);
        Assert.Equal(1.0, EntityRetention.EditSimilarity(lang, alt, "  " + alt.ToUpperInvariant() + " !"));
        Assert.Empty(EntityRetention.Check(lang, alt, alt).Lost);
        if (lang == "sr")
        {
            Assert.Equal(1.0, EntityRetention.EditSimilarity(lang, alt, SerbianScript.ToLatin(alt)));
        }
    }

    /// <summary>Long alt texts with one word changed: still a copy (≥ 0.9), though every name is kept or one is lost.</summary>
    [Theory]
    [InlineData("cs", "Pohled na Karlův most a Staré Město pražské z Petřínské rozhledny za jasného letního odpoledne", "letního", "zimního")]
    [InlineData("hu", "Kilátás a budai várra és a Lánchídra a Gellért-hegyről egy tiszta nyári délutánon", "nyári", "téli")]
    [InlineData("ru", "Вид на Кремль и Москву-реку с Большого Каменного моста тёплым летним вечером", "летним", "зимним")]
    [InlineData("sr", "Поглед на Калемегдан и ушће Саве у Дунав са Бранковог моста у летње поподне", "летње", "зимско")]
    [InlineData("vi", "Toàn cảnh vịnh Hạ Long với hàng nghìn đảo đá vôi nhìn từ trên cao vào buổi sáng", "sáng", "chiều")]
    [InlineData("ar", "منظر عام لمدينة البتراء الأثرية في الأردن وخزنة فرعون المنحوتة في الصخر الوردي عند الغروب", "الغروب", "الشروق")]
    [InlineData("ko", "서울 경복궁 근정전 앞마당에서 한복을 입은 관광객들이 사진을 찍는 맑은 가을 오후의 모습", "가을", "봄날")]
    [InlineData("th", "วัดอรุณราชวรารามริมแม่น้ำเจ้าพระยาในกรุงเทพมหานครยามพระอาทิตย์ตกดินในฤดูหนาวที่ท้องฟ้าแจ่มใส", "หนาว", "ร้อน")]
    public void A_copy_with_one_word_changed_is_still_a_copy(string lang, string alt, string word, string other)
    {
        string changed = alt.Replace(word, other, StringComparison.Ordinal);
        Assert.NotEqual(alt, changed);

        double similarity = EntityRetention.EditSimilarity(lang, alt, changed);

        Assert.InRange(similarity, 0.9, 0.9999);
        Assert.Equal(similarity, EntityRetention.EditSimilarity(lang, changed, alt), 12);
    }

    [Fact]
    public void Similarity_is_one_minus_edits_over_the_longer_text_with_spaces_and_punctuation_folded()
    {
        // "kočka, pes" and "Kočka  pes!" are both "kočka pes" (9 characters); "kočka les" is one substitution away.
        Assert.Equal(1.0, EntityRetention.EditSimilarity("cs", "kočka, pes", "Kočka  pes!"));
        Assert.Equal(1 - (1.0 / 9), EntityRetention.EditSimilarity("cs", "kočka, pes", "kočka les"), 12);
        Assert.Equal(0.0, EntityRetention.EditSimilarity("cs", "abc", ""));
        Assert.Equal(1.0, EntityRetention.EditSimilarity("cs", "", "?!"));
    }

    [Theory]
    [InlineData("القاهرة", "والقاهرة")]
    [InlineData("القاهرة", "بالقاهرة")]
    [InlineData("بالقاهرة", "القاهرة")]
    [InlineData("والقاهرة", "فالقاهرة")]
    public void An_arabic_name_holds_whatever_article_or_proclitic_is_written_onto_it(string alt, string caption)
    {
        var check = EntityRetention.Check("ar", "حديقة الأزهر " + alt, "غروب الشمس فوق حديقة الازهر " + caption);

        Assert.Empty(check.Lost);
        Assert.Equal(3, check.Names.Count);
    }

    [Fact]
    public void An_alt_text_without_content_words_has_nothing_to_lose()
    {
        var check = EntityRetention.Check("cs", "Foto: 2019", "Kočka spí na gauči");

        Assert.Empty(check.Names);
        Assert.Equal(1.0, check.Share);
    }

    /// <summary>Every real sentence of the shared Tatoeba sample in the eight languages: its own copy keeps every name, in Serbian also across scripts.</summary>
    [Fact]
    [Trait("Category", "SharedData")]
    public void Every_shared_sentence_keeps_its_names_in_its_own_copy_and_across_serbian_scripts()
    {
        var langs = new Dictionary<string, string>
        {
            ["ar"] = "ar", ["cs"] = "cs", ["hu"] = "hu", ["ko"] = "ko", ["ru"] = "ru", ["sr-Cyrl"] = "sr", ["sr-Latn"] = "sr", ["th"] = "th", ["vi"] = "vi",
        };
        int checkedSentences = 0;
        var seen = new HashSet<string>();
        foreach (string line in File.ReadLines(Path.Combine(RepoPaths.SharedData, "langid", "tatoeba_laser_v1.tsv")))
        {
            var fields = line.Split('\t');
            if (fields.Length < 2 || !langs.TryGetValue(fields[0], out string? lang))
            {
                continue;
            }

            string sentence = fields[1];
            var check = EntityRetention.Check(lang, sentence, sentence);
            Assert.True(check.Lost.Count == 0, $"{lang}: {sentence} loses {string.Join(", ", check.Lost)} against itself");
            Assert.Equal(1.0, check.CopySimilarity);
            if (fields[0] == "sr-Cyrl")
            {
                Assert.Empty(EntityRetention.Check(lang, sentence, SerbianScript.ToLatin(sentence)).Lost);
                Assert.Equal(1.0, EntityRetention.EditSimilarity(lang, sentence, SerbianScript.ToLatin(sentence)));
            }

            seen.Add(lang);
            checkedSentences++;
        }

        Assert.Equal(8, seen.Count);
        Assert.True(checkedSentences > 7000, $"{checkedSentences} sentences");
    }
}
