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
    /// Turns each image of <paramref name="page"/> into a record: the page's robots opt-outs first, then image
    /// rules, then the alt text's, then, for an alt that passed them all, its language (page hints apply only where the text
    /// is ambiguous; a dropped alt keeps <c>und</c>). Every image
    /// gives a record; <see cref="Status"/> is <c>kept</c> or the reason it was dropped. <see cref="AltText"/> is
    /// normalised here, once: language ID and the pipeline's text stage take it as it is.
    /// </summary>
    /// <param name="repeats">Tracks each host's alt texts across pages; null skips the repeated-alt rule.</param>
    /// <param name="altRules">The input's alt-text rules (<see cref="AltTextFilter.Rules(Config.AltTextOptions)"/>); the defaults when null.</param>
    public static IEnumerable<AltTextRecord> FromPage(
        ExtractedPage page, LanguageIdentifier identifier, IReadOnlySet<string>? languages = null, DomainAltRepeats? repeats = null,
        TextRuleList? altRules = null)
    {
        var host = Uri.TryCreate(page.PageUrl, UriKind.Absolute, out var url) ? url.Host : null;
        // The body's language is identified once per page, and only if an alt is too short to decide.
        var hints = page.BodyText.Length == 0
            ? new LanguageHints(page.HtmlLang, host)
            : new LanguageHints(page.HtmlLang, host, () => identifier.Identify(page.BodyText).Lang);
        foreach (var image in page.Images)
        {
            yield return ForImage(page.PageUrl, host, hints, page.Robots.OptOutReason, image, identifier, languages, repeats, altRules);
        }
    }

    /// <summary>
    /// One image with its alt text through the rules and language ID, as <see cref="FromPage"/> does for
    /// each image of a page; a URL list's row is such an image (with a page only when the list names one).
    /// </summary>
    /// <param name="pageUrl">The page the image is on; empty when none is known.</param>
    /// <param name="host">The page's host: the repeated-alt rule applies only with one.</param>
    /// <param name="hints">The declared language (<c>&lt;html lang&gt;</c>, a list's language column) and the page's domain, for ambiguous text.</param>
    /// <param name="optOut">The page's robots opt-out, which drops every image of it; null when none.</param>
    public static AltTextRecord ForImage(
        string pageUrl, string? host, LanguageHints hints, string? optOut, ExtractedImage image, LanguageIdentifier identifier,
        IReadOnlySet<string>? languages, DomainAltRepeats? repeats, TextRuleList? altRules)
    {
        string alt = TextNormalizer.Normalize(image.AltRaw);
        string? status = optOut ?? AltTextFilter.CheckImage(image) ?? AltTextFilter.CheckAlt(image.AltRaw, alt, altRules);
        if (status is null && host is not null && repeats?.IsRepeated(host, pageUrl, alt) == true)
        {
            status = AltStatus.AltDomainRepeated;
        }

        // Language ID is the costliest step and cannot save an alt a cheaper rule already dropped.
        var guess = status is null ? identifier.IdentifyNormalized(alt, hints)
            : alt.Length == 0 ? LanguageGuess.Empty
            : new LanguageGuess(LanguageGuess.Undetermined, Scripts.Detect(alt), 0, "not_identified");
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

        return new AltTextRecord(
            pageUrl, image.ImageUrl, alt, image.AltRaw, hints.Declared, guess.Lang, guess.Script,
            guess.Confidence, guess.DecidedBy, status ?? AltStatus.Kept);
    }

    /// <summary>The record standing for input that gave no page (a corrupt archive record, an unreachable URL).</summary>
    public static AltTextRecord ForProblem(string pageUrl, string reason) =>
        new(pageUrl, null, string.Empty, null, null, LanguageGuess.Undetermined, Scripts.Unknown, 0, LanguageGuess.Empty.DecidedBy, reason);
}
