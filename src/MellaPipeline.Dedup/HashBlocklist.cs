using System.Globalization;
using MellaPipeline.Images;
using MellaPipeline.Input;

namespace MellaPipeline.Dedup;

/// <summary>
/// <c>stages.safety.blocklist</c>: hash lists as a child-safety organisation supplies them, one
/// entry a line — 64 hex digits (a SHA-256 of the image file) or 16 (a perceptual hash as
/// <c>mella phash</c> prints it), optionally a tab and an id (ignored), <c>#</c> comments and blank
/// lines skipped. Any other line makes the whole list unusable (a load-time problem naming file and
/// line): a list read halfway would let through what it was meant to stop. SHA-256 entries cost
/// 32 bytes each in a hash set (about 48 with its entry and bucket), perceptual hashes a
/// <see cref="PhashQueryIndex"/>.
/// </summary>
public sealed class HashBlocklist : IImageBlocklist
{
    private readonly HashSet<UInt128Pair> _sha256;
    private readonly PhashQueryIndex? _perceptual;

    private HashBlocklist(HashSet<UInt128Pair> sha256, PhashQueryIndex? perceptual)
    {
        _sha256 = sha256;
        _perceptual = perceptual;
    }

    public bool HasSha256 => _sha256.Count > 0;

    public bool HasPerceptualHashes => _perceptual is not null;

    /// <summary>Listed SHA-256 values and perceptual hashes.</summary>
    public int Count => _sha256.Count + (_perceptual?.Count ?? 0);

    public bool BlocksSha256(ReadOnlySpan<byte> sha256) => _sha256.Contains(UInt128Pair.From(sha256));

    public bool BlocksPerceptualHash(ulong hash) => _perceptual is not null && _perceptual.Nearest(hash).Found;

    /// <summary>Reads every file of <paramref name="files"/>; null with the first problem (<c>FILE:LINE: what</c>, or <c>FILE: what</c>) when one is unusable.</summary>
    public static HashBlocklist? Read(IReadOnlyList<string> files, int threshold, out string? problem)
    {
        var sha256 = new HashSet<UInt128Pair>();
        var perceptual = new List<ulong>();
        Span<byte> digest = stackalloc byte[32];
        foreach (string file in files)
        {
            foreach (var (number, text, lineProblem) in UserFile.ReadLines(file))
            {
                if (text is null)
                {
                    problem = number == 0 ? $"{file}: {lineProblem}" : $"{file}:{number}: {lineProblem}";
                    return null;
                }

                var entry = text.AsSpan().Trim();
                if (entry.IsEmpty || entry[0] == '#')
                {
                    continue;
                }

                int tab = entry.IndexOf('\t');
                var hex = tab < 0 ? entry : entry[..tab].TrimEnd();
                if (hex.Length == 64 && Convert.FromHexString(hex, digest, out _, out int written) == System.Buffers.OperationStatus.Done && written == 32)
                {
                    sha256.Add(UInt128Pair.From(digest));
                }
                else if (hex.Length == 16 && ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hash))
                {
                    perceptual.Add(hash);
                }
                else
                {
                    problem = $"{file}:{number}: expected a SHA-256 (64 hex digits) or a perceptual hash (16), optionally a tab and an id, got \"{UserFile.Excerpt(text, 80)}\"";
                    return null;
                }
            }
        }

        problem = null;
        return new HashBlocklist(sha256, perceptual.Count == 0 ? null : PhashQueryIndex.Build(perceptual.ToArray(), threshold));
    }

    /// <summary>A SHA-256 as two 128-bit halves: a set of them costs 32 bytes an entry, not a string's 150.</summary>
    private readonly record struct UInt128Pair(UInt128 High, UInt128 Low)
    {
        public static UInt128Pair From(ReadOnlySpan<byte> digest) => new(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(digest), System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(digest[16..]));
    }
}
