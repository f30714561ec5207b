using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Dedup;
using MellaPipeline.Input;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella dedup --hashes FILE [--threshold N] [--out FILE]</c>: near-duplicate clusters over precomputed hashes.</summary>
public static class DedupCommand
{
    /// <summary>Largest <c>--threshold</c> the exact search of <see cref="NearDuplicateIndex"/> takes.</summary>
    private const int MaxThreshold = 32;

    public static Command Build()
    {
        var images = new Option<DirectoryInfo?>("--images")
        {
            Description = "A folder of images (JPEG, PNG, GIF, WebP; read recursively, in path order) to hash and cluster.",
        };
        var hashes = new Option<FileInfo?>("--hashes")
        {
            Description = "Precomputed hashes, one \"HEX16<TAB>ID\" line each (as `mella phash` prints them, path as the ID).",
        };
        var threshold = new Option<int>("--threshold", "-t")
        {
            Description = "Largest Hamming distance (of 64 bits) between near duplicates. Every pair within it is found: the search is exact.",
            DefaultValueFactory = _ => Config.DedupNearOptions.DefaultThreshold,
        }.WholeNumber(0, MaxThreshold);
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the JSONL here instead of standard output." }.OutputFile();
        var command = new Command("dedup",
            "Near-duplicate clusters: one JSON object per input, in input order. With --hashes: {\"id\", \"cluster\", \"keep\"}; the cluster is named by the ID " +
            "of its first member in input order, which is the one kept. With --images: {\"path\", \"cluster\", \"keep\"}; the kept image is the largest " +
            "(width × height), then the first in path order, and names the cluster. Hashes within the threshold (directly or through a chain) share a cluster; " +
            "with --images, so do images whose hashes are within 2 × threshold + 2 while their window hashes (crops, watermarks) agree — the rule dedup_near applies — " +
            "whereas --hashes has the pHash alone. Lines that are not \"HEX16<TAB>ID\" and images that cannot be decoded are reported on stderr and skipped, and the exit code is then 1.")
        {
            images,
            hashes,
            threshold,
            output,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(hashes);
            var folder = parse.GetValue(images);
            int limit = parse.GetValue(threshold);
            var outFile = parse.GetValue(output);
            Stream Open() => outFile is null ? Console.OpenStandardOutput() : File.Create(outFile.FullName);
            if ((file is null) == (folder is null))
            {
                await Console.Error.WriteLineAsync("mella dedup: give either --images DIR or --hashes FILE");
                return ExitCodes.BadInput;
            }

            if (folder is not null)
            {
                if (!folder.Exists)
                {
                    await Console.Error.WriteLineAsync($"mella dedup: --images {folder}: no such folder");
                    return ExitCodes.BadInput;
                }

                var listed = await ImageFolderDedup.RunAsync(folder.FullName, limit, Open, cancellationToken);
                foreach (var (path, reason) in listed.Failures)
                {
                    await Console.Error.WriteLineAsync($"mella dedup: {path}: {reason}");
                }

                await Console.Error.WriteLineAsync($"mella dedup: {listed.Images} images, {listed.Hashed} hashed, {listed.Clusters} clusters at threshold {limit} (rule {new NearDuplicateRule(limit).Id})");
                return listed.Hashed == listed.Images ? ExitCodes.Success : ExitCodes.CheckFailed;
            }

            if (UserFile.NotRegularFile(file!.FullName) is { } unusable)
            {
                await Console.Error.WriteLineAsync($"mella dedup: --hashes {file}: {unusable}");
                return ExitCodes.BadInput;
            }

            var clock = Stopwatch.StartNew();
            var result = await HashListDedup.RunAsync(file.FullName, limit, Open, cancellationToken);
            foreach (var problem in result.Problems.Take(10))
            {
                await Console.Error.WriteLineAsync($"mella dedup: {file}:{problem}");
            }

            if (result.Problems.Count > 10)
            {
                await Console.Error.WriteLineAsync($"mella dedup: {file}: {result.Problems.Count - 10} more bad lines");
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"mella dedup: {result.Hashes:N0} hashes, {result.Clusters:N0} clusters, {result.Hashes - result.Clusters:N0} near duplicates at threshold {limit} ({clock.Elapsed.TotalSeconds:F1} s)"));
            return result.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }
}
