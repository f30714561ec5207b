namespace MellaPipeline.Runs;

/// <summary>A run directory that cannot be used for the requested run (another config's run, a folder of other files, nothing to resume).</summary>
public sealed class RunDirectoryException(string message) : Exception(message);
