namespace MellaPipeline.Datasets.Splits;

/// <summary>The folder a split is written into: created, or emptied of an earlier split's outputs (and of nothing else).</summary>
public static class SplitOutputFolder
{
    /// <summary>Creates the folder, or empties an earlier split's outputs from it with <paramref name="overwrite"/>; why not, otherwise.</summary>
    public static string? Prepare(string outDir, bool overwrite)
    {
        if (File.Exists(outDir))
        {
            return "is a file";
        }

        Directory.CreateDirectory(outDir);
        var entries = Directory.EnumerateFileSystemEntries(outDir).Select(e => Path.GetFileName(e)).ToArray();
        if (entries.Length == 0)
        {
            return null;
        }

        if (!overwrite)
        {
            return "not empty (--overwrite replaces an earlier split)";
        }

        var foreign = entries.Where(e => !DatasetSplitter.Outputs.Contains(e)).ToArray();
        if (foreign.Length > 0)
        {
            return $"holds {string.Join(", ", foreign)}, which is not a split's; not removing it";
        }

        foreach (var entry in entries)
        {
            string full = Path.Combine(outDir, entry);
            if (Directory.Exists(full))
            {
                Directory.Delete(full, recursive: true);
            }
            else
            {
                File.Delete(full);
            }
        }

        return null;
    }
}
