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

    /// <summary>Applies the settings once; throws when libvips cannot be loaded (a broken install, not a bad image).</summary>
    public static void EnsureReady() => _ = Ready.Value;

    private static bool Configure()
    {
        if (!ModuleInitializer.VipsInitialized)
        {
            throw new InvalidOperationException("libvips could not be loaded (NetVips.Native.linux-x64): " + ModuleInitializer.Exception?.Message);
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
