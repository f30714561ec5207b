using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using MellaPipeline.Metrics;
using MellaPipeline.Text;

namespace MellaPipeline.Dedup;

/// <summary>
/// The word n-grams of a caption as 64-bit hashes, for benchmark text decontamination (datatrove's
/// rule: a caption sharing one word 13-gram with a benchmark caption is contaminated). The text
/// gets the pipeline's caption normalisation (<see cref="TextNormalizer"/>) and evaluation's words
/// (<see cref="WordTokenizer"/>: lower case, punctuation dropped, Thai split into ICU words), so a
/// reference and a row with the same words in another case or punctuation share their n-grams. A
/// caption of fewer than n words has none. The words are cut as caption near-duplicates cut them
/// (<see cref="CaptionShingles.Windows"/>); the hashes are XxHash3, the same in every process.
/// </summary>
internal static class CaptionNgrams
{
    public static void AddHashes(string text, int n, List<ulong> hashes) => hashes.AddRange(CaptionShingles.Windows(text, n, shorterIsOne: false));
}

/// <summary>
/// The n-gram hashes of every benchmark caption, sorted, each with where it was first seen (file
/// index and line): 16 bytes a distinct n-gram, looked up by binary search. Written to and read
/// from <c>reduce/benchmark.ngrams</c>: the count, then the hashes, then their places (little-endian).
/// </summary>
internal sealed class NgramSet(ulong[] hashes, ulong[] places)
{
    private const int LineBits = 40;

    public int Count => hashes.Length;

    public static ulong Place(int file, long line) => ((ulong)file << LineBits) | (ulong)line;

    public static (int File, long Line) Unpack(ulong place) => ((int)(place >> LineBits), (long)(place & ((1UL << LineBits) - 1)));

    /// <summary>Sorts and deduplicates (hash, place) pairs, keeping each hash's first place.</summary>
    public static NgramSet From(List<(ulong Hash, ulong Place)> pairs)
    {
        pairs.Sort();
        var hashes = new List<ulong>(pairs.Count);
        var places = new List<ulong>(pairs.Count);
        foreach (var (hash, place) in pairs)
        {
            if (hashes.Count == 0 || hashes[^1] != hash)
            {
                hashes.Add(hash);
                places.Add(place);
            }
        }

        return new NgramSet([.. hashes], [.. places]);
    }

    /// <summary>The place of the first of <paramref name="ngrams"/> in the set, or null.</summary>
    public ulong? FirstShared(List<ulong> ngrams)
    {
        foreach (ulong ngram in ngrams)
        {
            int at = Array.BinarySearch(hashes, ngram);
            if (at >= 0)
            {
                return places[at];
            }
        }

        return null;
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[8 + hashes.Length * 16L];
        BitConverter.TryWriteBytes(bytes, (long)hashes.Length);
        MemoryMarshal.AsBytes(hashes.AsSpan()).CopyTo(bytes.AsSpan(8));
        MemoryMarshal.AsBytes(places.AsSpan()).CopyTo(bytes.AsSpan(8 + hashes.Length * 8));
        return bytes;
    }

    public static NgramSet FromBytes(byte[] bytes)
    {
        long count = BitConverter.ToInt64(bytes, 0);
        if (bytes.Length != 8 + count * 16)
        {
            throw new InvalidDataException($"benchmark n-gram file: {bytes.Length} bytes for {count} n-grams");
        }

        var hashes = MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan(8, (int)count * 8)).ToArray();
        var places = MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan(8 + (int)count * 8)).ToArray();
        return new NgramSet(hashes, places);
    }
}
