using System.Text;
using MellaPipeline.Config;
using MellaPipeline.Images;
using MellaPipeline.Runs;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Dedup;

/// <summary>The figures of a decontamination benchmark as the reduce recorded it: <c>reduce/benchmark.json</c>.</summary>
/// <param name="Fingerprint">Of the benchmark's files (<see cref="Decontamination.Fingerprint"/>): another one redoes the step.</param>
/// <param name="Images">Benchmark image hashes (items), in <c>reduce/benchmark.hashes</c>.</param>
/// <param name="Unhashable">Images of <c>against</c> folders that could not be read or decoded (left out, with a warning).</param>
/// <param name="TextFiles">The <c>against_text</c> files, in order: a text overlap's detail names one by its index.</param>
/// <param name="Ngrams">Distinct n-grams of the reference captions, in <c>reduce/benchmark.ngrams</c>.</param>
public sealed record BenchmarkFigures(string Fingerprint, int Images, int Unhashable, IReadOnlyList<string> TextFiles, long TextLines, long Ngrams, int Ngram, double Seconds);

/// <summary>
/// The first step of the reduce with <c>stages.decontaminate</c> on: hashes the benchmark's images
/// once (or reads its hash files), makes the n-gram set of its captions, and records both in the
/// reduce folder — <c>reduce/benchmark.hashes</c> (<c>HEX16&lt;TAB&gt;ID</c>, as <c>mella phash</c>
/// prints) and <c>reduce/benchmark.ngrams</c> — so that the cluster step, the filter steps and a
/// resumed reduce use the same benchmark. Its figures are its marker. While the clustering is not
/// done, a benchmark whose fingerprint changed is recorded again (<see cref="DiscardIfChanged"/>);
/// once it is, the recorded benchmark is what the filters name.
/// </summary>
internal sealed partial class BenchmarkStep(DecontaminateOptions options, RunDirectory run, ILogger logger) : RunStep<BenchmarkFigures>
{
    public const string StepName = "decontaminate";

    public override string Name => StepName;

    public override string MarkerPath => FiguresPathOf(run);

    public override string? RejectsPath => null;

    public override string FiguresPath => FiguresPathOf(run);

    public static string FiguresPathOf(RunDirectory run) => Path.Combine(run.ReduceDir, "benchmark.json");

    public static string HashesPathOf(RunDirectory run) => Path.Combine(run.ReduceDir, "benchmark.hashes");

    public static string NgramsPathOf(RunDirectory run) => Path.Combine(run.ReduceDir, "benchmark.ngrams");

    public override void DiscardOutputs()
    {
        if (!Directory.Exists(run.ReduceDir))
        {
            return;
        }

        foreach (string path in new[] { HashesPathOf(run), NgramsPathOf(run) })
        {
            File.Delete(path);
            File.Delete(AtomicFile.TempPathFor(path));
        }
    }

    /// <summary>Removes the recorded benchmark when its files changed since, so the runner records it again.</summary>
    public void DiscardIfChanged()
    {
        if (File.Exists(MarkerPath) && ReadFigures().Fingerprint != Decontamination.Fingerprint(options))
        {
            LogChanged(logger);
            File.Delete(MarkerPath);
        }
    }

    public override async Task<BenchmarkFigures> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        string fingerprint = Decontamination.Fingerprint(options);
        var hashes = new StringBuilder();
        int images = 0, unhashable = 0;
        foreach (string path in options.Against)
        {
            if (Directory.Exists(path))
            {
                var (paths, results) = await ImageFolderDedup.HashAllAsync(path, cancellationToken);
                for (int i = 0; i < paths.Length; i++)
                {
                    if (results[i].Hash is { } hash)
                    {
                        hashes.Append(PerceptualHash.ToHex(hash)).Append('\t').Append(Path.GetRelativePath(path, paths[i])).Append('\n');
                        images++;
                    }
                    else
                    {
                        LogUnhashable(logger, paths[i], results[i].Reason ?? "unreadable");
                        unhashable++;
                    }
                }
            }
            else
            {
                var list = HashList.Read(path, out var problems);
                if (problems.Count > 0)
                {
                    throw new InvalidDataException($"stages.decontaminate.against: {path}:{problems[0]}");
                }

                for (int i = 0; i < list.Count; i++)
                {
                    hashes.Append(PerceptualHash.ToHex(list.Hashes[i])).Append('\t').Append(Encoding.UTF8.GetString(list.Id(i))).Append('\n');
                }

                images += list.Count;
            }
        }

        var ngrams = new List<(ulong, ulong)>();
        var caption = new List<ulong>();
        long lines = 0;
        for (int file = 0; file < options.AgainstText.Count; file++)
        {
            foreach (var (number, text, problem) in Decontamination.ReferenceCaptions(options.AgainstText[file]))
            {
                if (text is null)
                {
                    throw new InvalidDataException($"stages.decontaminate.against_text: {options.AgainstText[file]}:{number}: {problem}");
                }

                caption.Clear();
                CaptionNgrams.AddHashes(text, options.Ngram, caption);
                ngrams.AddRange(caption.Select(hash => (hash, NgramSet.Place(file, number))));
                lines++;
            }
        }

        var set = NgramSet.From(ngrams);
        AtomicFile.WriteAllBytes(HashesPathOf(run), Encoding.UTF8.GetBytes(hashes.ToString()));
        AtomicFile.WriteAllBytes(NgramsPathOf(run), set.ToBytes());
        LogRecorded(logger, images, unhashable, lines, set.Count);
        return new BenchmarkFigures(fingerprint, images, unhashable, options.AgainstText, lines, set.Count, options.Ngram, Math.Round(context.Elapsed.TotalSeconds, 3));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "decontamination benchmark changed since it was recorded; recording it again")]
    private static partial void LogChanged(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "benchmark image {Path} left out: {Reason}")]
    private static partial void LogUnhashable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "decontamination benchmark: {Images} image hashes ({Unhashable} images unreadable), {Lines} captions, {Ngrams} distinct n-grams")]
    private static partial void LogRecorded(ILogger logger, int images, int unhashable, long lines, int ngrams);
}
