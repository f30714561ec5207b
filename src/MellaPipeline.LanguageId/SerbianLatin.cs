using System.Text.RegularExpressions;

namespace MellaPipeline.LanguageId;

/// <summary>
/// Tells Serbian written in Latin script from Croatian and Bosnian, which n-gram models cannot:
/// Lingua's Serbian model is Cyrillic, and the three standards share most of their words. What
/// differs is (1) the reflex of old <i>jat</i>: Serbian is ekavian (<i>reka, vreme, dete, gde</i>),
/// Croatian and Bosnian ijekavian (<i>rijeka, vrijeme, dijete, gdje</i>); and (2) a set of
/// everyday words (<i>šta, hleb, hiljada, voz, porodica</i> against <i>što/tko, kruh, tisuća,
/// vlak, obitelj</i>). The checker counts both kinds of marker; the text is Serbian only when
/// the Serbian ones outnumber the others.
/// </summary>
public static partial class SerbianLatin
{
    /// <summary>
    /// Serbian evidence minus Croatian/Bosnian evidence: positive means Serbian. A jat reflex or a
    /// standard-specific word counts 2; syntax that Serbian shares with Bosnian (<i>da li</i>,
    /// <i>moram da idem</i>) counts 1 and only against Croatian (<paramref name="modelSaidCroatian"/>),
    /// as Croatian's modal-plus-infinitive (<i>moram ići</i>) and <i>je li</i> count 1 against Serbian.
    /// </summary>
    public static int Score(string text, bool modelSaidCroatian)
    {
        string lower = text.ToLowerInvariant();
        int serbian = 2 * SerbianMarkers().Count(lower) + 2 * EkavianParticiple().Count(lower);
        int other = 2 * CroatianBosnianMarkers().Count(lower);
        if (modelSaidCroatian)
        {
            serbian += SerbianBosnianSyntax().Count(lower);
            other += CroatianSyntax().Count(lower);
        }

        return serbian - other;
    }

    /// <summary>
    /// Three-way n-gram confidence at which the transliterated Serbian model decides on its own: the
    /// scores are flat (Lingua divides the summed log-probabilities by the unigram count) and
    /// Bosnian shares most of Serbian's n-grams, so only near-certainty counts: at 0.9 about 1 % of
    /// Croatian and 3 % of Bosnian Tatoeba/Leipzig sentences reach it.
    /// </summary>
    private const double NgramSerbianMinimum = 0.9;

    /// <summary>
    /// The label of Latin text that the n-gram models call Croatian, Bosnian or Serbian: Serbian on
    /// its markers (<see cref="Score"/>), else on the page's hint when the markers are silent, else
    /// when the transliterated Serbian model is sure of it; otherwise the likelier of
    /// Croatian and Bosnian (a page hint choosing between the two when they are close).
    /// </summary>
    public static (string Lang, string DecidedBy) Decide(string text, SouthSlavicScores ngrams, LanguageHints? hints)
    {
        bool croatian = ngrams.Croatian >= ngrams.Bosnian;
        int score = Score(text, modelSaidCroatian: croatian);
        if (score > 0)
        {
            return ("sr", "serbian_markers");
        }

        if (score == 0 && hints is not null && LanguageIdentifier.HintFor(hints, "sr") is { } hinted)
        {
            return ("sr", hinted);
        }

        if (score == 0 && ngrams.Serbian >= NgramSerbianMinimum)
        {
            return ("sr", "model");
        }

        string likelier = croatian ? "hr" : "bs", other = croatian ? "bs" : "hr";
        if (hints is not null && Math.Abs(ngrams.Croatian - ngrams.Bosnian) < LanguageIdentifier.TieMargin && LanguageIdentifier.HintFor(hints, other) is { } tie)
        {
            return (other, tie);
        }

        return (likelier, "model");
    }

    // Ekavian active participles (želeo, voleo, živeo) against ijekavian želio, volio, živio;
    // -čeo and -zeo (počeo, uzeo) are the same in every standard, "video" is also a noun.
    [GeneratedRegex(@"\b(?!video\b|stereo\b|rodeo\b)\w+[^čz\W]eo\b", RegexOptions.CultureInvariant)]
    private static partial Regex EkavianParticiple();

    [GeneratedRegex(@"\bda li\b|\b(?:moram|moraš|mora|moramo|morate|moraju|morao|morala|morali|želim|želiš|želi|želimo|hoću|hoćeš|hoće|mogu|možeš|može|možemo|trebalo|treba|pokušao|pokušala|počeo|počela|volim|voliš|volimo)\s+(?:\w+\s+)?da\b", RegexOptions.CultureInvariant)]
    private static partial Regex SerbianBosnianSyntax();

    [GeneratedRegex(@"\bje li\b|\b(?:moram|moraš|mora|moramo|morate|moraju|želim|želiš|želi|želimo|mogu|možeš|može|možemo|trebam|trebaš|volim|voliš|znam|znaš|htio|htjela)\s+\w+(?:ti|ći)\b", RegexOptions.CultureInvariant)]
    private static partial Regex CroatianSyntax();

    // Ekavian forms, and words only the Serbian standard uses (Bosnian shares most of Serbian's
    // vocabulary but is ijekavian, so vocabulary common to the two is deliberately absent).
    // Stems are anchored at word starts, so "reka" does not match inside "rijeka".
    [GeneratedRegex(
        @"\b(?:gde|ovde|onde|negde|svugde|nigde|uvek|zauvek|pre|posle|vreme|vremena|vremenu|vremenom|dete|deteta|deca|dece|deci|devojk\w*|mesto|mesta|mestu|mesec\w*|reč|reči|rečju|rečnik\w*|reka|reke|reci|reku|lep|lepa|lepo|lepe|lepi|lepog|lepu|beo|bela|belo|bele|beli|belog|svet|sveta|svetu|svetsk\w*|cvet\w*|mleko|mleka|sneg\w*|hleb\w*|čovek\w*|odeć\w*|ćerk\w*|oduvek|razumeš|razumem|deo|dela|delu|ceo|cela|celo|celu|videla|videli|videti|vidimo|živeo|živela|živeti|voleo|volela|voleti|razumeti|hteo|htela|hteli|hteti|sedeo|sedela|sedeti|leteo|leteti|pevati|pesm\w*|uspeh\w*|vera|veru|vere|verovati|verujem|sveže?\w*|seć\w*|istorij\w*|opšt\w*|uopšte|srbij\w*|beograd\w*|srpsk\w*)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex SerbianMarkers();

    // Ijekavian forms and words only the Croatian standard uses.
    [GeneratedRegex(
        @"\b(?:gdje|ovdje|ondje|negdje|svugdje|nigdje|uvijek|zauvijek|prije|poslije|vrijeme|vremena|vremenu|vremenom|dijete|djeteta|djeca|djece|djeci|djevojk\w*|mjesto|mjesta|mjestu|mjesec\w*|riječ|riječi|rječju|rječnik\w*|rijeka|rijeke|rijeci|rijeku|lijep\w*|bijel\w*|svijet\w*|svjetsk\w*|cvijet\w*|mlijek\w*|snijeg\w*|hljeb\w*|želio|željela|željeli|smio|umio|razumio|čovjek\w*|odjeć\w*|kćer\w*|oduvijek|razumiješ|razumijem|dio|dijela|dijelu|cio|cijel\w*|vidio|vidjela|vidjeli|vidjeti|živio|živjela|živjeti|volio|voljela|voljeti|razumjeti|htio|htjela|htjeli|htjeti|sjedio|sjedila|sjediti|letio|letjeti|pjevati|pjesm\w*|uspjeh\w*|vjera|vjeru|vjere|vjerovati|vjerujem|svjež\w*|sjeć\w*|tko|kruh\w*|tisuć\w*|tjed\w*|vlak\w*|kazališt\w*|sveučilišt\w*|obitelj\w*|nogomet\w*|znanost\w*|točno|općenit\w*|kava|kavu|kave|povijest\w*|kemij\w*|glazb\w*|hrvatsk\w*|zagreb\w*|siječ\w*|veljač\w*|ožuj\w*|travanj\w*|svib\w*|lipanj\w*|srpanj\w*|kolovoz\w*|rujan\w*|listopad\w*|studen\w*|prosin\w*)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex CroatianBosnianMarkers();
}
