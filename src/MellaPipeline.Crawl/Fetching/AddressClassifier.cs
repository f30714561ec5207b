using System.Net;
using System.Net.Sockets;

namespace MellaPipeline.Crawl.Fetching;

/// <summary>What kind of network an IP address belongs to, for the SSRF guard.</summary>
public enum AddressKind
{
    Public,
    Loopback,
    Private,
    LinkLocal,
    Multicast,
    Unspecified,
    Reserved,
}

/// <summary>
/// Classifies IP addresses (IPv4, IPv6, and IPv4 embedded in IPv6 as mapped or NAT64 addresses)
/// by the IANA special-purpose registries. Anything but <see cref="AddressKind.Public"/> is off
/// limits to the crawler unless explicitly allowed.
/// </summary>
public static class AddressClassifier
{
    public static AddressKind Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return Classify(address.MapToIPv4());
            }

            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            if (IPAddress.IPv6Loopback.Equals(address))
            {
                return AddressKind.Loopback;
            }

            if (IPAddress.IPv6None.Equals(address) || IPAddress.IPv6Any.Equals(address))
            {
                return AddressKind.Unspecified;
            }

            // 64:ff9b::/96 (NAT64) and ::/96 (IPv4-compatible, deprecated) carry an IPv4 address in the last 4 bytes.
            if ((b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..12].IndexOfAnyExcept((byte)0) < 0)
                || b[..12].IndexOfAnyExcept((byte)0) < 0)
            {
                return Classify(new IPAddress(b[12..]));
            }

            if (b[0] == 0xFF)
            {
                return AddressKind.Multicast;
            }

            if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
            {
                return AddressKind.LinkLocal; // fe80::/10
            }

            if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)
            {
                return AddressKind.Private; // fec0::/10, deprecated site-local
            }

            if ((b[0] & 0xFE) == 0xFC)
            {
                return AddressKind.Private; // fc00::/7 unique local
            }

            if ((b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // 2001:db8::/32 documentation
                || (b[0] == 0x01 && b[1..8].IndexOfAnyExcept((byte)0) < 0) // 100::/64 discard
                || (b[0] == 0x20 && b[1] == 0x02)) // 2002::/16 6to4 relays can reach anything
            {
                return AddressKind.Reserved;
            }

            return AddressKind.Public;
        }

        Span<byte> v4 = stackalloc byte[4];
        address.TryWriteBytes(v4, out _);
        return (v4[0], v4[1], v4[2]) switch
        {
            (0, _, _) => AddressKind.Unspecified,
            (127, _, _) => AddressKind.Loopback,
            (10, _, _) => AddressKind.Private,
            (172, >= 16 and <= 31, _) => AddressKind.Private,
            (192, 168, _) => AddressKind.Private,
            (100, >= 64 and <= 127, _) => AddressKind.Private, // carrier-grade NAT
            (169, 254, _) => AddressKind.LinkLocal,
            (>= 224 and <= 239, _, _) => AddressKind.Multicast,
            (>= 240, _, _) => AddressKind.Reserved, // includes 255.255.255.255
            (192, 0, 0) or (192, 0, 2) or (198, 51, 100) or (203, 0, 113) => AddressKind.Reserved,
            (198, 18 or 19, _) => AddressKind.Reserved, // benchmarking
            _ => AddressKind.Public,
        };
    }
}

/// <summary>
/// The crawler's rule for where it may connect: public addresses, plus exactly the addresses a
/// user (or a test) allows by name. Checked on the resolved address of every connection, so every
/// redirect hop and DNS answer is covered.
/// </summary>
public sealed class AddressGuard(IEnumerable<IPAddress>? allowed = null)
{
    private readonly HashSet<IPAddress> _allowed = [.. allowed ?? []];

    public bool IsAllowed(IPAddress address) =>
        _allowed.Contains(address) || (address.IsIPv4MappedToIPv6 && _allowed.Contains(address.MapToIPv4()))
        || AddressClassifier.Classify(address) == AddressKind.Public;
}

/// <summary>Thrown when every address of a host is off limits.</summary>
public sealed class AddressBlockedException(string host, IPAddress address)
    : Exception($"{host} resolves to {address} ({AddressClassifier.Classify(address).ToString().ToLowerInvariant()}), which the crawler may not connect to")
{
    public IPAddress Address { get; } = address;
}
