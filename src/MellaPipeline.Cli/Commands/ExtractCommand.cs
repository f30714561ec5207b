using System.CommandLine;
using System.Text;
using System.Text.Json;
using MellaPipeline.Cli.Hosting;
using MellaPipeline.Orchestration;
using MellaPipeline.Cli.Progress;
using MellaPipeline.Runs;
using MellaPipeline.Crawl.Archives;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Pages;
using MellaPipeline.Json;
using MellaPipeline.LanguageId;
using MellaPipeline.Parquet;
using MellaPipeline.Runtime;
using Microsoft.Extensions.Logging;
using MellaPipeline.Input;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella extract INPUT... [--base-url URL] [--out FILE]</c>: alt-text candidates of HTML pages and web archives.</summary>
public static partial class ExtractCommand
{
    private static readonly IReadOnlyList<(string Name, Type Type)> ParquetColumns =
    [
        ("page_url", typeof(string)), ("image_url", typeof(string)), ("alt_text", typeof(string)), ("alt_raw", typeof(string)),
        ("html_lang", typeof(string)), ("lang", typeof(string)), ("script", typeof(string)), ("lang_confidence", typeof(double)),
        ("lang_decided_by", typeof(string)), ("status", typeof(string)),
    ];

    /// <summary>Longest <c>--base-url</c> (browsers and crawlers give up on longer URLs).</summary>
    private const int MaxUrlLength = 2048;

    public static Command Build()
    {
        var inputs = new Argument<FileSystemInfo[]>("INPUT")
        {
            Description = "HTML files, WARC/ARC/WAT files (.warc, .warc.gz, .arc, .arc.gz, .wat, .warc.wat.gz), or folders of them (read recursively, in path order).",
            Arity = ArgumentArity.OneOrMore,
        };
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = "For HTML files: the absolute URL the page was served from; with several files, each file's path relative to the first folder is appended. " +
                "Without it, relative image URLs cannot be resolved and such images are reported as image_url_missing. Archives carry their own URLs.",
        }.Text(MaxUrlLength);
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write here instead of standard output: JSONL, or Parquet when the name ends in .parquet." }
            .OutputFile();
        var command = new Command("extract",
            "Find every <img> of HTML pages or web-archive records with its absolute URL and alt text, normalise and filter the alt text, identify its language. " +
            "One record per image: page_url, image_url, alt_text, alt_raw, html_lang, lang, script, lang_confidence, lang_decided_by, status " +
            "(\"kept\" or the reason code). An archive record that cannot be read gives one record with its reason code (e.g. warc_record_truncated) and no image; reading goes on.")
        {
            inputs,
            baseUrl,
            output,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = new List<(string Path, string Relative)>();
            foreach (var input in parse.GetValue(inputs)!)
            {
                if (input is DirectoryInfo { Exists: true } dir)
                {
                    files.AddRange(LineRangeReader.RegularFilesUnder(dir.FullName, "*")
                        .Where(f => IsHtmlName(f) || ArchivePages.IsArchiveName(f))
                        .Order(StringComparer.Ordinal)
                        .Select(f => (f, Path.GetRelativePath(dir.FullName, f))));
                }
                else if (UserFile.KindOf(input.FullName) == UserFileKind.RegularFile)
                {
                    files.Add((input.FullName, input.Name));
                }
                else
                {
                    // A FIFO or device is refused before anything opens it (a FIFO would block forever).
                    await Console.Error.WriteLineAsync($"mella extract: {input}: {(UserFile.KindOf(input.FullName) == UserFileKind.Missing ? "no such file or folder" : UserFile.NotRegularFile(input.FullName))}");
                    return ExitCodes.BadInput;
                }
            }

            Uri? root = null;
            if (parse.GetValue(baseUrl) is { } baseText
                && (!Uri.TryCreate(baseText, UriKind.Absolute, out root) || root.Scheme is not ("http" or "https")))
            {
                await Console.Error.WriteLineAsync($"mella extract: --base-url {baseText}: expected an absolute http(s) URL");
                return ExitCodes.BadInput;
            }

            var outFile = parse.GetValue(output);
            bool parquet = outFile?.Name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) == true;
            using var loggers = PipelineHost.CreateLoggerFactory();
            var logger = loggers.CreateLogger("extract");
            var identifier = LanguageIdentifier.Create();
            var repeats = new DomainAltRepeats();
            var counters = new PipelineCounters();
            var images = counters.For("extract");
            var progress = new RunProgress(files.Count, 0);

            await using var parquetWriter = parquet ? new ParquetTableWriter(outFile!.FullName, ParquetColumns) : null;
            await using var jsonWriter = parquet ? null : new StreamWriter(outFile is null ? Console.OpenStandardOutput() : File.Create(outFile.FullName), new UTF8Encoding(false));
            await using (RunProgressDisplay.ForConsole().Start(progress, logger))
            {
                for (int fileIndex = 0; fileIndex < files.Count; fileIndex++)
                {
                    var (path, relative) = files[fileIndex];
                    progress.Started(fileIndex, counters);
                    foreach (var record in RecordsOf(path, relative, files.Count, root, identifier, repeats, logger))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        images.CountIn();
                        if (record.Status == AltStatus.Kept)
                        {
                            images.CountOk();
                        }
                        else
                        {
                            images.CountReject(Stages.OutcomeKind.Dropped, record.Status);
                        }

                        if (parquetWriter is not null)
                        {
                            await parquetWriter.AddAsync(
                                [record.PageUrl, record.ImageUrl, record.AltText, record.AltRaw, record.HtmlLang, record.Lang, record.Script, record.LangConfidence, record.LangDecidedBy, record.Status],
                                cancellationToken);
                        }
                        else
                        {
                            await jsonWriter!.WriteLineAsync(JsonSerializer.Serialize(record, MellaJson.Compact));
                        }
                    }

                    progress.Finished(fileIndex, ranNow: false);
                }
            }

            if (parquetWriter is not null)
            {
                await parquetWriter.CompleteAsync(cancellationToken);
            }

            LogDone(logger, files.Count, images.In, images.Ok);
            return ExitCodes.Success;
        });
        return command;
    }

    private static bool IsHtmlName(string path) =>
        path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".htm", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<AltTextRecord> RecordsOf(
        string path, string relative, int fileCount, Uri? root, LanguageIdentifier identifier, DomainAltRepeats repeats, ILogger logger)
    {
        if (!ArchivePages.IsArchiveName(path))
        {
            var pageUrl = root is null
                ? new Uri(path)
                : fileCount == 1 ? root : new Uri(root, relative.Replace(Path.DirectorySeparatorChar, '/'));
            var page = PageExtraction.Extract(new FetchedPage(pageUrl.AbsoluteUri, 200, null, null, null, File.ReadAllBytes(path)));
            foreach (var record in AltTextRecord.FromPage(page, identifier, repeats: repeats))
            {
                yield return record;
            }

            yield break;
        }

        var counts = new ArchiveCounts();
        foreach (var item in ArchivePages.Read(path, counts))
        {
            if (item.Problem is { } problem)
            {
                LogArchiveProblem(logger, path, problem.Offset, problem.Reason, problem.Detail);
                yield return AltTextRecord.ForProblem(problem.TargetUri ?? $"{new Uri(path).AbsoluteUri}#offset={problem.Offset}", problem.Reason);
                continue;
            }

            var page = item.Parsed ?? PageExtraction.Extract(item.Html!);
            foreach (var record in AltTextRecord.FromPage(page, identifier, repeats: repeats))
            {
                yield return record;
            }
        }

        LogArchiveRead(logger, path, counts.Records, counts.Pages, counts.Skipped, counts.Problems);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: offset {Offset}: {Reason}: {Detail}")]
    private static partial void LogArchiveProblem(ILogger logger, string path, long offset, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path}: {Records} records, {Pages} pages, {Skipped} other records skipped, {Problems} unreadable")]
    private static partial void LogArchiveRead(ILogger logger, string path, int records, int pages, int skipped, int problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "extract: {Files} inputs, {Images} images, {Kept} kept")]
    private static partial void LogDone(ILogger logger, int files, long images, long kept);
}
