using System.Collections.Frozen;
using System.Text.RegularExpressions;
using MellaPipeline.Languages;
using MellaPipeline.Text;

namespace MellaPipeline.Crawl.Extraction;

/// <summary>Reason codes of <see cref="AltTextFilter"/>; <c>kept</c> means the pair passed.</summary>
public static class AltStatus
{
    public const string Kept = "kept";
    public const string ImageUrlMissing = "image_url_missing";
    public const string ImageDataUri = "image_data_uri";
    public const string ImageSvg = "image_svg";
    public const string ImageTrackingPixel = "image_tracking_pixel";
    public const string ImageIcon = "image_icon";
    public const string AltMissing = "alt_missing";
    public const string AltEmpty = "alt_empty";
    public const string AltFilename = "alt_filename";
    public const string AltUrl = "alt_url";
    public const string AltBoilerplate = "alt_boilerplate";
    public const string AltTooShort = "alt_too_short";
    public const string AltTooLong = "alt_too_long";
    public const string AltMixedScript = "alt_mixed_script";
    public const string AltDomainRepeated = "alt_domain_repeated";
    public const string LangUndetermined = "lang_undetermined";
    public const string LangOther = "lang_other";
}

/// <summary>
/// Quality rules for native alt text, each with its reason code. Lengths are counted in grapheme
/// clusters, never in whitespace-separated words (which mean nothing in Thai).
/// </summary>
public static partial class AltTextFilter
{
    public const int DefaultMinChars = 5;
    public const int DefaultMaxChars = 500;

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

    /// <summary>The reason a normalised alt text is not a caption; null when it is one.</summary>
    public static string? CheckAlt(string? altRaw, string normalized, int minChars = DefaultMinChars, int maxChars = DefaultMaxChars)
    {
        if (altRaw is null)
        {
            return AltStatus.AltMissing;
        }

        if (normalized.Length == 0)
        {
            return AltStatus.AltEmpty;
        }

        if (FileName().IsMatch(normalized) || CameraName().IsMatch(normalized))
        {
            return AltStatus.AltFilename;
        }

        if (UrlLike().IsMatch(normalized))
        {
            return AltStatus.AltUrl;
        }

        if (Boilerplate.Contains(normalized.Trim(' ', '.', ':', '-', '_', '|', '*').ToLowerInvariant()))
        {
            return AltStatus.AltBoilerplate;
        }

        int length = TextNormalizer.GraphemeCount(normalized);
        if (length < minChars)
        {
            return AltStatus.AltTooShort;
        }

        if (length > maxChars)
        {
            return AltStatus.AltTooLong;
        }

        var (script, share) = Scripts.DetectWithShare(normalized);
        if (script != Scripts.Unknown && share < 0.6)
        {
            return AltStatus.AltMixedScript;
        }

        return null;
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
