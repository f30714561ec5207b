using System.Runtime.CompilerServices;
using System.Text;
using MellaPipeline.Config;
using MellaPipeline.Crawl.Archives;
using MellaPipeline.Crawl.Crawling;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Fetching;
using MellaPipeline.Crawl.Pages;
using MellaPipeline.Input;
using MellaPipeline.LanguageId;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Stages;
using MellaPipeline.Text;

namespace MellaPipeline.Crawl.Sources;

/// <summary>
/// Native alt text as pipeline input: crawled from seed URLs (kind <c>crawl</c>) or read from web
/// archives (kind <c>warc</c>; archive files are dealt to tasks round-robin). Each image becomes a
/// pair candidate when its alt text passes every rule, else a drop with the rule's reason code; a
/// page that could not be fetched or an archive record that could not be read is a failure with
/// its reason code.
/// </summary>
public sealed class NativeAltSource(InputOptions input, IReadOnlySet<string> languages, LanguageIdentifier identifier, PoliteHttpClient? client) : IRecordSource<PairCandidate>
{
    private readonly TextRuleList _altRules = AltTextFilter.Rules(input.AltText);

    public string Name => input.Kind == InputKind.Crawl ? "crawl" : "read_archives";

    public IAsyncEnumerable<StageOutcome<PairCandidate>> ReadAsync(TaskSlice slice, CancellationToken cancellationToken) =>
        input.Kind == InputKind.Crawl ? CrawlAsync(slice, cancellationToken) : ReadArchivesAsync(slice, cancellationToken);

    private async IAsyncEnumerable<StageOutcome<PairCandidate>> CrawlAsync(TaskSlice slice, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seeds = new List<string>();

        // Seeds go to tasks by web host, not by line: every page of a site is fetched by one task,
        // so per-host politeness (robots.txt, rate, concurrency) holds with no coordination between
        // processes or machines. Each task reads the whole seed list and keeps its hosts' lines.
        await foreach (var (line, url) in SeedList.ReadAsync(SeedList.Files(input.Paths), 0, 1, cancellationToken))
        {
            if (SeedList.RankOf(line, url, slice.WorldSize) != slice.Rank)
            {
                continue;
            }

            if (url is null)
            {
                yield return Failure(SiteCrawler.SeedInvalid, $"no URL in seed line \"{line}\"", line, pageUrl: null);
                continue;
            }

            seeds.Add(url);
        }

        var crawler = new SiteCrawler(client!, input.Crawl);
        var repeats = new DomainAltRepeats(input.AltText.DomainRepeatPages);
        await foreach (var page in crawler.CrawlAsync(seeds, cancellationToken))
        {
            if (page.Page is null)
            {
                yield return Failure(page.Reason!, page.Detail, page.Url, page.Url);
                continue;
            }

            foreach (var outcome in Pairs(page.Page, repeats))
            {
                yield return outcome;
            }
        }
    }

    private async IAsyncEnumerable<StageOutcome<PairCandidate>> ReadArchivesAsync(TaskSlice slice, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var files = LineRangeReader.ExpandInputs(input.Paths, "*").Where(f => ArchivePages.IsArchiveName(f)).ToArray();
        var repeats = new DomainAltRepeats(input.AltText.DomainRepeatPages);
        for (int i = slice.Rank; i < files.Length; i += slice.WorldSize)
        {
            var counts = new ArchiveCounts();
            foreach (var item in ArchivePages.Read(files[i], counts))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (item.Problem is { } problem)
                {
                    yield return Failure(problem.Reason, problem.Detail, problem.TargetUri ?? $"{Path.GetFileName(files[i])}@{problem.Offset}", problem.TargetUri);
                    continue;
                }

                foreach (var outcome in Pairs(item.Parsed ?? PageExtraction.Extract(item.Html!), repeats))
                {
                    yield return outcome;
                }
            }

            await Task.Yield();
        }
    }

    private IEnumerable<StageOutcome<PairCandidate>> Pairs(ExtractedPage page, DomainAltRepeats repeats)
    {
        foreach (var record in AltTextRecord.FromPage(page, identifier, languages, repeats, _altRules))
        {
            string key = PairKey.For(PairSources.Native, record.ImageUrl, record.PageUrl, record.AltRaw ?? string.Empty);
            if (record.Status != AltStatus.Kept)
            {
                yield return StageOutcome<PairCandidate>.Dropped(record.Status, record.ImageUrl ?? record.AltText, new UnparsedInput(key, record.PageUrl, record.ImageUrl, record.PageUrl));
                continue;
            }

            yield return StageOutcome<PairCandidate>.Ok(new PairCandidate(
                key, record.PageUrl, PairSources.Native, record.AltText, record.Lang, record.Script, record.ImageUrl, record.PageUrl, null, null, null)
            {
                TextNormalized = true,
            });
        }
    }

    /// <summary>
    /// A page we may not use (robots.txt, not HTML) is a policy drop; one we could not get is a failure.
    /// Its reject names the page (<paramref name="pageUrl"/>, when known) but no image: none was found.
    /// </summary>
    private static StageOutcome<PairCandidate> Failure(string reason, string? detail, string subject, string? pageUrl)
    {
        var subjectRecord = new UnparsedInput(PairKey.ForRawLine(Encoding.UTF8.GetBytes(subject)), subject, Url: null, pageUrl);
        return reason is FetchReasons.RobotsDisallowed or PageStatus.NotHtml
            ? StageOutcome<PairCandidate>.Dropped(reason, detail, subjectRecord)
            : StageOutcome<PairCandidate>.Failed(reason, detail, subjectRecord);
    }
}
