using System.IO.Hashing;
using System.Text;

namespace MellaPipeline.Crawl.Extraction;

/// <summary>
/// Finds a site's boilerplate alt text ("Logo of the newspaper", "Фото: пресс-служба"): the same
/// normalised alt on more than <see cref="MaxPages"/> distinct pages of one host. Pages are seen
/// in input order, so the first <see cref="MaxPages"/> pages keep their copy and later ones are
/// dropped as <see cref="AltStatus.AltDomainRepeated"/>. Alts are remembered by a 64-bit hash;
/// after <see cref="MaxEntries"/> distinct (host, alt) pairs new ones are no longer tracked, which
/// bounds memory on multi-million-page inputs.
/// </summary>
public sealed class DomainAltRepeats(int maxPages = DomainAltRepeats.DefaultMaxPages, int maxEntries = DomainAltRepeats.DefaultMaxEntries)
{
    public const int DefaultMaxPages = 2;
    public const int DefaultMaxEntries = 4_000_000;

    private readonly Dictionary<(ulong Host, ulong Alt), (ulong LastPage, int Pages)> _seen = [];

    public int MaxPages { get; } = maxPages;

    public int MaxEntries { get; } = maxEntries;

    /// <summary>Records that <paramref name="alt"/> appears on <paramref name="pageUrl"/>; true when it is now over the limit for the host.</summary>
    public bool IsRepeated(string host, string pageUrl, string alt)
    {
        var key = (Hash(host.ToLowerInvariant()), Hash(alt));
        ulong page = Hash(pageUrl);
        if (_seen.TryGetValue(key, out var entry))
        {
            if (entry.LastPage != page)
            {
                entry = (page, entry.Pages + 1);
                _seen[key] = entry;
            }

            return entry.Pages > MaxPages;
        }

        if (_seen.Count < MaxEntries)
        {
            _seen[key] = (page, 1);
        }

        return false;
    }

    private static ulong Hash(string text) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));
}
