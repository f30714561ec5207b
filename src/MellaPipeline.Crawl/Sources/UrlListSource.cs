using System.Runtime.CompilerServices;
using MellaPipeline.Config;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.UrlLists;
using MellaPipeline.LanguageId;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Stages;
using MellaPipeline.Text;

namespace MellaPipeline.Crawl.Sources;

/// <summary>
/// <c>kind: urls</c>: URL lists (LAION, WIT, COYO, img2dataset's <c>url</c>/<c>caption</c>,
/// <c>mella extract</c> tables) as pair candidates. Each row's caption goes through the alt-text
/// rules and language ID as a crawled alt does; the list's language column is only a hint, like
/// <c>&lt;html lang&gt;</c>, for text that is ambiguous on its own. The repeated-alt rule applies
/// only to rows that name their page (a caption repeated over many image hosts is not a site's
/// boilerplate). A candidate has an image URL and no image file, so <c>load_images</c> downloads it.
/// </summary>
public sealed class UrlListSource(InputOptions input, IReadOnlySet<string> languages, Func<LanguageIdentifier> identifier) : IRecordSource<PairCandidate>
{
    private readonly TextRuleList _altRules = AltTextFilter.Rules(input.AltText);

    public string Name => "read_urls";

    public async IAsyncEnumerable<StageOutcome<PairCandidate>> ReadAsync(TaskSlice slice, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var files = UrlListFiles.Expand(input.Paths);
        var repeats = new DomainAltRepeats(input.AltText.DomainRepeatPages);
        foreach (var share in await UrlListSlices.ForAsync(files, slice, cancellationToken))
        {
            var (columns, problem) = await UrlListFiles.ColumnsAsync(share.File, cancellationToken);
            var (layout, layoutProblem) = problem is null ? UrlListLayout.Resolve(input, columns) : (null, problem);
            if (layout is null)
            {
                // Checked before the run started; a file changed since then is one failure, not a crash.
                yield return StageOutcome<PairCandidate>.Failed(ReasonCodes.InputMalformed, $"{share.File.Name}: {layoutProblem}", Subject(share.File.Name, null, null));
                continue;
            }

            // Damage behind a readable start (a corrupt Parquet page, a broken gzip stream) ends this share with one
            // failure naming the file and the last row read; the rows before it and the other files are kept.
            await using var rows = UrlListSlices.ReadAsync(share, layout, columns, cancellationToken).GetAsyncEnumerator(cancellationToken);
            string last = "its start";
            while (true)
            {
                string? damage = null;
                try
                {
                    if (!await rows.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is IOException or InvalidDataException or IndexOutOfRangeException or ArgumentException
                    or InvalidOperationException or NotSupportedException or OverflowException)
                {
                    damage = $"{e.GetType().Name}: {e.Message}";
                }

                if (damage is not null)
                {
                    yield return StageOutcome<PairCandidate>.Failed(
                        ReasonCodes.InputMalformed, $"{share.File.Name}: unreadable after {last} ({damage}); the rest of this task's part of the file is not read",
                        Subject($"{share.File.Name} after {last}", null, null));
                    break;
                }

                last = rows.Current.Origin;
                yield return Judge(rows.Current, repeats);
            }
        }
    }

    private StageOutcome<PairCandidate> Judge(UrlListRow row, DomainAltRepeats repeats)
    {
        string source = row.Source ?? PairSources.Native;
        string key = PairKey.For(PairSources.IsKnown(source) ? source : PairSources.Native, row.Url ?? row.Origin, row.PageUrl, row.AltRaw ?? row.Caption ?? string.Empty);
        var subject = new UnparsedInput(key, row.Origin, row.Url, row.PageUrl);
        if (row.Problem is not null)
        {
            return StageOutcome<PairCandidate>.Failed(row.Problem, row.ProblemDetail, subject);
        }

        if (row.ExtractStatus is { } status && status != AltStatus.Kept)
        {
            // mella extract already judged this image: its own reason stands.
            return ReasonCodes.Find(status) is { } code
                ? StageOutcome<PairCandidate>.Dropped(code.Code, "dropped by mella extract", subject)
                : StageOutcome<PairCandidate>.Failed(ReasonCodes.InputFieldInvalid, $"'status' is not 'kept' or a reason code: '{UserFileExcerpt(status)}'", subject);
        }

        if (!PairSources.IsKnown(source))
        {
            return StageOutcome<PairCandidate>.Failed(
                ReasonCodes.InputFieldInvalid, $"'{input.SourceColumn}' must be '{PairSources.Native}' or '{PairSources.Mllm}', got '{UserFileExcerpt(source)}'", subject);
        }

        if (row.Url is { } url && !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
            && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"))
        {
            return StageOutcome<PairCandidate>.Failed(ReasonCodes.ImageUrlInvalid, $"not an absolute http(s) URL: {UserFileExcerpt(url)}", subject);
        }

        string? host = Uri.TryCreate(row.PageUrl, UriKind.Absolute, out var page) ? page.Host : null;
        var image = new ExtractedImage(0, row.Url, row.Url, row.AltRaw ?? row.Caption, null, null, null, null);
        var judged = AltTextRecord.ForImage(
            row.PageUrl ?? string.Empty, host, new LanguageHints(row.Lang, host), null, image, identifier(), languages, repeats, _altRules);
        if (judged.Status != AltStatus.Kept)
        {
            return StageOutcome<PairCandidate>.Dropped(judged.Status, row.Url is null ? null : judged.AltText, subject);
        }

        return StageOutcome<PairCandidate>.Ok(new PairCandidate(
            key, row.Origin, source, judged.AltText, judged.Lang, judged.Script, row.Url, row.PageUrl, null, null, null)
        {
            TextNormalized = true,
            SourceMeta = row.SourceMeta,
        });
    }

    private static UnparsedInput Subject(string origin, string? url, string? pageUrl) =>
        new(PairKey.ForRawLine(System.Text.Encoding.UTF8.GetBytes(origin)), origin, url, pageUrl);

    private static string UserFileExcerpt(string value) => Input.UserFile.Excerpt(value, 120);
}
