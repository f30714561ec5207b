using System.Runtime.CompilerServices;
using MellaPipeline.Config;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Crawl.Pages;

namespace MellaPipeline.Crawl.Crawling;

/// <summary>A crawled URL: its extracted page, or why there is none.</summary>
public sealed record CrawledPage(string Url, int Depth, ExtractedPage? Page, string? Reason, string? Detail);

/// <summary>
/// Breadth-first crawl from seed URLs through <see cref="PoliteHttpClient"/>: level by level,
/// fetching a level's pages concurrently but reporting them in a fixed order (seeds in input
/// order, then links in the order pages list them), so the same site gives the same output.
/// Links are followed on the seed's site only (its host and subdomains), never from a page that
/// says <c>nofollow</c>, and each URL is fetched once. How far it goes (<c>max_depth</c>,
/// <c>max_pages_per_site</c>, <c>concurrency</c>) is the pipeline's <see cref="CrawlOptions"/>, bound as they are.
/// </summary>
public sealed class SiteCrawler(PoliteHttpClient client, CrawlOptions options)
{
    public const string SeedInvalid = Stages.ReasonCodes.SeedInvalid;

    public async IAsyncEnumerable<CrawledPage> CrawlAsync(IEnumerable<string> seeds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pagesPerSite = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var level = new List<(Uri Url, string Site)>();
        foreach (var seed in seeds)
        {
            if (!Uri.TryCreate(seed.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                yield return new CrawledPage(seed, 0, null, SeedInvalid, "not an absolute http(s) URL");
                continue;
            }

            string site = SiteOf(url);
            if (seen.Add(url.AbsoluteUri) && Take(pagesPerSite, site))
            {
                level.Add((url, site));
            }
        }

        for (int depth = 0; level.Count > 0; depth++)
        {
            var results = new CrawledPage[level.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, level.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = cancellationToken },
                async (i, token) => results[i] = await FetchPageAsync(level[i].Url, depth, token));

            var next = new List<(Uri Url, string Site)>();
            for (int i = 0; i < results.Length; i++)
            {
                yield return results[i];
                if (depth >= options.MaxDepth || results[i].Page is not { } page || page.Robots.NoFollow)
                {
                    continue;
                }

                foreach (var link in page.Links)
                {
                    var url = new Uri(link);
                    if (IsSameSite(url, level[i].Site) && !seen.Contains(url.AbsoluteUri) && Take(pagesPerSite, level[i].Site))
                    {
                        seen.Add(url.AbsoluteUri);
                        next.Add((url, level[i].Site));
                    }
                }
            }

            level = next;
        }
    }

    private async Task<CrawledPage> FetchPageAsync(Uri url, int depth, CancellationToken cancellationToken)
    {
        var result = await client.FetchAsync(url, FetchKind.Page, cancellationToken);
        if (result.Response is not { } response)
        {
            return new CrawledPage(url.AbsoluteUri, depth, null, result.Reason, result.Detail);
        }

        if (!ContentTypes.IsHtml(response.ContentType, response.Body))
        {
            return new CrawledPage(url.AbsoluteUri, depth, null, PageStatus.NotHtml, response.ContentType ?? "no Content-Type, body is not HTML");
        }

        return new CrawledPage(url.AbsoluteUri, depth, PageExtraction.Extract(response, client.ProductToken, collectLinks: true), null, null);
    }

    private bool Take(Dictionary<string, int> pagesPerSite, string site)
    {
        int taken = pagesPerSite.GetValueOrDefault(site);
        if (taken >= options.MaxPagesPerSite)
        {
            return false;
        }

        pagesPerSite[site] = taken + 1;
        return true;
    }

    private static string SiteOf(Uri url) => url.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? url.Host[4..] : url.Host;

    private static bool IsSameSite(Uri url, string site) =>
        url.Host.Equals(site, StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith("." + site, StringComparison.OrdinalIgnoreCase);
}
