namespace MellaPipeline.Datasets;

/// <summary>
/// The <c>--out</c> folder of a command that writes a folder of its own (<c>mella split</c>, <c>mella export</c>):
/// created, or emptied of an earlier run's outputs — and of nothing else — with <c>--overwrite</c>.
/// </summary>
public static class OutputFolder
{
    /// <summary>Creates the folder, or empties it of what <paramref name="isOwnOutput"/> recognises with <paramref name="overwrite"/>; why not, otherwise (then nothing was created or removed).</summary>
    /// <param name="earlier">What an earlier run wrote, for the messages: <c>split</c> gives "replaces an earlier split" and "which is not a split's".</param>
    public static string? Prepare(string outDir, bool overwrite, Func<string, bool> isOwnOutput, string earlier)
    {
        if (Refusal(outDir, overwrite, isOwnOutput, earlier) is { } refusal)
        {
            return refusal;
        }

        Directory.CreateDirectory(outDir);
        Remove(outDir, isOwnOutput);
        return null;
    }

    /// <summary>Why <see cref="Prepare"/> would refuse the folder, or null; checks only, creating and removing nothing.</summary>
    public static string? Refusal(string outDir, bool overwrite, Func<string, bool> isOwnOutput, string earlier)
    {
        if (File.Exists(outDir))
        {
            return "is a file";
        }

        var entries = Directory.Exists(outDir) ? Directory.EnumerateFileSystemEntries(outDir).Select(e => Path.GetFileName(e)).ToArray() : [];
        if (entries.Length > 0 && !overwrite)
        {
            return $"not empty (--overwrite replaces an earlier {earlier})";
        }

        var foreign = entries.Where(e => !isOwnOutput(e)).ToArray();
        return foreign.Length > 0
            ? $"holds {string.Join(", ", foreign)}, which is not {(earlier.StartsWith('e') ? "an" : "a")} {earlier}'s; not removing it"
            : null;
    }

    /// <summary>Removes the entries of <paramref name="folder"/> whose names <paramref name="which"/> picks, folders with all they hold.</summary>
    public static void Remove(string folder, Func<string, bool> which)
    {
        foreach (var full in Directory.EnumerateFileSystemEntries(folder).Where(e => which(Path.GetFileName(e))).ToArray())
        {
            if (Directory.Exists(full))
            {
                Directory.Delete(full, recursive: true);
            }
            else
            {
                File.Delete(full);
            }
        }
    }
}
