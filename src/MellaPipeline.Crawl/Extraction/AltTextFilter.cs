using System.Collections.Frozen;
using System.Text.RegularExpressions;
using MellaPipeline.Config;
using MellaPipeline.Languages;
using MellaPipeline.Text;

namespace MellaPipeline.Crawl.Extraction;

/// <summary>Statuses of <see cref="AltTextRecord"/>: <c>kept</c> means the pair passed; the rest name entries of the registry, <see cref="Stages.ReasonCodes"/>.</summary>
public static class AltStatus
{
    public const string Kept = "kept";
    public const string ImageUrlMissing = Stages.ReasonCodes.ImageUrlMissing;
    public const string ImageDataUri = Stages.ReasonCodes.ImageDataUri;
    public const string ImageSvg = Stages.ReasonCodes.ImageSvg;
    public const string ImageTrackingPixel = Stages.ReasonCodes.ImageTrackingPixel;
    public const string ImageIcon = Stages.ReasonCodes.ImageIcon;
    public const string AltMissing = Stages.ReasonCodes.AltMissing;
    public const string AltEmpty = Stages.ReasonCodes.AltEmpty;
    public const string AltFilename = Stages.ReasonCodes.AltFilename;
    public const string AltUrl = Stages.ReasonCodes.AltUrl;
    public const string AltBoilerplate = Stages.ReasonCodes.AltBoilerplate;
    public const string AltTooShort = Stages.ReasonCodes.AltTooShort;
    public const string AltTooLong = Stages.ReasonCodes.AltTooLong;
    public const string AltMixedScript = Stages.ReasonCodes.AltMixedScript;
    public const string AltDomainRepeated = Stages.ReasonCodes.AltDomainRepeated;
    public const string LangUndetermined = Stages.ReasonCodes.LangUndetermined;
    public const string LangOther = Stages.ReasonCodes.LangOther;
}

/// <summary>
/// Quality rules for native alt text, each with its reason code. Lengths are counted in grapheme
/// clusters, never in whitespace-separated words (which mean nothing in Thai).
/// </summary>
public static partial class AltTextFilter
{
    /// <summary>Declared sizes at or under which an image is a tracking pixel or an icon.</summary>
    public const int TrackingPixelMax = 2;
    public const int IconMax = 32;

    /// <summary>Alt texts that only name the kind of image, in English and the eight target languages.</summary>
    private static readonly FrozenSet<string> Boilerplate = new[]
    {
        "image", "img", "photo", "picture", "pic", "logo", "icon", "banner", "thumbnail", "avatar", "placeholder", "spacer", "null", "undefined",
        "صورة", "الصورة", "صور", "شعار", "أيقونة", "ايقونة", "لافتة", "بانر",
        "obrázek", "obrazek", "fotka", "foto", "fotografie", "logo", "ikona", "ikonka", "banner", "náhled",
        "kép", "fotó", "fénykép", "ikon", "logó", "szalagcím", "bélyegkép",
        "이미지", "사진", "로고", "아이콘", "배너", "썸네일", "그림",
        "изображение", "картинка", "фото", "фотография", "логотип", "иконка", "баннер", "миниатюра",
        "слика", "фотографија", "лого", "икона", "банер", "slika", "fotografija", "baner",
        "รูปภาพ", "ภาพ", "รูป", "โลโก้", "ไอคอน", "แบนเนอร์",
        "ảnh", "hình", "hình ảnh", "ảnh minh họa", "biểu tượng", "logo", "ảnh đại diện",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The reason an image cannot give a pair, from its URL and declared size alone; null when it can.</summary>
    public static string? CheckImage(ExtractedImage image)
    {
        if (image.ImageUrl is null)
        {
            return AltStatus.ImageUrlMissing;
        }

        if (image.ImageUrl.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return image.ImageUrl.StartsWith("data:image/svg", StringComparison.OrdinalIgnoreCase) ? AltStatus.ImageSvg : AltStatus.ImageDataUri;
        }

        string path = Uri.TryCreate(image.ImageUrl, UriKind.Absolute, out var url) ? url.AbsolutePath : image.ImageUrl;
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".svgz", StringComparison.OrdinalIgnoreCase))
        {
            return AltStatus.ImageSvg;
        }

        if (image.DeclaredWidth is <= TrackingPixelMax || image.DeclaredHeight is <= TrackingPixelMax)
        {
            return AltStatus.ImageTrackingPixel;
        }

        if (image.DeclaredWidth is <= IconMax && image.DeclaredHeight is <= IconMax)
        {
            return AltStatus.ImageIcon;
        }

        return null;
    }

    /// <summary>The rules of <c>input.alt_text</c>, configured once per input; the defaults are <see cref="Default"/>.</summary>
    public static TextRuleList Rules(AltTextOptions options) => Rules(options.MinChars, options.MaxChars);

    /// <summary>The alt-text rules with <see cref="AltTextOptions"/>' defaults (a pipeline that says nothing about <c>alt_text</c>).</summary>
    public static TextRuleList Default { get; } = Rules(new AltTextOptions());

    /// <summary>
    /// Empty, file or camera name, URL, boilerplate, length, mixed script: cheap rules first, and
    /// the shared <see cref="NotEmptyRule"/> and <see cref="LengthRule"/> report alt text's own codes.
    /// </summary>
    public static TextRuleList Rules(int minChars, int maxChars) =>
        new(
            new NotEmptyRule(AltStatus.AltEmpty),
            new PatternRule(AltStatus.AltFilename, FileName(), CameraName()),
            new PatternRule(AltStatus.AltUrl, UrlLike()),
            new BoilerplateRule(),
            new LengthRule(minChars, maxChars, AltStatus.AltTooShort, AltStatus.AltTooLong),
            new MixedScriptRule());

    /// <summary>The reason a normalised alt text is not a caption; null when it is one.</summary>
    /// <param name="altRaw">The attribute as written: null when the image has none (<c>alt_missing</c>).</param>
    /// <param name="rules">The input's rules; <see cref="Default"/> when null.</param>
    public static string? CheckAlt(string? altRaw, string normalized, TextRuleList? rules = null) =>
        altRaw is null ? AltStatus.AltMissing : (rules ?? Default).Check(normalized, new TextContext(normalized)).Reason;

    /// <summary>Drops an alt that matches any of its patterns.</summary>
    private sealed class PatternRule(string code, params Regex[] patterns) : ITextRule
    {
        public TextVerdict Check(string text, TextContext context)
        {
            // A loop, not Any(): this runs for every image of every page, and a lambda would allocate each time.
            foreach (var pattern in patterns)
            {
                if (pattern.IsMatch(text))
                {
                    return TextVerdict.Drop(code);
                }
            }

            return TextVerdict.Keep;
        }
    }

    /// <summary>Drops an alt that only names the kind of image (<see cref="Boilerplate"/>).</summary>
    private sealed class BoilerplateRule : ITextRule
    {
        public TextVerdict Check(string text, TextContext context) =>
            Boilerplate.Contains(text.Trim(' ', '.', ':', '-', '_', '|', '*').ToLowerInvariant()) ? TextVerdict.Drop(AltStatus.AltBoilerplate) : TextVerdict.Keep;
    }

    /// <summary>Drops an alt with under 60 % of its letters in one script (a mix of languages, or letters used as symbols).</summary>
    private sealed class MixedScriptRule : ITextRule
    {
        public TextVerdict Check(string text, TextContext context)
        {
            var (script, share) = Scripts.DetectWithShare(text);
            return script != Scripts.Unknown && share < 0.6 ? TextVerdict.Drop(AltStatus.AltMixedScript) : TextVerdict.Keep;
        }
    }

    // "IMG_1234.jpg", "ảnh-1.jpg", "photo 2.PNG": a bare file name with an image extension.
    [GeneratedRegex(@"^[\p{L}\p{N}_\-. ()]+\.(jpe?g|png|gif|webp|bmp|svg|tiff?|heic|avif)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FileName();

    // Camera and phone names without an extension: IMG_1234, DSC01234, DSCN0042, PXL_20240101_..., P1010203.
    [GeneratedRegex(@"^(IMG|DSC|DSCN|DSCF|DCIM|PXL|MVIMG|GOPR|P\d{3})[_\- ]?\d[\w\-]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CameraName();

    [GeneratedRegex(@"https?://|www\.|^[\w\-]+\.(com|org|net|ru|cz|hu|rs|vn|kr|th)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlLike();
}
