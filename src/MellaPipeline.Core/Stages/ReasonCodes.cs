namespace MellaPipeline.Stages;

/// <summary>
/// Every reason code a built-in stage can put in a reject record. Codes are snake_case, stable,
/// and documented in the README's "Reject reasons" table; add new ones here, never inline.
/// </summary>
public static class ReasonCodes
{
    // input
    public const string InputMalformed = "input_malformed";
    public const string InputFieldMissing = "input_field_missing";
    public const string InputFieldInvalid = "input_field_invalid";

    // text
    public const string TextEmpty = "text_empty";
    public const string TextTooShort = "text_too_short";
    public const string TextTooLong = "text_too_long";
    public const string LangNotTargeted = "lang_not_targeted";
    public const string LangMissing = "lang_missing";
    public const string ScriptMismatch = "script_mismatch";

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

    /// <summary><c>caption_endpoint_http_429</c>, <c>caption_endpoint_http_500</c>, …: the endpoint's final answer after retries.</summary>
    public const string CaptionEndpointHttpPrefix = "caption_endpoint_http_";

    // dedup
    public const string DuplicatePair = "duplicate_pair";
    public const string ImageNearDuplicate = "image_near_duplicate";

    /// <summary>Prefixes of the reasons of a request made for something else than a page: an image download, a caption endpoint.</summary>
    private static readonly string[] TransientPrefixes = ["image_", "caption_endpoint_"];

    /// <summary>
    /// Whether a failure may go away by itself (a timeout, a refused or reset connection, DNS, a
    /// 408, 429 or 5xx answer, robots.txt that could not be read), so that a later run may retry
    /// exactly these; a 404, an opt-out, a decode error or a filter never changes on retry. Reasons
    /// of image downloads carry the prefix <c>image_</c>, those of caption endpoints <c>caption_endpoint_</c>.
    /// </summary>
    public static bool IsTransient(string reason)
    {
        string code = TransientPrefixes.FirstOrDefault(p => reason.StartsWith(p, StringComparison.Ordinal)) is { } prefix ? reason[prefix.Length..] : reason;
        return code is "timeout" or "too_slow" or "dns_failed" or "connect_failed" or "unreachable" or "http_error" or "robots_unavailable" or "http_408" or "http_429"
            || (code.StartsWith("http_5", StringComparison.Ordinal) && code.Length == 8);
    }
}
