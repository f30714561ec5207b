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

    /// <summary>Reads back a file <see cref="WriteJson"/> wrote (a run's own stats and figures, never user input).</summary>
    public static T ReadJson<T>(string path, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), options) ?? throw new InvalidDataException($"{path}: empty file");

    /// <summary>Renames a finished temporary file into place, replacing any older file.</summary>
    public static void Commit(string tempPath, string path) => File.Move(tempPath, path, overwrite: true);
}
