using System.Collections.Frozen;

namespace MellaPipeline.LanguageId;

/// <summary>
/// Tells Czech from Slovak in text the n-gram models give to one of them, which on a few words they
/// often get wrong (the two share most letter sequences). The evidence is what only one of them
/// writes: letters (Czech ř ů ě, Slovak ä ô ĺ ľ ŕ) and frequent function words (Czech <i>jsem, se,
/// jako, který, není</i> against Slovak <i>som, sa, ako, ktorý, nie</i>). The word lists are the
/// most frequent words found in one language's tune half of the labelled sentences and never in the
/// other's, kept only when they are function words or common verb forms (no names or topics);
/// the held-out half is never looked at (docs/BENCHMARKS.md).
/// </summary>
public static class CzechSlovak
{
    /// <summary>A letter only one language writes outweighs a word, which a name or quote may bring in.</summary>
    private const int LetterWeight = 2;

    private static readonly FrozenSet<char> CzechLetters = "řůěŘŮĚ".ToFrozenSet();
    private static readonly FrozenSet<char> SlovakLetters = "äôĺľŕÄÔĹĽŔ".ToFrozenSet();

    private static readonly FrozenSet<string> CzechWords = FrozenSet.ToFrozenSet(
    [
        "se", "jsem", "jsi", "jsme", "jsou", "pro", "ve", "byl", "byla", "bylo", "byli", "byly", "jako", "jak", "bych", "bys",
        "nebo", "které", "který", "která", "kterou", "jen", "když", "není", "velmi", "více", "své", "proto", "co", "tady",
        "kdo", "tedy", "podle", "mezi", "jí", "jejich", "také", "pokud", "ještě", "něco", "proč", "nic",
        "jaký", "jaká", "jaké", "jakou", "jakým", "jakého", "mých", "tvých", "svých", "mohl", "víc", "velice", "jež", "jenž",
        "zdali", "ses", "abych", "abys", "jste",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> SlovakWords = FrozenSet.ToFrozenSet(
    [
        "sa", "som", "sme", "ste", "sú", "ako", "aj", "čo", "pre", "nie", "keď", "bol", "bola", "boli", "bolo", "len",
        "vo", "alebo", "ktoré", "ktorý", "ktorá", "byť", "viac", "ak", "ešte", "ich", "ma", "iba", "prečo", "niečo", "tieto",
        "deň", "majú", "so", "tejto", "kedy", "mali", "moja", "nič", "zo", "ťa", "všetky", "napríklad", "tiež", "veľmi",
        "aký", "aká", "aké", "akú", "akým", "akého", "mojich", "tvojich", "svojich", "mohol",
    ], StringComparer.Ordinal);

    /// <summary>
    /// Czech or Slovak for text the model called <paramref name="modelLang"/> (<c>cs</c> or <c>sk</c>),
    /// and what decided it: <c>model</c> when the evidence agrees with the model or the page does
    /// not say otherwise, <c>czech_slovak_markers</c> when the evidence overturns it, a page hint
    /// when the text has no evidence and the page suggests the other language.
    /// </summary>
    public static (string Lang, string DecidedBy) Decide(string text, string modelLang, LanguageHints? hints)
    {
        string other = modelLang == "cs" ? "sk" : "cs";
        int score = Score(text);
        if (score != 0)
        {
            string lang = score > 0 ? "cs" : "sk";
            return (lang, lang == modelLang ? "model" : "czech_slovak_markers");
        }

        return hints?.Suggests(other) is { } decidedBy ? (other, decidedBy) : (modelLang, "model");
    }

    /// <summary>
    /// Endings only one language writes: the first person singular of -ovat verbs (Czech <i>děkuji,
    /// pracuji</i>, Slovak <i>ďakujem, pracujem</i>), the genitive of soft adjectives and verbal
    /// nouns (Czech <i>posledního</i>) and the verbal noun (Slovak <i>riešenie</i>, Czech
    /// <i>řešení</i>). On the tune half each ending is in 8 to 62 sentences of its language and in
    /// none of the other's.
    /// </summary>
    private static int Ending(ReadOnlySpan<char> word) =>
        word.Length > 4 && (word.EndsWith("uji", StringComparison.Ordinal) || word.EndsWith("ního", StringComparison.Ordinal)) ? 1
        : word.Length > 4 && (word.EndsWith("ujem", StringComparison.Ordinal) || word.EndsWith("nie", StringComparison.Ordinal)) ? -1 : 0;

    /// <summary>Czech evidence minus Slovak evidence: positive means Czech.</summary>
    public static int Score(string text)
    {
        int score = 0;
        foreach (char c in text)
        {
            score += CzechLetters.Contains(c) ? LetterWeight : SlovakLetters.Contains(c) ? -LetterWeight : 0;
        }

        var lookup = CzechWords.GetAlternateLookup<ReadOnlySpan<char>>();
        var slovak = SlovakWords.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> lower = stackalloc char[32];
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool letter = i < text.Length && char.IsLetter(text[i]);
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                var word = text.AsSpan(start, i - start);
                start = -1;
                if (word.Length > lower.Length)
                {
                    continue;
                }

                int n = word.ToLowerInvariant(lower);
                var w = lower[..n];
                score += (lookup.Contains(w) ? 1 : 0) - (slovak.Contains(w) ? 1 : 0) + Ending(w);
            }
        }

        return score;
    }
}
