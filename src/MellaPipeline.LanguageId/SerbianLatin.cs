using System.Text.RegularExpressions;

namespace MellaPipeline.LanguageId;

/// <summary>
/// Tells Serbian written in Latin script from Croatian and Bosnian. The three standards share most
/// of their words, so the n-gram models alone are close; what differs is (1) the reflex of old
/// <i>jat</i>: Serbian is ekavian (<i>reka, vreme, dete, gde</i>), Croatian and Bosnian ijekavian
/// (<i>rijeka, vrijeme, dijete, gdje</i>); (2) everyday words only one standard uses (<i>šta,
/// hiljada, voz, takođe, januar</i> against <i>što/tko, tisuća, vlak, također, siječanj</i>);
/// (3) syntax: <i>da li</i> and <i>moram da idem</i> (Serbian, Bosnian) against <i>je li</i> and
/// <i>moram ići</i> (Croatian). <see cref="Decide"/> adds them into one score with fixed weights
/// (see <see cref="Weights"/>) together with the n-gram models' margin.
/// </summary>
public static partial class SerbianLatin
{
    /// <summary>
    /// The weights of the evidence and the score above which text is Serbian, chosen on the tune
    /// half of the labelled sentences only (<c>langid-eval</c> in the benchmark project holds the
    /// other half out; docs/BENCHMARKS.md has both figures) as the grid point with the best Serbian
    /// recall that labels at most 3.5 % of tune Croatian and Bosnian Serbian: a jat reflex or a
    /// word only one standard uses is strong evidence; <i>da li</i> and modal + <i>da</i> weaker;
    /// a word Serbian shares with Bosnian (<i>šta, hiljada, januar</i>) weakest, since it only rules
    /// out Croatian, and alone it is not enough.
    /// </summary>
    public static class Weights
    {
        public const double JatReflex = 2;
        public const double StandardWord = 2;
        public const double SharedWithBosnian = 0.5;
        public const double Syntax = 1;

        /// <summary>
        /// Weight of the n-gram margin: the transliterated Serbian model's three-way confidence minus
        /// the better of Croatian's and Bosnian's, in [-1, 1]. The transliterated model is flat on
        /// Latin text, so the margin only tips a text with some lexical evidence; alone it never
        /// reaches the threshold.
        /// </summary>
        public const double NgramMargin = 0.5;

        /// <summary>Score a text needs to be Serbian; at or under it, it is Croatian or Bosnian unless the page says Serbian.</summary>
        public const double Threshold = 0.5;
    }

    /// <summary>
    /// Serbian or the better of Croatian and Bosnian, and what decided it: <c>serbian_markers</c>
    /// when the evidence says Serbian; a page hint (<c>hint:html_lang</c>, <c>hint:tld</c>,
    /// <c>hint:body</c>) when the page says Serbian and nothing in the text speaks against it;
    /// otherwise <c>model</c>.
    /// </summary>
    public static (string Lang, string DecidedBy) Decide(string text, SouthSlavicScores ngrams, LanguageHints? hints)
    {
        string rival = ngrams.Bosnian > ngrams.Croatian ? "bs" : "hr";
        var evidence = Evidence.Of(text);
        double score = evidence.Score + (Weights.NgramMargin * (ngrams.Serbian - Math.Max(ngrams.Croatian, ngrams.Bosnian)));
        if (score > Weights.Threshold)
        {
            return ("sr", "serbian_markers");
        }

        // The n-gram margin leans to Croatian or Bosnian on nearly all Latin text; only words speak against the page.
        if (evidence.Score >= 0 && hints?.Suggests("sr") is { } decidedBy)
        {
            return ("sr", decidedBy);
        }

        // Croatian and Bosnian apart are the models' call; a page breaks a near-tie between them.
        string other = rival == "hr" ? "bs" : "hr";
        if (hints is not null && Math.Abs(ngrams.Croatian - ngrams.Bosnian) < LanguageIdentifier.TieMargin && hints.Suggests(other) is { } tie)
        {
            return (other, tie);
        }

        return (rival, "model");
    }

    /// <summary>
    /// Whether Latin text the models give to <paramref name="modelLang"/> (hr, bs, sr or sl) carries
    /// Serbian evidence, so that <see cref="Decide"/> rather than the guard of other Latin languages
    /// has it: the guard's trigrams take short Serbian with <i>da li, šta, hajde da</i> for Tswana
    /// or Swahili. For Slovene see <see cref="MayBeSerbianNotSlovene"/>.
    /// </summary>
    public static bool HasEvidence(string text, string modelLang) =>
        modelLang == "sl" ? MayBeSerbianNotSlovene(text) : Evidence.Of(text).Score > 0;

    /// <summary>
    /// Whether text the models call Slovene may be Serbian: no word only Slovene writes (<i>sem, ki,
    /// kaj, tudi, zelo, jaz</i>), and either Serbian evidence besides the jat reflex (Slovene is
    /// itself e-reflex: <i>vreme, mesto, telo, lep</i> are Slovene words too) or a word Slovene never
    /// writes (<i>bio, nisam, ovo, sve</i>), after which the ekavian forms count again. Conservative
    /// because no labelled Slovene set measures it.
    /// </summary>
    public static bool MayBeSerbianNotSlovene(string text)
    {
        var evidence = Evidence.Of(text);
        string lower = text.ToLowerInvariant();
        return !SloveneWords().IsMatch(lower)
            && (evidence.Score - (Weights.JatReflex * (evidence.Ekavian - evidence.Ijekavian)) > 0 || NeverSlovene().IsMatch(lower));
    }

    /// <summary>The markers found in a text, by kind.</summary>
    public readonly record struct Evidence(
        int Ekavian, int Ijekavian, int SerbianOnly, int SharedWithBosnian, int CroatianOnly, int SerbianConstructions, int CroatianConstructions)
    {
        /// <summary>Positive means Serbian.</summary>
        public double Score =>
            (Weights.JatReflex * (Ekavian - Ijekavian)) + (Weights.StandardWord * (SerbianOnly - CroatianOnly))
            + (Weights.SharedWithBosnian * SharedWithBosnian) + (Weights.Syntax * (SerbianConstructions - CroatianConstructions));

        public static Evidence Of(string text)
        {
            string lower = text.ToLowerInvariant();
            return new Evidence(
                Distinct(EkavianForms(), lower) + Distinct(EkavianParticiple(), lower), Distinct(IjekavianForms(), lower),
                Distinct(SerbianWords(), lower), Distinct(SerbianBosnianWords(), lower), Distinct(CroatianWords(), lower),
                Distinct(SerbianBosnianSyntax(), lower), Distinct(CroatianSyntax(), lower));
        }

        // A word repeated is one piece of evidence: a list of figures writing "hiljada" five times says no more than one.
        private static int Distinct(Regex words, string lower) =>
            words.Matches(lower).Select(m => m.Value).Distinct(StringComparer.Ordinal).Count();
    }

    // Ekavian active participles (želeo, voleo, živeo) against ijekavian želio, volio, živio;
    // -čeo, -zeo and -jeo (počeo, uzeo, pojeo) and -veo but živeo (uveo, izveo, doveo, from voditi)
    // are the same in every standard, as are debeo and pepeo; "video" is also a noun.
    [GeneratedRegex(@"\b(?!video\b|stereo\b|rodeo\b|debeo\b|pepeo\b)(?:\w*živeo|\w+[^čzjv\W]eo)\b", RegexOptions.CultureInvariant)]
    private static partial Regex EkavianParticiple();

    [GeneratedRegex(@"\bda li\b|\bhajde da\b|\b(?:(?:ne)?(?:ću|ćeš|će|ćemo|ćete)|\w+[ai](?:ću|ćeš|ćemo|ćete)|moram|moraš|mora|moramo|morate|moraju|morao|morala|morali|želim|želiš|želi|želimo|hoću|hoćeš|hoće|mogu|možeš|može|možemo|trebalo|treba|pokušao|pokušala|počeo|počela|volim|voliš|volimo)\s+(?:\w+\s+)?da\b", RegexOptions.CultureInvariant)]
    private static partial Regex SerbianBosnianSyntax();

    [GeneratedRegex(@"\bje li\b|\b(?:moram|moraš|mora|moramo|morate|moraju|želim|želiš|želi|želimo|mogu|možeš|može|možemo|trebam|trebaš|volim|voliš|znam|znaš|htio|htjela)\s+\w+(?:ti|ći)\b", RegexOptions.CultureInvariant)]
    private static partial Regex CroatianSyntax();

    // Ekavian forms. Stems are anchored at word starts, so "reka" does not match inside "rijeka".
    [GeneratedRegex(
        @"\b(?:gde|ovde|onde|negde|svugde|nigde|uvek|zauvek|oduvek|pre|posle|vreme|dete|deteta|deca|dece|deci|devojk\w*|mesto|mesta|mestu|mesec\w*|reč|reči|rečju|rečnik\w*|reka|reke|reku|lep|lepa|lepo|lepe|lepi|lepog|lepu|beo|bela|belo|bele|beli|belog|svet|svetsk\w*|cvet\w*|mleko|mleka|sneg\w*|čovek\w*|odeć\w*|razumeš|razumem|deo|dela|delu|ceo|cela|celo|celu|celog|videla|videli|videti|vidimo|živela|živeti|volela|voleti|razumeti|hteo|htela|hteli|hteti|sedela|sedeti|leteti|pevati|peva|pesm\w*|uspeh\w*|vera|veru|vere|verovati|verujem|svež\w*|seć\w*|vek|veka|veku|vekova|telo|tela|telu|zvezd\w*|nedelj\w*|ponedeljak|sreda|mera|mere|meru|merama|celin\w*|primer\w*|smer\w*|napred|sused\w*|lek|leka|leku|lekove|lekar\w*|beše|greh\w*|pevač\w*|dve|dvema|obe|predsednik\w*|prevod|prevoda|prevodom|prevodu|odeljen\w*|vežb\w*|železni\w*|sedište|sedi|sedim|sediš|nemačk\w*|procen\w*|vremena|vremenu|vremenom|mestima|mestom|cena|cene|cenu|ceni|cenim|ceniš|ceniti|cenio|cenila|uspeti|uspem|uspeš|uspe|uspela|uspeli|primeti\w*|primetn\w*|primeć\w*|verovatn\w*|poverov\w*|rešiti|rešim|rešiš|reši|rešio|rešila|rešili|rešen\w*|rešenj\w*|namer\w*|sme|smem|smeš|smemo|smete|smeju|smeti|smeo|smela|smeli|svetl\w*|sever\w*|predel\w*|savet\w*|delova\w*|deluje|svideo|svidela|svidelo|svideli|potcen\w*|sedenj\w*|besn\w*|lepš\w*|umem|umeš|ume|umemo|umete|umeju|umeti|umeo|umela|dečak\w*|dečac\w*|dečij\w*|promen\w*|menja\w*|bežati|bežim|beži|bežao|pobeg\w*|leto|letu|letnj\w*|slep\w*|zaves\w*|želeti|želela|želeli|želelo|deliti|delim|deliš|deli|delio|podel\w*|seći|seče|sečem|pevam|peva[šo]|pevala|zamen\w*|pobed\w*|slede\w*|presto\w*|zahtev\w*|živele|živeli|devojač\w*)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex EkavianForms();

    // The ijekavian counterparts, written in Croatian and Bosnian alike.
    [GeneratedRegex(
        @"\b(?:gdje|ovdje|ondje|negdje|svugdje|nigdje|uvijek|zauvijek|oduvijek|prije|poslije|vrijeme|dijete|djeteta|djeca|djece|djeci|djevojk\w*|mjesto|mjesta|mjestu|mjesec\w*|riječ|riječi|rječju|rječnik\w*|rijeka|rijeke|rijeku|lijep\w*|bijel\w*|svijet\w*|svjetsk\w*|cvijet\w*|mlijek\w*|snijeg\w*|želio|željela|željeli|smio|umio|razumio|čovjek\w*|odjeć\w*|razumiješ|razumijem|dio|dijela|dijelu|cio|cijel\w*|vidio|vidjela|vidjeli|vidjeti|živio|živjela|živjeti|volio|voljela|voljeti|razumjeti|htio|htjela|htjeli|htjeti|sjedio|sjedila|sjediti|letio|letjeti|pjevati|pjeva|pjesm\w*|uspjeh\w*|vjera|vjeru|vjere|vjerovati|vjerujem|svjež\w*|sjeć\w*|vijek|vijeka|vijeku|stoljeć\w*|tijelo|tijela|tijelu|zvijezd\w*|nedjelj\w*|ponedjeljak|srijeda|mjera|mjere|mjeru|mjerama|cjelin\w*|primjer\w*|smjer\w*|naprijed|susjed\w*|lijek\w*|liječni\w*|bješe|grijeh\w*|pjevač\w*|dvije|dvjema|obje|predsjedni\w*|prijevod|prijevoda|prijevodom|prijevodu|odjeljen\w*|vježb\w*|željezni\w*|sjedište|sjedi|sjedim|sjediš|njemačk\w*|procjen\w*|vremena|vremenu|vremenom|mjestima|mjestom|cijena|cijene|cijenu|cijeni|cijenim|cijeniš|cijeniti|cijenio|cijenila|uspjeti|uspijem|uspiješ|uspije|uspjela|uspjeli|primijeti\w*|primjetn\w*|primjeć\w*|vjerovatn\w*|vjerojatn\w*|povjerov\w*|riješiti|riješim|riješiš|riješi|riješio|riješila|riješili|riješen\w*|rješenj\w*|namjer\w*|smije|smijem|smiješ|smijemo|smijete|smiju|smjeti|smjela|smjeli|svjetl\w*|sjever\w*|predjel\w*|savjet\w*|djelova\w*|djeluje|svidio|svidjela|svidjelo|svidjeli|potcjen\w*|sjedenj\w*|bijesn\w*|bjesn\w*|ljepš\w*|umijem|umiješ|umije|umijemo|umijete|umiju|umjeti|umjela|dječak\w*|dječac\w*|dječj\w*|promjen\w*|promijen\w*|mijenja\w*|bježati|bježim|bježi|bježao|pobjeg\w*|ljeto|ljetu|ljetnj\w*|ljetn\w*|slijep\w*|zavjes\w*|željeti|željelo|dijeliti|dijelim|dijeliš|dijeli|dijelio|podijel\w*|podjel\w*|sjeći|siječe|siječem|pjevam|pjevaš|pjevao|pjevala|zamjen\w*|pobijed\w*|pobjed\w*|sljede\w*|prijesto\w*|zahtijev\w*|zahtjev\w*|živjele|živjeli|djevojač\w*)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex IjekavianForms();

    // Words only the Serbian standard uses, with Bosnian writing the Croatian word or an ijekavian one;
    // also English names and loanwords written as they sound (Meri, Džon, mejl), where Croatian and
    // Bosnian keep the original spelling (on the tune half: 11 Serbian rows, no Croatian or Bosnian one).
    [GeneratedRegex(
        @"\b(?:takođe|hleb\w*|opšt\w*|uopšte|pantalon\w*|istorij\w*|meri|merin\w*|džon\w*|džek\w*|džejn\w*|džim\w*|džordž\w*|majkl\w*|mejl\w*|njujork\w*|orman\w*|sačeka\w*|vaspita\w*|autoput\w*)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex SerbianWords();

    // Words Serbian and Bosnian share against Croatian (šta, hiljada, voz, januar…).
    [GeneratedRegex(
        @"\b(?:šta|ko|neko|nekog|nekoga|niko|nikog|nikoga|hiljad\w*|voz|voza|vozom|vozu|vozovi\w*|veoma|ponovo|sedmic\w*|porodic\w*|muzik\w*|nauk\w*|kafa|kafu|kafe|kafom|januar\w*|februar\w*|mart|marta|martu|april\w*|maj|maja|maju|jun|juna|junu|jul|jula|julu|avgust\w*|septemb\w*|oktob\w*|novemb\w*|decemb\w*|fabrik\w*|uslov\w*|saradnj\w*|fudbal\w*|pozorišt\w*|tačno|tačan|tačna|hemij\w*|univerzitet\w*|dešava\w*|žurk\w*|bašt\w*|frižider\w*|paradajz\w*|juče|uradi\w*)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex SerbianBosnianWords();

    // Frequent Slovene words Serbian never writes (Serbian sam, koji, šta, takođe, veoma, ja, bio, gde, ko, lako, ako, sada, danas).
    [GeneratedRegex(@"\b(?:sem|ki|kaj|tudi|zelo|jaz|nisem|bil|kje|kdo|lahko|če|zdaj|danes|vendar|torej|sploh)\b", RegexOptions.CultureInvariant)]
    private static partial Regex SloveneWords();

    // Frequent words Slovene never writes (Slovene bil, nisem, ni, so, to, ta, tukaj, vse, kot, že, s, prav, cel).
    [GeneratedRegex(@"\b(?:bio|nisam|nisi|nije|su|ovo|ovaj|ova|ovde|ovdje|sve|kao|već|sa|baš|ceo)\b", RegexOptions.CultureInvariant)]
    private static partial Regex NeverSlovene();

    // Words only the Croatian standard uses.
    [GeneratedRegex(
        @"\b(?:tko|netko|nitko|tisuć\w*|tjed\w*|vlak\w*|kruh\w*|također|tijekom|kazališt\w*|sveučilišt\w*|obitelj\w*|nogomet\w*|znanost\w*|točno|točan|točna|općenit\w*|općin\w*|kava|kavu|kave|povijest\w*|kemij\w*|glazb\w*|hrvatsk\w*|zagreb\w*|siječ\w*|veljač\w*|ožuj\w*|travanj\w*|travnja|svib\w*|lipanj\w*|lipnja|srpanj\w*|srpnja|kolovoz\w*|rujan\w*|rujna|listopad\w*|studen(?:i|og|oga|om|ome)|prosin\w*|zrakoplov\w*|kolodvor\w*|sustav\w*|ravnatelj\w*|tvrtk\w*|uvjet\w*|suradnj\w*|središt\w*|udrug\w*|tijek)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex CroatianWords();
}
