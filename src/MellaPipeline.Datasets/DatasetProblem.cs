namespace MellaPipeline.Datasets;

/// <summary>The DATASET of <c>mella coverage</c> and <c>mella split</c>: which failures to read it are the user's, and how to say so.</summary>
public static class DatasetProblem
{
    /// <summary>A dataset that is missing, unreadable or not shards: the user's to fix (exit 2 with <see cref="Describe"/>), not an internal error.</summary>
    public static bool Is(Exception e) =>
        e is IOException or InvalidDataException or NotSupportedException;

    /// <summary>The message, naming the dataset once (the shard reader's own messages start with it).</summary>
    public static string Describe(string path, Exception e) =>
        e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}";
}
