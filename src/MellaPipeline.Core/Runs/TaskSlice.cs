namespace MellaPipeline.Runs;

/// <summary>
/// One task of a run: rank <see cref="Rank"/> of <see cref="WorldSize"/>. Inputs are split by
/// rank, so the same slice always covers the same records whichever process or machine runs it.
/// </summary>
public readonly record struct TaskSlice
{
    public TaskSlice(int rank, int worldSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, worldSize);
        Rank = rank;
        WorldSize = worldSize;
    }

    public int Rank { get; }
    public int WorldSize { get; }

    /// <summary>The rank as it appears in file names: five digits.</summary>
    public string RankName => RunDirectory.RankName(Rank);

    public override string ToString() => $"task {Rank}/{WorldSize}";
}
