namespace MellaPipeline.Cli.Commands;

/// <summary>The DATASET argument of <c>mella coverage</c> and <c>mella split</c>: which failures to read it are the user's, and how to say so.</summary>
internal static class DatasetArgument
{
    /// <summary>A dataset that is missing, unreadable or not shards: exit 2 with <see cref="Problem"/>, not an internal error.</summary>
    public static bool IsProblem(Exception e) =>
        e is IOException or InvalidDataException or NotSupportedException;

    /// <summary>The message, naming the dataset once (the shard reader's own messages start with it).</summary>
    public static string Problem(string path, Exception e) =>
        e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}";
}
