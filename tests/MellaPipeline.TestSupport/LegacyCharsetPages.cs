using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace MellaPipeline.TestSupport;

/// <summary>
/// Real UTF-8 pages rewritten as a legacy-charset site serves them with no declaration: every
/// <c>&lt;meta charset&gt;</c> removed, the text encoded in the target charset, the characters it
/// cannot hold written as numeric character references (as a browser's form submission does), and
/// for windows-1258 Vietnamese tone marks written apart as combining characters, the way that code
/// page stores most tone-marked letters. Each page also comes cut to its first 2, 8 and 32 KB.
/// <see cref="Sample.Expected"/> is the text a correct decoder returns (compare in NFC).
/// </summary>
public static partial class LegacyCharsetPages
{
    static LegacyCharsetPages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public sealed record Sample(string Page, string Encoding, int? SliceBytes, byte[] Bytes, string Expected)
    {
        public override string ToString() => $"{Page} {Encoding} {(SliceBytes is { } k ? $"{k / 1024} KB" : "whole")}";
    }

    public static readonly int[] Slices = [2 * 1024, 8 * 1024, 32 * 1024];

    /// <summary>The shared real pages per encoding, by language (paths under html-multilingual).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> SharedPages = new Dictionary<string, string[]>
    {
        ["iso-8859-2"] = Latin2Pages(),
        ["windows-1250"] = Latin2Pages(),
        ["koi8-r"] = RussianPages(),
        ["windows-1251"] = [.. RussianPages(), "w3c-i18n/articles__definitions-characters__index.uk.html"],
        ["windows-1256"] = ["trafilatura/assabah.com.tn.article.html", "newspaper4k/arabic_article.html", "w3c-i18n/articles__article-text-size.ar.html", "w3c-i18n/questions__qa-navigation-select.ar.html"],
        ["euc-kr"] = ["w3c-i18n/articles__article-text-size.ko.html", "trafilatura/world.kbs.co.kr-Temperatures.html", "newspaper4k/yna_co_kr.html"],
        ["windows-874"] = ["newspaper4k/thai_article.html"],
        ["windows-1258"] = [],
    };

    /// <summary>Languages with no shared page in the encoding: pages generated from real sentences of ../shared/data/langid.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> GeneratedLanguages = new Dictionary<string, string[]>
    {
        ["iso-8859-2"] = ["sr-Latn"],
        ["windows-1250"] = ["sr-Latn"],
        ["koi8-r"] = [],
        ["windows-1251"] = ["sr-Cyrl"],
        ["windows-1256"] = [],
        ["euc-kr"] = [],
        ["windows-874"] = ["th"],
        ["windows-1258"] = ["vi"],
    };

    private static string[] Latin2Pages() =>
        ["readability/aktualne.source.html", "trafilatura/mindmegette.hu.levagott.html", "w3c-i18n/articles__article-text-size.hu.html", "trafilatura/francais.radio.cz-ministre.html", "trafilatura/archive.org.przepisy.pl.pierogi.html"];

    private static string[] RussianPages() =>
        ["w3c-i18n/articles__article-text-size.ru.html", "w3c-i18n/articles__serving-xhtml__index.ru.html", "w3c-i18n/questions__qa-lang-priorities.ru.html", "trafilatura/football.ua.podolski.html", "trafilatura/schleifen.ucoz.de.briefe.html"];

    /// <summary>Every sample of one encoding from the shared data: each page whole and sliced.</summary>
    public static IEnumerable<Sample> Shared(string encoding)
    {
        string folder = Path.Combine(RepoPaths.SharedData, "html-multilingual");
        var pages = SharedPages[encoding].Select(p => (p, File.ReadAllText(Path.Combine(folder, p), Encoding.UTF8)))
            .Concat(GeneratedLanguages[encoding].SelectMany(l => Generated(l, Path.Combine(RepoPaths.SharedData, "langid"))));
        return pages.SelectMany(p => WholeAndSliced(p.Item1, p.Item2, encoding));
    }

    /// <summary>One page rewritten in <paramref name="encoding"/>, whole and cut to each of <see cref="Slices"/> (when shorter).</summary>
    public static IEnumerable<Sample> WholeAndSliced(string name, string utf8Html, string encoding)
    {
        var target = Encoding.GetEncoding(encoding, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        string text = Writable(WithoutDeclaration(utf8Html), target, tonesApart: encoding == "windows-1258");
        byte[] bytes = target.GetBytes(text);
        foreach (int slice in Slices.Where(s => s < bytes.Length))
        {
            string cut = Prefix(text, target, slice);
            yield return new Sample(name, encoding, slice, target.GetBytes(cut), cut);
        }

        yield return new Sample(name, encoding, null, bytes, text);
    }

    /// <summary>The page with its charset declarations (in markup and in script strings alike) removed.</summary>
    public static string WithoutDeclaration(string html) => CharsetDeclaration().Replace(html, string.Empty);

    /// <summary>
    /// The text as the encoding writes it: characters it cannot hold as <c>&amp;#N;</c>, and with
    /// <paramref name="tonesApart"/> each Vietnamese tone mark as a combining character after its letter.
    /// </summary>
    public static string Writable(string text, Encoding encoding, bool tonesApart)
    {
        var builder = new StringBuilder(text.Length);
        var probe = Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
        foreach (var rune in text.EnumerateRunes())
        {
            string single = rune.ToString();
            string written = tonesApart ? ToneApart(single) : single;
            if (RoundTrips(written, probe))
            {
                builder.Append(written);
            }
            else if (RoundTrips(single, probe))
            {
                builder.Append(single);
            }
            else
            {
                builder.Append("&#").Append(rune.Value.ToString(CultureInfo.InvariantCulture)).Append(';');
            }
        }

        return builder.ToString();
    }

    private static bool RoundTrips(string text, Encoding encoding) => encoding.GetString(encoding.GetBytes(text)) == text;

    private static string ToneApart(string letter)
    {
        const string tones = "\u0300\u0301\u0303\u0309\u0323";
        string decomposed = letter.Normalize(NormalizationForm.FormD);
        string marks = new(decomposed.Where(c => tones.Contains(c)).ToArray());
        return marks.Length == 0 ? letter : new string(decomposed.Where(c => !tones.Contains(c)).ToArray()).Normalize(NormalizationForm.FormC) + marks;
    }

    /// <summary>The longest prefix of <paramref name="text"/> that the encoding writes in at most <paramref name="maxBytes"/> bytes.</summary>
    private static string Prefix(string text, Encoding encoding, int maxBytes)
    {
        int bytes = 0, i = 0;
        for (; i < text.Length; i++)
        {
            bytes += text[i] < '\u0080' ? 1 : encoding.GetByteCount(text.AsSpan(i, 1));
            if (bytes > maxBytes)
            {
                break;
            }
        }

        return text[..i];
    }

    /// <summary>
    /// Pages built from a language's real sentences (Lingua's sentence set, Tatoeba for Serbian in
    /// Latin script): a title, paragraphs of five sentences and images whose alt is a sentence.
    /// </summary>
    public static IEnumerable<(string Name, string Html)> Generated(string language, string langidFolder, int pages = 4, int sentencesPerPage = 30)
    {
        string file = language == "sr-Latn" ? "tatoeba_laser_v1.tsv" : "lingua_sentences.tsv";
        var sentences = File.ReadLines(Path.Combine(langidFolder, file))
            .Select(l => l.Split('\t', 2))
            .Where(p => p.Length == 2 && p[0] == language)
            .Select(p => p[1])
            .ToList();
        string lang = language.Split('-')[0];
        for (int page = 0; page < pages && (page + 1) * sentencesPerPage <= sentences.Count; page++)
        {
            var own = sentences.Skip(page * sentencesPerPage).Take(sentencesPerPage).Select(WebUtility.HtmlEncode).ToList();
            var html = new StringBuilder();
            html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<title>{own[0]}</title>\n<link rel=\"stylesheet\" href=\"/static/site.css\">\n</head>\n<body>\n");
            for (int i = 1; i < own.Count; i += 5)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>{string.Join(' ', own.Skip(i).Take(4))}</p>\n<img src=\"/images/{page}-{i}.jpg\" alt=\"{own[Math.Min(i + 4, own.Count - 1)]}\" width=\"640\">\n");
            }

            html.Append("</body>\n</html>\n");
            yield return ($"generated/{language}-{page}.html", html.ToString());
        }
    }

    [GeneratedRegex(@"<meta[^>]*charset[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CharsetDeclaration();
}
