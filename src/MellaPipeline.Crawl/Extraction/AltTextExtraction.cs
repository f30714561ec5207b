using MellaPipeline.Config;
using MellaPipeline.Crawl.Archives;
using MellaPipeline.Crawl.Pages;
using MellaPipeline.Input;
using MellaPipeline.LanguageId;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using MellaPipeline.Stages;
using MellaPipeline.Text;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Crawl.Extraction;

/// <summary>One input of <c>mella extract</c>: an HTML or archive file, and its path relative to the folder given (for <c>--base-url</c>).</summary>
public sealed record ExtractInput(string Path, string Relative);

/// <summary>
/// The rules <c>mella extract</c> applies: a pipeline's <c>input.alt_text</c> and <c>languages</c>,
/// so that extract and <c>mella run</c> decide each alt alike; the defaults without a pipeline.
/// </summary>
public sealed record AltTextSettings(AltTextOptions AltText, IReadOnlySet<string>? Languages)
{
    public static AltTextSettings Defaults { get; } = new(new AltTextOptions(), null);

    /// <summary>The first <c>crawl</c> or <c>warc</c> input's alt-text rules (else the first input's) and the pipeline's languages.</summary>
    public static AltTextSettings From(IReadOnlyList<InputOptions> inputs, IEnumerable<string> languages)
    {
        var input = inputs.FirstOrDefault(i => i.Kind is InputKind.Crawl or InputKind.Warc) ?? inputs[0];
        return new AltTextSettings(input.AltText, languages.ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>
/// <c>mella extract</c>'s work, apart from parsing options and printing: which files its inputs
/// name, and each file's records, in order (HTML pages and web archives, whose unreadable records
/// give a record with their reason). Alt texts repeated across pages are tracked over all files.
/// </summary>
public sealed partial class AltTextExtraction(AltTextSettings settings, LanguageIdentifier identifier, ILogger logger)
{
    private readonly TextRuleList _rules = AltTextFilter.Rules(settings.AltText);
    private readonly DomainAltRepeats _repeats = new(settings.AltText.DomainRepeatPages);

    /// <summary>
    /// The files to read: each file named, and the HTML and archive files under each folder named (recursively, in path order);
    /// or the one-line reason an input cannot be read. A FIFO or device is refused before anything opens it (a FIFO would block forever).
    /// </summary>
    public static (List<ExtractInput> Files, string? Problem) CollectInputs(IEnumerable<FileSystemInfo> inputs)
    {
        var files = new List<ExtractInput>();
        foreach (var input in inputs)
        {
            if (input is DirectoryInfo { Exists: true } dir)
            {
                files.AddRange(LineRangeReader.RegularFilesUnder(dir.FullName, "*")
                    .Where(f => IsHtmlName(f) || ArchivePages.IsArchiveName(f))
                    .Order(StringComparer.Ordinal)
                    .Select(f => new ExtractInput(f, Path.GetRelativePath(dir.FullName, f))));
            }
            else if (UserFile.KindOf(input.FullName) == UserFileKind.RegularFile)
            {
                files.Add(new ExtractInput(input.FullName, input.Name));
            }
            else
            {
                return (files, $"{input}: {(UserFile.KindOf(input.FullName) == UserFileKind.Missing ? "no such file or folder" : UserFile.NotRegularFile(input.FullName))}");
            }
        }

        return (files, null);
    }

    /// <summary>
    /// Writes the records of <paramref name="files"/> in order, reporting each file's start and end
    /// to <paramref name="progress"/>; the counts of images, kept and dropped by reason. The next
    /// HTML page is read and parsed on another thread while this one's alts go through the rules
    /// and language ID (parsing is a third of the work and depends on nothing before it; the rules
    /// and the repeated-alt table stay on this thread, in file order, so the records are the same).
    /// </summary>
    public async Task<StageCounters> WriteAsync(
        IReadOnlyList<ExtractInput> files, Uri? root, AltTextRecordWriter writer, RunProgress progress, CancellationToken cancellationToken)
    {
        var counters = new PipelineCounters();
        var images = counters.For("extract");
        Task<ExtractedPage>? StartParsing(int index) =>
            index < files.Count && !ArchivePages.IsArchiveName(files[index].Path)
                ? Task.Run(() => ParsePage(files[index], files.Count, root), cancellationToken)
                : null;

        var parsing = StartParsing(0);
        for (int fileIndex = 0; fileIndex < files.Count; fileIndex++)
        {
            progress.Started(fileIndex, counters);
            var page = parsing;
            parsing = StartParsing(fileIndex + 1);
            var records = page is null ? ArchiveRecords(files[fileIndex].Path) : Records(await page);
            foreach (var record in records)
            {
                cancellationToken.ThrowIfCancellationRequested();
                images.CountIn();
                if (record.Status == AltStatus.Kept)
                {
                    images.CountOk();
                }
                else
                {
                    images.CountReject(OutcomeKind.Dropped, record.Status);
                }

                await writer.WriteAsync(record, cancellationToken);
            }

            progress.Finished(fileIndex, ranNow: false);
        }

        return images;
    }

    /// <summary>The records of one file: an HTML page's URL is <paramref name="root"/> (with several files, plus the file's relative path) or the file's own.</summary>
    public IEnumerable<AltTextRecord> RecordsOf(ExtractInput file, int fileCount, Uri? root) =>
        ArchivePages.IsArchiveName(file.Path) ? ArchiveRecords(file.Path) : Records(ParsePage(file, fileCount, root));

    /// <summary>An HTML input read, decoded and parsed (its images and body text); depends on nothing but the file.</summary>
    private static ExtractedPage ParsePage(ExtractInput file, int fileCount, Uri? root)
    {
        var pageUrl = root is null
            ? new Uri(file.Path)
            : fileCount == 1 ? root : new Uri(root, file.Relative.Replace(Path.DirectorySeparatorChar, '/'));
        return PageExtraction.Extract(new FetchedPage(pageUrl.AbsoluteUri, 200, null, null, null, File.ReadAllBytes(file.Path)));
    }

    private IEnumerable<AltTextRecord> ArchiveRecords(string path)
    {
        var counts = new ArchiveCounts();
        foreach (var item in ArchivePages.Read(path, counts))
        {
            if (item.Problem is { } problem)
            {
                LogArchiveProblem(logger, path, problem.Offset, problem.Reason, problem.Detail);
                yield return AltTextRecord.ForProblem(problem.TargetUri ?? $"{new Uri(path).AbsoluteUri}#offset={problem.Offset}", problem.Reason);
                continue;
            }

            foreach (var record in Records(item.Parsed ?? PageExtraction.Extract(item.Html!)))
            {
                yield return record;
            }
        }

        LogArchiveRead(logger, path, counts.Records, counts.Pages, counts.Skipped, counts.Problems);
    }

    private IEnumerable<AltTextRecord> Records(ExtractedPage page) => AltTextRecord.FromPage(page, identifier, settings.Languages, _repeats, _rules);

    private static bool IsHtmlName(string path) =>
        path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".htm", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: offset {Offset}: {Reason}: {Detail}")]
    private static partial void LogArchiveProblem(ILogger logger, string path, long offset, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path}: {Records} records, {Pages} pages, {Skipped} other records skipped, {Problems} unreadable")]
    private static partial void LogArchiveRead(ILogger logger, string path, int records, int pages, int skipped, int problems);
}
