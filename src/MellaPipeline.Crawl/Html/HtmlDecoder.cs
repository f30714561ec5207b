using System.Text;
using System.Text.RegularExpressions;
using MellaPipeline.Languages;

namespace MellaPipeline.Crawl.Html;

/// <summary>A page's bytes decoded to text, and which encoding was used and why.</summary>
public sealed record DecodedHtml(string Text, string Encoding, string DecidedBy);

/// <summary>
/// Decodes HTML bytes in the order browsers use: byte-order mark, the HTTP <c>charset</c>, a
/// <c>&lt;meta charset&gt;</c> or <c>http-equiv</c> declaration in the first 4 KB, then detection:
/// valid UTF-8 is UTF-8, anything else is tried in each legacy encoding of the target languages
/// (windows-1250/1251/1256/1258, ISO-8859-2, EUC-KR, windows-874) and the decoding whose letters
/// fall most into one script, with the fewest undecodable bytes, wins.
/// </summary>
public static partial class HtmlDecoder
{
    static HtmlDecoder()
    {
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>Legacy encodings tried when a page declares none and is not UTF-8, in tie-break order.</summary>
    public static readonly IReadOnlyList<string> LegacyCandidates =
        ["windows-1251", "windows-1250", "windows-1256", "euc-kr", "windows-874", "windows-1258", "iso-8859-2", "windows-1252"];

    public static DecodedHtml Decode(ReadOnlySpan<byte> body, string? httpCharset = null)
    {
        if (body.StartsWith([(byte)0xEF, (byte)0xBB, (byte)0xBF]))
        {
            return new DecodedHtml(System.Text.Encoding.UTF8.GetString(body[3..]), "utf-8", "bom");
        }

        if (body.StartsWith([(byte)0xFF, (byte)0xFE]))
        {
            return new DecodedHtml(System.Text.Encoding.Unicode.GetString(body[2..]), "utf-16le", "bom");
        }

        if (body.StartsWith([(byte)0xFE, (byte)0xFF]))
        {
            return new DecodedHtml(System.Text.Encoding.BigEndianUnicode.GetString(body[2..]), "utf-16be", "bom");
        }

        if (Resolve(httpCharset) is { } fromHeader)
        {
            return new DecodedHtml(fromHeader.GetString(body), fromHeader.WebName, "http_header");
        }

        string head = System.Text.Encoding.Latin1.GetString(body[..Math.Min(body.Length, 4096)]);
        var meta = MetaCharset().Match(head);
        if (meta.Success && Resolve(meta.Groups["charset"].Value) is { } fromMeta)
        {
            // A page that declares a legacy charset but is valid UTF-8 was re-saved without
            // updating the declaration: trust the bytes.
            if (fromMeta.WebName != "utf-8" && body.ContainsAnyInRange((byte)0x80, (byte)0xFF) && System.Text.Unicode.Utf8.IsValid(body))
            {
                return new DecodedHtml(System.Text.Encoding.UTF8.GetString(body), "utf-8", "detected");
            }

            return new DecodedHtml(fromMeta.GetString(body), fromMeta.WebName, "meta");
        }

        if (System.Text.Unicode.Utf8.IsValid(body))
        {
            return new DecodedHtml(System.Text.Encoding.UTF8.GetString(body), "utf-8", "detected");
        }

        (string Text, string Name, double Score) best = (string.Empty, string.Empty, double.MinValue);
        foreach (var name in LegacyCandidates)
        {
            var encoding = System.Text.Encoding.GetEncoding(name);
            string text = encoding.GetString(body);
            double score = Plausibility(text);
            if (score > best.Score)
            {
                best = (text, encoding.WebName, score);
            }
        }

        return new DecodedHtml(best.Text, best.Name, "detected");
    }

    /// <summary>The encoding for a charset label (<c>cp1251</c>, <c>tis-620</c>, <c>ks_c_5601-1987</c>...), or null.</summary>
    public static System.Text.Encoding? Resolve(string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            return null;
        }

        string name = label.Trim().Trim('"', '\'').ToLowerInvariant() switch
        {
            "tis-620" or "iso-8859-11" or "x-windows-874" => "windows-874",
            "ks_c_5601-1987" or "ks_c_5601" or "korean" or "cp949" or "uhc" => "euc-kr",
            "cp1250" or "x-cp1250" => "windows-1250",
            "cp1251" or "x-cp1251" or "win-1251" => "windows-1251",
            "cp1256" or "x-cp1256" => "windows-1256",
            "cp1258" => "windows-1258",
            "latin1" or "iso-8859-1" or "us-ascii" or "ascii" => "windows-1252", // as browsers do
            "gb2312" or "gbk" => "gb18030",
            var other => other,
        };
        try
        {
            return System.Text.Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// How much a decoding looks like text in a target language: letters concentrated in one
    /// script; among them, the letters that script's target languages use most (a wrong legacy
    /// decoding spreads bytes evenly over an alphabet, or into letters no target writes, such as
    /// ð þ ø); few symbols (© ® ¤ ¶, what ISO-8859-2 letters become in windows-1250) and no
    /// replacement characters or C1 controls.
    /// </summary>
    private static double Plausibility(string text)
    {
        var textOnly = TagsAndScripts().Replace(text, " ").Normalize(System.Text.NormalizationForm.FormC);
        var (script, share) = Scripts.DetectWithShare(textOnly);
        var expected = script switch
        {
            Scripts.Cyrillic => CommonCyrillic,
            Scripts.Arabic => CommonArabic,
            Scripts.Thai => CommonThai,
            Scripts.Latin => TargetLatinLetters,
            _ => null,
        };
        int bad = 0, symbols = 0, nonAscii = 0, letters = 0, common = 0;
        foreach (char c in textOnly)
        {
            if (c < '\u0080')
            {
                continue;
            }

            nonAscii++;
            if (c == '\uFFFD' || c is >= '\u0080' and <= '\u009F')
            {
                bad++;
            }
            else if (char.IsLetter(c))
            {
                letters++;
                if (expected is null || expected.Contains(c))
                {
                    common++;
                }
            }
            else if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.OtherSymbol
                or System.Globalization.UnicodeCategory.MathSymbol or System.Globalization.UnicodeCategory.CurrencySymbol or System.Globalization.UnicodeCategory.ModifierSymbol)
            {
                symbols++;
            }
        }

        double commonShare = letters == 0 ? 0 : (double)common / letters;
        return share + commonShare - (10.0 * bad / Math.Max(1, textOnly.Length)) - (2.0 * symbols / Math.Max(1, nonAscii));
    }

    // The letters the target languages use most, per script (a correct decoding has most of its letters here).
    private static readonly System.Buffers.SearchValues<char> CommonCyrillic = System.Buffers.SearchValues.Create("оеаинтсрвлкмдпуяыьгзбчйјОЕАИНТСРВЛКМДПУЯГЗБЧЈ");
    private static readonly System.Buffers.SearchValues<char> CommonArabic = System.Buffers.SearchValues.Create("اليمنوهرتبعدةفقسكأحإجشصخ");
    private static readonly System.Buffers.SearchValues<char> CommonThai = System.Buffers.SearchValues.Create("านรอกเงมยลดวสทบคแตะหขใไพจปช");

    // Every non-ASCII letter of Czech, Hungarian, Serbian (Latin) and Vietnamese, precomposed.
    private static readonly System.Buffers.SearchValues<char> TargetLatinLetters = System.Buffers.SearchValues.Create(
        "áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽöőüűÖŐÜŰćđĆĐăâêôơưĂÂÊÔƠƯàèìòùãĩõũỹỳÀÈÌÒÙÃĨÕŨỸỲ"
        + string.Concat(Enumerable.Range(0x1EA0, 0x1EFA - 0x1EA0).Select(c => (char)c)));

    [GeneratedRegex(@"<meta[^>]+charset\s*=\s*[""']?(?<charset>[A-Za-z0-9_\-:.]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharset();

    [GeneratedRegex(@"<script[\s\S]*?</script>|<style[\s\S]*?</style>|<[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TagsAndScripts();
}
