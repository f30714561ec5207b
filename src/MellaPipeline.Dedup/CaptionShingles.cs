using System.IO.Hashing;
using System.Runtime.InteropServices;
using MellaPipeline.Metrics;
using MellaPipeline.Text;

namespace MellaPipeline.Dedup;

/// <summary>
/// The shingle set of a caption, the unit caption near-duplicates are compared in: the caption
/// after the pipeline's text normalisation, cut into the words the caption metrics count
/// (<see cref="WordTokenizer"/>: lower case, punctuation and symbols as separators, ICU words for
/// Thai), and every run of <c>size</c> consecutive words as one shingle. A caption with fewer words
/// than <c>size</c> is one shingle of all its words, so short exact repeats still match; a caption
/// without a word has no shingle and is never a near duplicate.
/// </summary>
/// <remarks>
/// Shingles are 64-bit hashes of their words (XxHash3, no seed), sorted and distinct: two captions'
/// Jaccard similarity over them equals the Jaccard over the word sequences themselves unless two
/// different shingles collide in 64 bits (about 1 in 10^17 for a pair of 20-shingle captions).
/// </remarks>
public static class CaptionShingles
{
    public static ulong[] Of(string text, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var shingles = Windows(text, size, shorterIsOne: true);
        Array.Sort(shingles);
        int distinct = shingles.Length == 0 ? 0 : 1;
        for (int i = 1; i < shingles.Length; i++)
        {
            if (shingles[i] != shingles[distinct - 1])
            {
                shingles[distinct++] = shingles[i];
            }
        }

        return distinct == shingles.Length ? shingles : shingles[..distinct];
    }

    /// <summary>
    /// The hashes of a caption's runs of <paramref name="size"/> consecutive words, in order (repeats
    /// kept): the caption normalised as stored text is, cut into evaluation's words. A caption with
    /// fewer words gives one run of all of them when <paramref name="shorterIsOne"/>, none otherwise.
    /// Caption near-duplicates and benchmark n-grams both cut captions this way.
    /// </summary>
    public static ulong[] Windows(string text, int size, bool shorterIsOne)
    {
        var words = WordTokenizer.Tokenize(TextNormalizer.Normalize(text));
        if (words.Count == 0 || (words.Count < size && !shorterIsOne))
        {
            return [];
        }

        var wordHashes = new ulong[words.Count];
        for (int i = 0; i < words.Count; i++)
        {
            wordHashes[i] = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(words[i].AsSpan()));
        }

        int width = Math.Min(size, words.Count);
        var windows = new ulong[words.Count - width + 1];
        for (int i = 0; i < windows.Length; i++)
        {
            windows[i] = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(wordHashes.AsSpan(i, width)));
        }

        return windows;
    }

    /// <summary>|A ∩ B| / |A ∪ B| of two sorted, distinct shingle sets; 0 when both are empty.</summary>
    public static double Jaccard(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        int shared = 0;
        for (int i = 0, j = 0; i < a.Length && j < b.Length;)
        {
            if (a[i] == b[j])
            {
                shared++;
                i++;
                j++;
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        int union = a.Length + b.Length - shared;
        return union == 0 ? 0 : (double)shared / union;
    }
}
