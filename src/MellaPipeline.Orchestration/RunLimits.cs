namespace MellaPipeline.Orchestration;

/// <summary>The bounds of a run that commands check their options against.</summary>
public static class RunLimits
{
    /// <summary>Most tasks (the world size) a run is split into.</summary>
    public const int MaxTasks = 100_000;

    /// <summary>Most tasks one machine runs at once (<c>--workers</c>).</summary>
    public const int MaxWorkers = 1024;
}
