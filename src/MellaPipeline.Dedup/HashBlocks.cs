namespace MellaPipeline.Dedup;

/// <summary>
/// The parts of multi-index hashing that <see cref="NearDuplicateIndex"/> (clustering) and
/// <see cref="PhashQueryIndex"/> (nearest reference) share: the bit masks of a search radius and
/// the direct-addressed table of one substring (block) of the hashes.
/// </summary>
internal static class HashBlocks
{
    /// <summary>Every mask of <paramref name="bits"/> bits with at most <paramref name="radius"/> bits set, 0 first.</summary>
    public static int[] FlipMasks(int bits, int radius)
    {
        var masks = new List<int> { 0 };
        void Add(int from, int mask, int left)
        {
            for (int bit = from; bit < bits; bit++)
            {
                int next = mask | (1 << bit);
                masks.Add(next);
                if (left > 1)
                {
                    Add(bit + 1, next, left - 1);
                }
            }
        }

        if (radius > 0)
        {
            Add(0, 0, radius);
        }

        return [.. masks];
    }

    /// <summary>How many masks <see cref="FlipMasks"/> gives, without making them.</summary>
    public static long MaskCount(int bits, int radius)
    {
        long count = 0, term = 1;
        for (int k = 0; k <= radius && k <= bits; k++)
        {
            count += term;
            term = term * (bits - k) / (k + 1);
        }

        return count;
    }
}

/// <summary>
/// The members of each bucket of one substring, contiguous (a counting sort), with their hashes
/// beside them so that comparing two buckets reads memory in order: 12 bytes a hash plus 4 bytes
/// a bucket (2^bits of them).
/// </summary>
internal sealed class BlockTable(int shift, int bits, int[] offsets, int[] members, ulong[] hashes)
{
    public int Shift { get; } = shift;
    public int Bits { get; } = bits;
    public int[] Offsets { get; } = offsets;
    public int[] Members { get; } = members;
    public ulong[] Hashes { get; } = hashes;

    public int BucketOf(ulong hash) => (int)((hash >> Shift) & ((1UL << Bits) - 1));

    public long Bytes => Offsets.Length * 4L + Members.Length * 12L;

    public static BlockTable Build(ReadOnlySpan<ulong> hashes, int shift, int bits)
    {
        var offsets = CountingOrder(hashes, shift, bits, out var order);
        var sortedHashes = new ulong[hashes.Length];
        for (int slot = 0; slot < order.Length; slot++)
        {
            sortedHashes[slot] = hashes[order[slot]];
        }

        return new BlockTable(shift, bits, offsets, order, sortedHashes);
    }

    /// <summary>
    /// The indices of <paramref name="hashes"/> sorted by their block value (stable), and the start of
    /// each block value's run in that order (2^bits + 1 offsets).
    /// </summary>
    public static int[] CountingOrder(ReadOnlySpan<ulong> hashes, int shift, int bits, out int[] order)
    {
        ulong mask = (1UL << bits) - 1;
        var offsets = new int[(1 << bits) + 1];
        foreach (ulong hash in hashes)
        {
            offsets[(int)((hash >> shift) & mask) + 1]++;
        }

        for (int i = 1; i < offsets.Length; i++)
        {
            offsets[i] += offsets[i - 1];
        }

        var next = offsets.AsSpan(0, offsets.Length - 1).ToArray();
        order = new int[hashes.Length];
        for (int i = 0; i < hashes.Length; i++)
        {
            order[next[(int)((hashes[i] >> shift) & mask)]++] = i;
        }

        return offsets;
    }
}
