using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MellaPipeline.Dedup;

/// <summary>
/// MinHash band hashes of a shingle set for locality-sensitive hashing: <see cref="Bands"/> bands of
/// <see cref="RowsPerBand"/> MinHash values, each band folded to 32 bits. Two captions become
/// candidates when any band of theirs is equal; the candidates are then verified by their exact
/// Jaccard, so the sketch decides only what is compared, never what is dropped.
/// </summary>
/// <remarks>
/// <para>
/// Bands and rows are chosen for the default Jaccard threshold 0.8: a pair with Jaccard s becomes a
/// candidate with probability 1 − (1 − s⁴)¹². The S-curve:
/// s = 0.2 → 0.019, 0.3 → 0.093, 0.4 → 0.27, 0.5 → 0.54, 0.6 → 0.81, 0.7 → 0.96,
/// s = 0.8 → 0.9982, 0.85 → 0.99986, 0.9 → 0.99999.
/// So at most 0.18% of the pairs at exactly the threshold, and far fewer above it, are missed, while
/// unrelated captions (s near 0 over word 5-grams) are almost never compared. The curve's midpoint,
/// (1/12)^(1/4) ≈ 0.54, lies well below the threshold on purpose: a candidate costs one exact
/// comparison, a miss costs a duplicate left in the dataset.
/// </para>
/// <para>
/// Memory: 12 × 4 = 48 bytes a row. The 48 MinHash functions are fixed (seeds from a constant), so
/// the same caption has the same bands in every run and on every machine.
/// </para>
/// </remarks>
public static class CaptionMinHash
{
    public const int Bands = 12;
    public const int RowsPerBand = 4;
    public const int Functions = Bands * RowsPerBand;

    /// <summary>The seed of the functions' seeds, fixed so that band hashes are stable across runs.</summary>
    private const ulong SeedOfSeeds = 0x4d45_4c4c_4143_4150UL;

    private static readonly ulong[] Seeds = MakeSeeds();

    /// <summary>Writes the <see cref="Bands"/> band hashes of a non-empty shingle set into <paramref name="bands"/>.</summary>
    public static void BandHashes(ReadOnlySpan<ulong> shingles, Span<uint> bands)
    {
        if (shingles.IsEmpty || bands.Length != Bands)
        {
            throw new ArgumentException($"{shingles.Length} shingles into {bands.Length} bands: need at least one shingle and {Bands} bands");
        }

        Span<ulong> mins = stackalloc ulong[Functions];
        mins.Fill(ulong.MaxValue);
        foreach (ulong shingle in shingles)
        {
            for (int f = 0; f < Functions; f++)
            {
                mins[f] = Math.Min(mins[f], Mix(shingle ^ Seeds[f]));
            }
        }

        for (int b = 0; b < Bands; b++)
        {
            bands[b] = (uint)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(mins.Slice(b * RowsPerBand, RowsPerBand)));
        }
    }

    /// <summary>SplitMix64's finaliser: a bijection of 64-bit values whose output bits all depend on every input bit.</summary>
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xbf58_476d_1ce4_e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d0_49bb_1331_11ebUL;
        return x ^ (x >> 31);
    }

    private static ulong[] MakeSeeds()
    {
        var seeds = new ulong[Functions];
        ulong state = SeedOfSeeds;
        for (int f = 0; f < Functions; f++)
        {
            state += 0x9e37_79b9_7f4a_7c15UL;
            seeds[f] = Mix(state);
        }

        return seeds;
    }
}
