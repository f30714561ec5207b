using System.Globalization;

namespace MellaPipeline.Records;

/// <summary>Hex ids (SHA-256 digests, pair keys, cluster ids) as numbers: millions of them fit in memory as 64-bit values, not strings.</summary>
public static class HexIds
{
    /// <summary>The first 64 bits of a hex id (its first 16 digits), or false when they are not hex.</summary>
    public static bool TryPrefix64(string hex, out ulong prefix) =>
        ulong.TryParse(hex.AsSpan(0, Math.Min(16, hex.Length)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out prefix);
}
