using System.CommandLine;
using MellaPipeline.Cli.Hosting;
using MellaPipeline.Cli.Progress;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.LanguageId;
using MellaPipeline.Orchestration;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella extract INPUT... [--base-url URL] [--pipeline FILE] [--out FILE]</c>: alt-text candidates of HTML pages and web archives (<see cref="AltTextExtraction"/>).</summary>
public static partial class ExtractCommand
{
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
        var pipeline = new Option<FileInfo?>("--pipeline")
        {
            Description = "Apply this pipeline file's alt-text rules (input.alt_text of its first crawl or warc input) and languages, as mella run does; without it, the defaults.",
        };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write here instead of standard output: JSONL, or Parquet when the name ends in .parquet." }
            .OutputFile();
        var command = new Command("extract",
            "Find every <img> of HTML pages or web-archive records with its absolute URL and alt text, normalise and filter the alt text, identify its language. " +
            "One record per image: page_url, image_url, alt_text, alt_raw, html_lang, lang, script, lang_confidence, lang_decided_by, status " +
            "(\"kept\" or the reason code). An archive record that cannot be read gives one record with its reason code (e.g. warc_record_truncated) and no image; reading goes on.")
        {
            inputs, baseUrl, pipeline, output,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var (files, problem) = AltTextExtraction.CollectInputs(parse.GetValue(inputs)!);
            Uri? root = null;
            if (problem is null && parse.GetValue(baseUrl) is { } baseText
                && (!Uri.TryCreate(baseText, UriKind.Absolute, out root) || root.Scheme is not ("http" or "https")))
            {
                problem = $"--base-url {baseText}: expected an absolute http(s) URL";
            }

            var settings = AltTextSettings.Defaults;
            if (problem is null && parse.GetValue(pipeline) is { } pipelineFile)
            {
                var (loaded, loadProblem) = PipelineFile.Load(pipelineFile.ToString(), tasks: null);
                (settings, problem) = loaded is null ? (settings, loadProblem) : (AltTextSettings.From(loaded.Options.InputList(), loaded.Options.Languages), null);
            }

            if (problem is not null)
            {
                await Console.Error.WriteLineAsync($"mella extract: {problem}");
                return ExitCodes.BadInput;
            }

            using var loggers = PipelineHost.CreateLoggerFactory();
            var logger = loggers.CreateLogger("extract");
            var extraction = new AltTextExtraction(settings, LanguageIdentifier.Create(), logger);
            var progress = new RunProgress(files.Count, 0);
            await using var writer = new AltTextRecordWriter(parse.GetValue(output)?.FullName);
            StageCounters images;
            await using (RunProgressDisplay.ForConsole().Start(progress, logger))
            {
                images = await extraction.WriteAsync(files, root, writer, progress, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
            LogDone(logger, files.Count, images.In, images.Ok);
            return ExitCodes.Success;
        });
        return command;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "extract: {Files} inputs, {Images} images, {Kept} kept")]
    private static partial void LogDone(ILogger logger, int files, long images, long kept);
}
