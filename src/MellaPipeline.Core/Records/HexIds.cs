using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace MellaPipeline.Records;

/// <summary>Hex ids (SHA-256 digests, pair keys, cluster ids) as numbers: millions of them fit in memory as 64-bit values, not strings.</summary>
public static class HexIds
{
    /// <summary>The first 64 bits of a hex id (its first 16 digits), or false when they are not hex.</summary>
    public static bool TryPrefix64(string hex, out ulong prefix) =>
        ulong.TryParse(hex.AsSpan(0, Math.Min(16, hex.Length)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out prefix);

    /// <summary>64 bits standing for an id: its hex prefix, or a hash of the whole text when it is not hex.</summary>
    public static ulong Id64(string id) =>
        TryPrefix64(id, out ulong prefix) ? prefix : XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(id));
}
