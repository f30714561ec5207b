namespace MellaPipeline.Datasets.Splits;

/// <summary>The folder a split is written into: created, or emptied of an earlier split's outputs (and of nothing else).</summary>
public static class SplitOutputFolder
{
    /// <summary>Creates the folder, or empties an earlier split's outputs from it with <paramref name="overwrite"/>; why not, otherwise.</summary>
    public static string? Prepare(string outDir, bool overwrite) =>
        OutputFolder.Prepare(outDir, overwrite, DatasetSplitter.Outputs.Contains, "split");
}
