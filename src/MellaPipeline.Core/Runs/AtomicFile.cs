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

    /// <summary>
    /// A temporary sibling of <paramref name="path"/> no other writer uses: for files several processes
    /// may write at once (the run's config, saved by every rank that starts), where one shared temporary
    /// name would make the second writer fail on the first one's open file.
    /// </summary>
    public static string UniqueTempPathFor(string path) =>
        $"{path}.{Environment.ProcessId}-{Guid.NewGuid():N}{TempSuffix}";

    /// <summary>True when <paramref name="entry"/> is an unfinished write of <paramref name="path"/>, by either naming.</summary>
    public static bool IsTempOf(string entry, string path) =>
        entry.StartsWith(path, StringComparison.Ordinal) && entry.EndsWith(TempSuffix, StringComparison.Ordinal);

    /// <param name="path">The file to replace.</param>
    /// <param name="content">Its whole new content.</param>
    /// <param name="writtenByManyProcesses">Several processes may write this file at the same moment (see <see cref="UniqueTempPathFor"/>).</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, bool writtenByManyProcesses = false)
    {
        string temp = writtenByManyProcesses ? UniqueTempPathFor(path) : TempPathFor(path);
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
