using MellaPipeline.Input;
using MellaPipeline.Stages;

namespace MellaPipeline.Images;

/// <summary>Reads an image file under a size cap; every failure is a reason code, never an exception.</summary>
public static class ImageFile
{
    /// <returns>
    /// The bytes, or null with <paramref name="reason"/> (<c>image_missing</c>, <c>image_not_regular_file</c>,
    /// <c>image_too_large</c>, <c>image_unreadable</c>) and a detail. The cap holds while reading, so a
    /// device such as <c>/dev/zero</c> (which claims 0 bytes) cannot exhaust memory, and a FIFO is never opened.
    /// </returns>
    public static byte[]? Read(string path, long maxBytes, out string? reason, out string? detail)
    {
        var read = UserFile.ReadAllBytes(path, maxBytes);
        reason = read.Failure switch
        {
            UserFileFailure.None => null,
            UserFileFailure.Missing => ReasonCodes.ImageMissing,
            UserFileFailure.NotRegularFile => ReasonCodes.ImageNotRegularFile,
            UserFileFailure.TooLarge => ReasonCodes.ImageTooLarge,
            _ => ReasonCodes.ImageUnreadable,
        };
        detail = read.Failure == UserFileFailure.Missing ? UserFile.Excerpt(path) : read.Detail;
        return read.Bytes;
    }
}
