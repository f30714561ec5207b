using System.Collections.Frozen;
using System.Globalization;

namespace MellaPipeline.Stages;

/// <summary>
/// The one registry of reason codes: every code a stage, an input or <c>mella extract</c> can
/// report, with its kind, family and whether it may go away by itself (<see cref="All"/>). Codes are
/// snake_case, stable, and documented in the README's reject-reason tables (a test compares the
/// two). Add a code here, as a constant and an entry, never inline at a call site; a code that
/// carries a number (<c>http_404</c>) is a template entry (<c>http_NNN</c>) and is made with
/// <see cref="Http"/>, <see cref="CaptionEndpointHttp"/> or <see cref="ImageFetch"/>.
/// </summary>
public static class ReasonCodes
{
    // input
    public const string InputMalformed = "input_malformed";
    public const string InputFieldMissing = "input_field_missing";
    public const string InputFieldInvalid = "input_field_invalid";
    public const string SeedInvalid = "seed_invalid";
    public const string ImageUrlInvalid = "image_url_invalid";

    // text (pairs)
    public const string TextEmpty = "text_empty";
    public const string TextTooShort = "text_too_short";
    public const string TextTooLong = "text_too_long";
    public const string LangNotTargeted = "lang_not_targeted";
    public const string LangMissing = "lang_missing";
    public const string ScriptMismatch = "script_mismatch";

    // alt text of crawled and archived pages (mella extract's statuses)
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

    // pages
    public const string RobotsNoAi = "robots_noai";
    public const string RobotsNoImageAi = "robots_noimageai";
    public const string RobotsNoIndex = "robots_noindex";
    public const string PageNotHtml = "page_not_html";

    // fetching (pages; an image download reports them through ImageFetch)
    public const string RobotsDisallowed = "robots_disallowed";
    public const string RobotsUnavailable = "robots_unavailable";
    public const string AddressBlocked = "address_blocked";
    public const string DnsFailed = "dns_failed";
    public const string ConnectFailed = "connect_failed";
    public const string HttpError = "http_error";
    public const string Timeout = "timeout";
    public const string RedirectLimit = "redirect_limit";
    public const string RedirectLoop = "redirect_loop";
    public const string RedirectInvalid = "redirect_invalid";
    public const string SchemeUnsupported = "scheme_unsupported";
    public const string ContentTypeUnexpected = "content_type_unexpected";
    public const string TooLarge = "too_large";
    public const string TooSlow = "too_slow";

    /// <summary>The fetch outcome of an image whose own <c>X-Robots-Tag</c> says <c>noai</c> or <c>noimageai</c>; reported as <see cref="ImageNoAi"/>.</summary>
    public const string NoAi = "noai";

    // archives
    public const string WarcHeaderInvalid = "warc_header_invalid";
    public const string WarcRecordTruncated = "warc_record_truncated";
    public const string WarcRecordTooLarge = "warc_record_too_large";
    public const string ArchiveCompressionInvalid = "archive_compression_invalid";
    public const string ArcHeaderInvalid = "arc_header_invalid";
    public const string HttpResponseInvalid = "http_response_invalid";
    public const string HttpContentEncodingInvalid = "http_content_encoding_invalid";
    public const string WatJsonInvalid = "wat_json_invalid";

    // images
    public const string ImageMissing = "image_missing";
    public const string ImageNotRegularFile = "image_not_regular_file";
    public const string ImageUnreadable = "image_unreadable";
    public const string ImageTooLarge = "image_too_large";
    public const string ImageFormatUnsupported = "image_format_unsupported";
    public const string ImageHeaderInvalid = "image_header_invalid";
    public const string ImageDimensionsOutOfRange = "image_dimensions_out_of_range";
    public const string ImageTooManyPixels = "image_too_many_pixels";
    public const string ImageDecodeFailed = "image_decode_failed";
    public const string ImageTruncated = "image_truncated";
    public const string ImageAspectRatio = "image_aspect_ratio";
    public const string ImageUniform = "image_uniform";
    public const string ImageNoAi = "image_noai";

    // caption layers
    public const string CaptionMalformed = "caption_malformed";
    public const string CaptionFieldMissing = "caption_field_missing";
    public const string CaptionFieldInvalid = "caption_field_invalid";
    public const string CaptionFileUnreadable = "caption_file_unreadable";
    public const string CaptionEmpty = "caption_empty";
    public const string CaptionTooShort = "caption_too_short";
    public const string CaptionLangNotTargeted = "caption_lang_not_targeted";
    public const string CaptionLangMismatch = "caption_lang_mismatch";
    public const string CaptionImageUnknown = "caption_image_unknown";
    public const string CaptionDuplicate = "caption_duplicate";
    public const string CaptionUnpaired = "caption_unpaired";
    public const string CaptionEndpointTimeout = "caption_endpoint_timeout";
    public const string CaptionEndpointUnreachable = "caption_endpoint_unreachable";
    public const string CaptionEndpointInvalidResponse = "caption_endpoint_invalid_response";
    public const string FusedLangMismatch = "fused_lang_mismatch";
    public const string FusedCopy = "fused_copy";
    public const string FusedEntitiesLost = "fused_entities_lost";

    // dedup
    public const string DuplicatePair = "duplicate_pair";
    public const string ImageNearDuplicate = "image_near_duplicate";
    public const string BenchmarkNearDuplicate = "benchmark_near_duplicate";
    public const string BenchmarkTextOverlap = "benchmark_text_overlap";
    public const string CaptionNearDuplicate = "caption_near_duplicate";

    // quality and safety
    public const string AlignmentLow = "alignment_low";
    public const string ImageUnsafe = "image_unsafe";
    public const string ImageBlocklisted = "image_blocklisted";
    public const string JudgeAnswerInvalid = "judge_answer_invalid";
    public const string ScoreNotFinite = "score_not_finite";

    // templates: a code per HTTP status
    private const string HttpTemplate = "http_NNN";
    private const string CaptionEndpointHttpTemplate = "caption_endpoint_http_NNN";
    private const string ImageHttpTemplate = "image_http_NNN";

    private static readonly ReasonCode[] Fetching =
    [
        new(RobotsDisallowed, OutcomeKind.Dropped, ReasonFamily.Fetch),
        new(RobotsUnavailable, OutcomeKind.Failed, ReasonFamily.Fetch, Transient: true),
        new(AddressBlocked, OutcomeKind.Failed, ReasonFamily.Fetch),
        new(DnsFailed, OutcomeKind.Failed, ReasonFamily.Fetch, Transient: true),
        new(ConnectFailed, OutcomeKind.Failed, ReasonFamily.Fetch, Transient: true),
        new(HttpError, OutcomeKind.Failed, ReasonFamily.Fetch, Transient: true),
        new(Timeout, OutcomeKind.Failed, ReasonFamily.Fetch, Transient: true),
        new(RedirectLimit, OutcomeKind.Failed, ReasonFamily.Fetch),
        new(RedirectLoop, OutcomeKind.Failed, ReasonFamily.Fetch),
        new(RedirectInvalid, OutcomeKind.Failed, ReasonFamily.Fetch),
        new(SchemeUnsupported, OutcomeKind.Failed, ReasonFamily.Fetch),
        new(ContentTypeUnexpected, OutcomeKind.Failed, ReasonFamily.Fetch),
        new(TooLarge, OutcomeKind.Failed, ReasonFamily.Fetch),
        new(TooSlow, OutcomeKind.Failed, ReasonFamily.Fetch, Transient: true),
        new(HttpTemplate, OutcomeKind.Failed, ReasonFamily.Fetch, IsTemplate: true),
    ];

    /// <summary>
    /// Every code, once. <see cref="ReasonCode.Transient"/> marks failures that may go away by
    /// themselves (a timeout, a refused or reset connection, DNS, robots.txt that could not be read;
    /// for templates a 408, 429 or 5xx status), so a later run may retry exactly these; a 404, an
    /// opt-out, a decode error or a filter never changes on retry.
    /// </summary>
    public static readonly IReadOnlyList<ReasonCode> All =
    [
        new(InputMalformed, OutcomeKind.Failed, ReasonFamily.Input),
        new(InputFieldMissing, OutcomeKind.Failed, ReasonFamily.Input),
        new(InputFieldInvalid, OutcomeKind.Failed, ReasonFamily.Input),
        new(SeedInvalid, OutcomeKind.Failed, ReasonFamily.Input),
        new(ImageUrlInvalid, OutcomeKind.Failed, ReasonFamily.Input),

        new(TextEmpty, OutcomeKind.Dropped, ReasonFamily.Text),
        new(TextTooShort, OutcomeKind.Dropped, ReasonFamily.Text),
        new(TextTooLong, OutcomeKind.Dropped, ReasonFamily.Text),
        new(LangMissing, OutcomeKind.Dropped, ReasonFamily.Text),
        new(LangNotTargeted, OutcomeKind.Dropped, ReasonFamily.Text),
        new(ScriptMismatch, OutcomeKind.Dropped, ReasonFamily.Text),

        new(ImageUrlMissing, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(ImageDataUri, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(ImageSvg, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(ImageTrackingPixel, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(ImageIcon, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(AltMissing, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(AltEmpty, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(AltFilename, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(AltUrl, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(AltBoilerplate, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(AltTooShort, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(AltTooLong, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(AltMixedScript, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(AltDomainRepeated, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(LangUndetermined, OutcomeKind.Dropped, ReasonFamily.Alt),
        new(LangOther, OutcomeKind.Dropped, ReasonFamily.Alt),

        new(RobotsNoAi, OutcomeKind.Dropped, ReasonFamily.Page),
        new(RobotsNoImageAi, OutcomeKind.Dropped, ReasonFamily.Page),
        new(RobotsNoIndex, OutcomeKind.Dropped, ReasonFamily.Page),
        new(PageNotHtml, OutcomeKind.Dropped, ReasonFamily.Page),

        .. Fetching,

        new(WarcHeaderInvalid, OutcomeKind.Failed, ReasonFamily.Archive),
        new(WarcRecordTruncated, OutcomeKind.Failed, ReasonFamily.Archive),
        new(WarcRecordTooLarge, OutcomeKind.Failed, ReasonFamily.Archive),
        new(ArchiveCompressionInvalid, OutcomeKind.Failed, ReasonFamily.Archive),
        new(ArcHeaderInvalid, OutcomeKind.Failed, ReasonFamily.Archive),
        new(HttpResponseInvalid, OutcomeKind.Failed, ReasonFamily.Archive),
        new(HttpContentEncodingInvalid, OutcomeKind.Failed, ReasonFamily.Archive),
        new(WatJsonInvalid, OutcomeKind.Failed, ReasonFamily.Archive),

        new(ImageMissing, OutcomeKind.Failed, ReasonFamily.Image),
        new(ImageNotRegularFile, OutcomeKind.Failed, ReasonFamily.Image),
        new(ImageUnreadable, OutcomeKind.Failed, ReasonFamily.Image),
        new(ImageTooLarge, OutcomeKind.Failed, ReasonFamily.Image, FetchReason: TooLarge),
        new(ImageFormatUnsupported, OutcomeKind.Failed, ReasonFamily.Image),
        new(ImageHeaderInvalid, OutcomeKind.Failed, ReasonFamily.Image),
        new(ImageDimensionsOutOfRange, OutcomeKind.Dropped, ReasonFamily.Image),
        new(ImageAspectRatio, OutcomeKind.Dropped, ReasonFamily.Image),
        new(ImageUniform, OutcomeKind.Dropped, ReasonFamily.Image),
        new(ImageTooManyPixels, OutcomeKind.Failed, ReasonFamily.Image),
        new(ImageTruncated, OutcomeKind.Failed, ReasonFamily.Image),
        new(ImageDecodeFailed, OutcomeKind.Failed, ReasonFamily.Image),
        new(ImageNoAi, OutcomeKind.Dropped, ReasonFamily.Image, FetchReason: NoAi),

        // An image download fails for the reasons a page fetch does (too_large has its own entry above).
        .. Fetching.Where(f => f.Code != TooLarge).Select(f => f with { Code = "image_" + f.Code, Kind = OutcomeKind.Failed, Family = ReasonFamily.Image, FetchReason = f.Code }),

        new(CaptionMalformed, OutcomeKind.Failed, ReasonFamily.Caption),
        new(CaptionFieldMissing, OutcomeKind.Failed, ReasonFamily.Caption),
        new(CaptionFieldInvalid, OutcomeKind.Failed, ReasonFamily.Caption),
        new(CaptionFileUnreadable, OutcomeKind.Failed, ReasonFamily.Caption),
        new(CaptionEmpty, OutcomeKind.Dropped, ReasonFamily.Caption),
        new(CaptionTooShort, OutcomeKind.Dropped, ReasonFamily.Caption),
        new(CaptionLangNotTargeted, OutcomeKind.Dropped, ReasonFamily.Caption),
        new(CaptionLangMismatch, OutcomeKind.Dropped, ReasonFamily.Caption),
        new(CaptionImageUnknown, OutcomeKind.Dropped, ReasonFamily.Caption),
        new(CaptionDuplicate, OutcomeKind.Dropped, ReasonFamily.Caption),
        new(CaptionUnpaired, OutcomeKind.Dropped, ReasonFamily.Caption),
        new(CaptionEndpointHttpTemplate, OutcomeKind.Failed, ReasonFamily.Caption, IsTemplate: true),
        new(CaptionEndpointTimeout, OutcomeKind.Failed, ReasonFamily.Caption, Transient: true),
        new(CaptionEndpointUnreachable, OutcomeKind.Failed, ReasonFamily.Caption, Transient: true),
        new(CaptionEndpointInvalidResponse, OutcomeKind.Failed, ReasonFamily.Caption),
        new(FusedLangMismatch, OutcomeKind.Dropped, ReasonFamily.Caption),
        new(FusedCopy, OutcomeKind.Dropped, ReasonFamily.Caption),
        new(FusedEntitiesLost, OutcomeKind.Dropped, ReasonFamily.Caption),

        new(DuplicatePair, OutcomeKind.Dropped, ReasonFamily.Dedup),
        new(ImageNearDuplicate, OutcomeKind.Dropped, ReasonFamily.Dedup),
        new(BenchmarkNearDuplicate, OutcomeKind.Dropped, ReasonFamily.Dedup),
        new(BenchmarkTextOverlap, OutcomeKind.Dropped, ReasonFamily.Dedup),
        new(CaptionNearDuplicate, OutcomeKind.Dropped, ReasonFamily.Dedup),

        new(AlignmentLow, OutcomeKind.Dropped, ReasonFamily.Quality),
        new(ImageUnsafe, OutcomeKind.Dropped, ReasonFamily.Quality),
        new(ImageBlocklisted, OutcomeKind.Dropped, ReasonFamily.Quality),
        new(JudgeAnswerInvalid, OutcomeKind.Failed, ReasonFamily.Quality),
        new(ScoreNotFinite, OutcomeKind.Failed, ReasonFamily.Quality),
    ];

    private static readonly FrozenDictionary<string, ReasonCode> ByCode = All.ToFrozenDictionary(r => r.Code, StringComparer.Ordinal);

    private static readonly ReasonCode[] Templates = All.Where(r => r.IsTemplate).ToArray();

    private static readonly FrozenDictionary<string, ReasonCode> ByFetchReason =
        All.Where(r => r.FetchReason is not null).ToFrozenDictionary(r => r.FetchReason!, StringComparer.Ordinal);

    /// <summary>The registry's entry for a code (a template's entry for <c>http_404</c>), or null for a code it does not list.</summary>
    public static ReasonCode? Find(string code) =>
        ByCode.TryGetValue(code, out var entry) ? entry : Templates.FirstOrDefault(t => t.StatusOf(code) is not null);

    /// <summary>Whether a failure may go away by itself, as the registry says; false for a code it does not list.</summary>
    public static bool IsTransient(string code) => Find(code) is { } entry && entry.IsTransientCode(code);

    /// <summary><c>http_404</c>, <c>http_503</c>…: a page's final status when it is not a success.</summary>
    public static string Http(int status) => Format(HttpTemplate, status);

    /// <summary><c>caption_endpoint_http_429</c>, …: a caption endpoint's final status after retries.</summary>
    public static string CaptionEndpointHttp(int status) => Format(CaptionEndpointHttpTemplate, status);

    /// <summary>The code of an image download that failed with a fetch reason: <c>timeout</c> → <c>image_timeout</c>, <c>http_404</c> → <c>image_http_404</c>, <c>noai</c> → <c>image_noai</c>.</summary>
    /// <exception cref="ArgumentException">The fetch reason is not one the registry lists.</exception>
    public static string ImageFetch(string fetchReason)
    {
        if (ByFetchReason.TryGetValue(fetchReason, out var entry))
        {
            return entry.Code;
        }

        if (Find(fetchReason) is { IsTemplate: true, Code: HttpTemplate } http)
        {
            return Format(ImageHttpTemplate, http.StatusOf(fetchReason)!.Value);
        }

        throw new ArgumentException($"'{fetchReason}' is not a fetch reason of the registry", nameof(fetchReason));
    }

    private static string Format(string template, int status) =>
        template.Replace(ReasonCode.StatusPlaceholder, status.ToString("D3", CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

/// <summary>Which part of the pipeline reports a code (and which README table lists it).</summary>
public enum ReasonFamily
{
    Input,
    Text,
    Alt,
    Page,
    Fetch,
    Archive,
    Image,
    Caption,
    Dedup,
    Quality,
}

/// <summary>
/// One entry of <see cref="ReasonCodes.All"/>: a code, or with <paramref name="IsTemplate"/> a
/// family of codes with an HTTP status in place of <c>NNN</c> (transient for 408, 429 and 5xx).
/// </summary>
/// <param name="Kind">Dropped (a policy said no) or failed (could not be done).</param>
/// <param name="Transient">The failure may go away by itself; a later run may retry it.</param>
/// <param name="FetchReason">For an image download's code: the fetch reason it reports.</param>
public sealed record ReasonCode(string Code, OutcomeKind Kind, ReasonFamily Family, bool Transient = false, bool IsTemplate = false, string? FetchReason = null)
{
    public const string StatusPlaceholder = "NNN";

    /// <summary>For a template, the status a code of it carries (<c>http_503</c> → 503); null when the code is not one of it.</summary>
    public int? StatusOf(string code)
    {
        if (!IsTemplate)
        {
            return null;
        }

        string prefix = Code[..^StatusPlaceholder.Length];
        return code.Length == prefix.Length + 3 && code.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(code.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int status) && status >= 100
            ? status
            : null;
    }

    /// <summary>Whether <paramref name="code"/> (this entry's code, or one of its template) may go away by itself.</summary>
    public bool IsTransientCode(string code) =>
        IsTemplate ? StatusOf(code) is 408 or 429 or (>= 500 and <= 599) : Transient;
}
