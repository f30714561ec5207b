using NetVips;

namespace MellaPipeline.Imaging;

/// <summary>
/// The process-wide libvips settings, applied once before the first image: only the JPEG, PNG,
/// GIF and WebP buffer loaders may run (libvips also carries TIFF, HEIF, SVG, UltraHDR, CSV,
/// matrix and its own format loaders, which hostile bytes must never reach, even if the header
/// sniff were wrong); no operation cache (every image is new bytes, a cache would only hold
/// their pixels); one libvips worker thread per image, because <c>load_images.concurrency</c>
/// already runs many images at once and libvips' default of one thread per core on each of them
/// would oversubscribe the cores; libvips' warnings (a JPEG with extraneous bytes, …) are not
/// printed: an image that fails comes back as a reject with libvips' error instead.
/// </summary>
public static class VipsRuntime
{
    /// <summary>The libvips operations left unblocked, by nickname.</summary>
    public static readonly IReadOnlyList<string> AllowedLoaders = ["jpegload_buffer", "pngload_buffer", "gifload_buffer", "webpload_buffer"];

    private static readonly Lazy<bool> Ready = new(Configure, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Applies the settings once; throws <see cref="InvalidOperationException"/> with <see cref="Describe"/>'s line when libvips cannot be loaded (a broken install, not a bad image).</summary>
    public static void EnsureReady() => _ = Ready.Value;

    /// <summary>Why libvips cannot be used, in one line naming it, or null when it is ready: for the commands to refuse <c>vips</c> up front (exit 2).</summary>
    public static string? Problem
    {
        get
        {
            try
            {
                EnsureReady();
                return null;
            }
            catch (InvalidOperationException e)
            {
                return e.Message;
            }
        }
    }

    /// <summary>The one line a missing or unloadable libvips is reported with (<paramref name="cause"/> flattened onto it), or null when it loaded.</summary>
    public static string? Describe(bool initialized, Exception? cause)
    {
        if (initialized)
        {
            return null;
        }

        string why = cause is null ? "" : ": " + string.Join(' ', cause.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return "libvips could not be loaded (NetVips.Native.linux-x64 8.18)" + why;
    }

    private static bool Configure()
    {
        if (Describe(ModuleInitializer.VipsInitialized, ModuleInitializer.Exception) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        Operation.Block("VipsForeignLoad", true);
        foreach (string loader in AllowedLoaders)
        {
            Operation.Block(global::NetVips.NetVips.TypeName(global::NetVips.NetVips.TypeFind("VipsOperation", loader)), false);
        }

        Cache.Max = 0;
        Cache.MaxMem = 0;
        Cache.MaxFiles = 0;
        global::NetVips.NetVips.Concurrency = 1;
        Log.SetLogHandler("VIPS", Enums.LogLevelFlags.Warning | Enums.LogLevelFlags.Message | Enums.LogLevelFlags.Info | Enums.LogLevelFlags.Debug, static (_, _, _) => { });
        return true;
    }
}
