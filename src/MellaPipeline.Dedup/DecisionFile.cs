using System.Buffers.Binary;

namespace MellaPipeline.Dedup;

/// <summary>What the filter does with one staged row.</summary>
internal enum RowDecision : byte
{
    NearDuplicate = 0,
    Kept = 1,
    RepeatedKey = 2,

    /// <summary>Within the threshold of a benchmark image (<c>stages.decontaminate</c>): not clustered.</summary>
    BenchmarkNearDuplicate = 3,

    /// <summary>The caption shares an n-gram with a benchmark caption: not clustered.</summary>
    BenchmarkTextOverlap = 4,

    /// <summary>Dropped for its caption (<c>dedup_captions</c>); the entry's cluster field holds the Jaccard with the kept row's caption, as the bits of a double.</summary>
    CaptionNearDuplicate = 5,
}

/// <summary>One row's entry in a <c>reduce/RRRRR.clusters</c> file.</summary>
/// <param name="Cluster">The row's cluster id; for a repeated key, the rank of the task whose row has the key; for a benchmark near duplicate, the benchmark item's index; for a text overlap, the reference's file and line (<see cref="NgramSet.Place"/>).</param>
/// <param name="KeptKey">The key of the row kept in this row's place (near duplicates only); for a benchmark near duplicate, the distance.</param>
internal readonly record struct RowEntry(ulong Cluster, RowDecision Decision, UInt128 KeptKey);

/// <summary>
/// The format of a <c>.clusters</c> file: one fixed-size slot per staged row, in row order:
/// cluster id (8 bytes, little-endian), decision (1), key of the row kept in its place (16, big-endian).
/// </summary>
internal static class DecisionFile
{
    public const int SlotBytes = 25;

    public static void Write(Span<byte> file, int row, RowEntry entry)
    {
        var slot = file.Slice(row * SlotBytes, SlotBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(slot, entry.Cluster);
        slot[8] = (byte)entry.Decision;
        BinaryPrimitives.WriteUInt128BigEndian(slot[9..], entry.KeptKey);
    }

    public static RowEntry Read(ReadOnlySpan<byte> file, int row)
    {
        var slot = file.Slice(row * SlotBytes, SlotBytes);
        return new RowEntry(BinaryPrimitives.ReadUInt64LittleEndian(slot), (RowDecision)slot[8], BinaryPrimitives.ReadUInt128BigEndian(slot[9..]));
    }
}
