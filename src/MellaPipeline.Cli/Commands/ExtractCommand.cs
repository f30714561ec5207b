using System.CommandLine;
using System.Text;
using System.Text.Json;
using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Html;
using MellaPipeline.Json;
using MellaPipeline.LanguageId;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella extract INPUT... [--base-url URL] [--out FILE]</c>: alt-text candidates of HTML pages as JSONL.</summary>
public static class ExtractCommand
{
    public static Command Build()
    {
        var inputs = new Argument<FileSystemInfo[]>("INPUT")
        {
            Description = "HTML files, or folders of *.html / *.htm files (read recursively, in path order).",
            Arity = ArgumentArity.OneOrMore,
        };
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = "Absolute URL the page was served from; with several files, each file's path relative to the first folder is appended. " +
                "Without it, relative image URLs cannot be resolved and such images are reported as image_url_missing.",
        };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write JSONL here instead of standard output." };
        var command = new Command("extract",
            "Find every <img> of HTML pages with its absolute URL and alt text, normalise and filter the alt text, identify its language. " +
            "One JSON record per image: page_url, image_url, alt_text, alt_raw, html_lang, lang, script, lang_confidence, lang_decided_by, status " +
            "(\"kept\" or the reason code).")
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
                    files.AddRange(Directory.EnumerateFiles(dir.FullName, "*.*", SearchOption.AllDirectories)
                        .Where(f => f.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
                        .Order(StringComparer.Ordinal)
                        .Select(f => (f, Path.GetRelativePath(dir.FullName, f))));
                }
                else if (File.Exists(input.FullName))
                {
                    if (input.Name.Contains(".warc", StringComparison.OrdinalIgnoreCase) || input.Name.Contains(".wat", StringComparison.OrdinalIgnoreCase)
                        || input.Name.EndsWith(".arc", StringComparison.OrdinalIgnoreCase) || input.Name.EndsWith(".arc.gz", StringComparison.OrdinalIgnoreCase))
                    {
                        await Console.Error.WriteLineAsync($"mella extract: {input}: WARC, WAT and ARC input is not supported yet; give HTML files");
                        return ExitCodes.BadInput;
                    }

                    files.Add((input.FullName, input.Name));
                }
                else
                {
                    await Console.Error.WriteLineAsync($"mella extract: {input}: no such file or folder");
                    return ExitCodes.BadInput;
                }
            }

            var outFile = parse.GetValue(output);
            if (outFile is not null && !outFile.Name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) && !outFile.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                await Console.Error.WriteLineAsync($"mella extract: --out {outFile}: only JSONL output (.jsonl) is supported yet");
                return ExitCodes.BadInput;
            }

            var identifier = LanguageIdentifier.Create();
            Uri? root = null;
            if (parse.GetValue(baseUrl) is { } baseText
                && (!Uri.TryCreate(baseText, UriKind.Absolute, out root) || root.Scheme is not ("http" or "https")))
            {
                await Console.Error.WriteLineAsync($"mella extract: --base-url {baseText}: expected an absolute http(s) URL");
                return ExitCodes.BadInput;
            }

            var stream = outFile is null ? Console.OpenStandardOutput() : File.Create(outFile.FullName);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            foreach (var (path, relative) in files)
            {
                var decoded = HtmlDecoder.Decode(await File.ReadAllBytesAsync(path, cancellationToken));
                var pageUrl = root is null
                    ? new Uri(path)
                    : files.Count == 1 ? root : new Uri(root, relative.Replace(Path.DirectorySeparatorChar, '/'));
                var page = AltTextExtractor.Extract(decoded.Text, pageUrl);
                foreach (var record in AltTextRecord.FromPage(page, identifier))
                {
                    await writer.WriteLineAsync(JsonSerializer.Serialize(record, MellaJson.Compact));
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
