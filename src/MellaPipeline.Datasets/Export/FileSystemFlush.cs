using System.Runtime.InteropServices;

namespace MellaPipeline.Datasets.Export;

/// <summary>
/// Puts every file written so far on a file system onto the disk at once: an imagefolder export writes one file per
/// image, and an fsync each would wait for the disk once per image.
/// One <c>syncfs(2)</c> on Linux; <c>sync(2)</c> on another Unix, which has no call for one file system.
/// </summary>
internal static class FileSystemFlush
{
    /// <param name="file">Any file on the file system (a directory cannot be opened as a file handle here).</param>
    /// <exception cref="IOException">The kernel reported a failed write-back.</exception>
    public static void Flush(string file)
    {
        if (OperatingSystem.IsLinux())
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read);
            if (NativeMethods.syncfs(handle.DangerousGetHandle().ToInt32()) != 0)
            {
                throw new IOException($"{file}: flushing to disk failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        else if (!OperatingSystem.IsWindows())
        {
            NativeMethods.sync();
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int syncfs(int fd);

        [DllImport("libc")]
        public static extern void sync();
    }
}
