namespace MellaPipeline.Config;

/// <summary>Dropping repeated pairs (same key) within a task.</summary>
public sealed class DedupExactOptions
{
    public bool Enabled { get; set; } = true;
}
