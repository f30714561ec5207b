using MellaPipeline.LanguageId;
using MellaPipeline.Languages;
using MellaPipeline.Text;

namespace MellaPipeline.Crawl.Extraction;

/// <summary>One line of <c>mella extract</c> (SPEC §2): an image of a page, its alt text and what became of it.</summary>
public sealed record AltTextRecord(
    string PageUrl,
    string? ImageUrl,
    string AltText,
    string? AltRaw,
    string? HtmlLang,
    string Lang,
    string Script,
    double LangConfidence,
    string LangDecidedBy,
    string Status)
{
    /// <summary>
    /// Turns each image of <paramref name="page"/> into a record: image rules first, then the alt
    /// text's, then its language (page hints apply only where the text is ambiguous). Every image
    /// gives a record; <see cref="Status"/> is <c>kept</c> or the reason it was dropped.
    /// </summary>
    public static IEnumerable<AltTextRecord> FromPage(ExtractedPage page, LanguageIdentifier identifier, IReadOnlySet<string>? languages = null)
    {
        var host = Uri.TryCreate(page.PageUrl, UriKind.Absolute, out var url) ? url.Host : null;
        var hints = new LanguageHints(page.HtmlLang, host);
        foreach (var image in page.Images)
        {
            string alt = TextNormalizer.Normalize(image.AltRaw);
            string? status = AltTextFilter.CheckImage(image) ?? AltTextFilter.CheckAlt(image.AltRaw, alt);
            var guess = alt.Length == 0 ? LanguageGuess.Empty : identifier.Identify(alt, hints);
            if (status is null)
            {
                if (guess.Lang == LanguageGuess.Undetermined)
                {
                    status = AltStatus.LangUndetermined;
                }
                else if (!(languages?.Contains(guess.Lang) ?? TargetLanguages.IsTarget(guess.Lang)))
                {
                    status = AltStatus.LangOther;
                }
            }

            yield return new AltTextRecord(
                page.PageUrl, image.ImageUrl, alt, image.AltRaw, page.HtmlLang, guess.Lang, guess.Script,
                guess.Confidence, guess.DecidedBy, status ?? AltStatus.Kept);
        }
    }
}
