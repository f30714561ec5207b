using System.Text;
using System.Text.RegularExpressions;

namespace MellaPipeline.Crawl.Html;

/// <summary>A page's bytes decoded to text, and which encoding was used and why.</summary>
public sealed record DecodedHtml(string Text, string Encoding, string DecidedBy);

/// <summary>
/// Decodes HTML bytes in the order browsers use: byte-order mark, the HTTP <c>charset</c>, a
/// <c>&lt;meta charset&gt;</c> or <c>http-equiv</c> declaration in the first 4 KB, then detection:
/// valid UTF-8 is UTF-8, anything else goes to <see cref="LegacyCharsetDetector"/>, which weighs each
/// legacy encoding of the target languages (windows-1250/1251/1256/1258, ISO-8859-2, KOI8-R, EUC-KR,
/// windows-874) by the letter statistics of the languages written in it.
/// </summary>
public static partial class HtmlDecoder
{
    static HtmlDecoder()
    {
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>Legacy encodings tried when a page declares none and is not UTF-8, in tie-break order.</summary>
    public static readonly IReadOnlyList<string> LegacyCandidates = LegacyCharsetDetector.Candidates.Select(c => c.Encoding).ToArray();

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

        var detected = System.Text.Encoding.GetEncoding(LegacyCharsetDetector.Instance.Detect(body));
        return new DecodedHtml(detected.GetString(body), detected.WebName, "detected");
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

    [GeneratedRegex(@"<meta[^>]+charset\s*=\s*[""']?(?<charset>[A-Za-z0-9_\-:.]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharset();
}
