using System.Text.Json;

namespace MellaPipeline.Runs;

/// <summary>
/// Writes files so that a reader sees either the old content or the whole new one: write a
/// temporary sibling, flush it to disk, then rename it over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Suffix of files being written; anything ending in it is unfinished and may be deleted.</summary>
    public const string TempSuffix = ".tmp";

    public static string TempPathFor(string path) => path + TempSuffix;

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        string temp = TempPathFor(path);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        Commit(temp, path);
    }

    public static void WriteJson<T>(string path, T value, JsonSerializerOptions options) =>
        WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, options));

    /// <summary>Renames a finished temporary file into place, replacing any older file.</summary>
    public static void Commit(string tempPath, string path) => File.Move(tempPath, path, overwrite: true);
}
