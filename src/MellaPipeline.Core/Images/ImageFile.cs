using MellaPipeline.Stages;

namespace MellaPipeline.Images;

/// <summary>Reads an image file under a size cap; every failure is a reason code, never an exception.</summary>
public static class ImageFile
{
    /// <returns>The bytes, or null with <paramref name="reason"/> (<c>image_missing</c>, <c>image_too_large</c>, <c>image_unreadable</c>) and a detail.</returns>
    public static byte[]? Read(string path, long maxBytes, out string? reason, out string? detail)
    {
        reason = null;
        detail = null;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                (reason, detail) = (ReasonCodes.ImageMissing, path);
                return null;
            }

            if (file.Length > maxBytes)
            {
                (reason, detail) = (ReasonCodes.ImageTooLarge, $"{file.Length} bytes > {maxBytes}");
                return null;
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            (reason, detail) = (ReasonCodes.ImageUnreadable, e.Message);
            return null;
        }
    }
}
