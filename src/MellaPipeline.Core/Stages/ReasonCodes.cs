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
    public const string ImageUnreadable = "image_unreadable";
    public const string ImageTooLarge = "image_too_large";
    public const string ImageFormatUnsupported = "image_format_unsupported";
    public const string ImageHeaderInvalid = "image_header_invalid";
    public const string ImageDimensionsOutOfRange = "image_dimensions_out_of_range";
    public const string ImageTooManyPixels = "image_too_many_pixels";
    public const string ImageDecodeFailed = "image_decode_failed";
    public const string ImageTruncated = "image_truncated";

    // dedup
    public const string DuplicatePair = "duplicate_pair";
}
