using System.Diagnostics;

namespace MellaPipeline.TestSupport;

/// <summary>Files that are not regular files, for tests of readers that must refuse them without blocking.</summary>
public static class SpecialFiles
{
    /// <summary>Character devices that never end (and report a size of 0).</summary>
    public const string Zero = "/dev/zero";
    public const string Urandom = "/dev/urandom";

    /// <summary>Creates a FIFO (named pipe) at <paramref name="path"/> with mkfifo(1); opening it for reading would wait for a writer forever.</summary>
    public static string Fifo(string path)
    {
        if (!File.Exists(path))
        {
            using var mkfifo = Process.Start("mkfifo", [path]);
            mkfifo.WaitForExit();
            if (mkfifo.ExitCode != 0)
            {
                throw new InvalidOperationException($"mkfifo {path} failed");
            }
        }

        return path;
    }

    /// <summary>A symbolic link at <paramref name="path"/> to <paramref name="target"/> (e.g. <see cref="Zero"/>).</summary>
    public static string Link(string path, string target)
    {
        if (!File.Exists(path))
        {
            File.CreateSymbolicLink(path, target);
        }

        return path;
    }
}
