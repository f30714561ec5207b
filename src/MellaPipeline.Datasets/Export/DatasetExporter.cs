using System.Text.RegularExpressions;
using MellaPipeline.Datasets.Splits;
using MellaPipeline.Json;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;

namespace MellaPipeline.Datasets.Export;

/// <summary>What one part (the dataset, or a side of a split) became.</summary>
public sealed record ExportPart(string Name, long Rows, long Images, long ByReference, long Bytes, IReadOnlyList<TarShard> Tars);

/// <summary>What <c>mella export</c> wrote, or why the dataset or the output folder was refused (then nothing was written).</summary>
public sealed record ExportJob(string Out, ExportFormat Format, IReadOnlyList<ExportPart>? Parts, string? DatasetProblem, string? OutputProblem)
{
    public long Rows => Parts?.Sum(p => p.Rows) ?? 0;

    /// <summary>The summary line: rows, tars (or images), bytes, where.</summary>
    public string Describe() => Format == ExportFormat.WebDataset
        ? FormattableString.Invariant($"exported {Rows:N0} rows into {Parts!.Sum(p => p.Tars.Count):N0} tar(s) ({Parts!.Sum(p => p.Bytes):N0} bytes; {Parts!.Sum(p => p.ByReference):N0} by reference): {Out}")
        : FormattableString.Invariant($"exported {Rows:N0} rows, {Parts!.Sum(p => p.Images):N0} images ({Parts!.Sum(p => p.Bytes):N0} bytes; {Parts!.Sum(p => p.ByReference):N0} by reference): {Out}");
}

/// <summary>
/// <c>mella export</c>: every row of a dataset (caption layers' rows included) that the filter keeps, once, into
/// WebDataset tars or an <c>imagefolder</c> layout; a <c>mella split</c> output into <c>train/</c> and <c>eval/</c>.
/// Streams row group by row group (<see cref="ShardReader.ReadAsync"/>): memory holds one row group, never the dataset.
/// </summary>
public static partial class DatasetExporter
{
    public const string IndexFile = "index.json";

    /// <summary>
    /// Finds the dataset's shards and opens the first before the output folder is created or emptied (a refused export
    /// leaves nothing behind), then exports, showing progress per shard through <paramref name="showProgress"/>.
    /// Everything is written into a staging folder inside <paramref name="outDir"/> (on the same file system, so
    /// moving it is a rename; <paramref name="outDir"/> itself keeps its identity — a shell's working folder, a mount
    /// point, a link) and moved into place only when the whole export has been written: until then an earlier export
    /// (replaced with <c>--overwrite</c>) stays as it was, and a shard found broken only while it is read, or an
    /// interrupted export, takes the staging folder — and a folder this export created — with it.
    /// </summary>
    public static async Task<ExportJob> RunAsync(string dataset, string outDir, ExportSettings settings, bool overwrite,
        Func<RunProgress, IAsyncDisposable> showProgress, CancellationToken cancellationToken)
    {
        IReadOnlyList<DatasetPart> parts;
        try
        {
            parts = DatasetParts.Find(dataset);
            foreach (string first in parts.Where(p => p.Shards.Count > 0).Select(p => p.Shards[0]))
            {
                await ShardReader.ReadCurrentMetadataAsync(first, cancellationToken);
            }
        }
        catch (Exception e) when (Datasets.DatasetProblem.Is(e))
        {
            return new ExportJob(outDir, settings.Format, null, Datasets.DatasetProblem.Describe(dataset, e), null);
        }

        if (OutputFolder.Refusal(outDir, overwrite, IsOwnOutput, "export") is { } refusal)
        {
            return new ExportJob(outDir, settings.Format, null, null, refusal);
        }

        bool created = !Directory.Exists(outDir);
        string staging = Path.Combine(outDir, $"{StagingPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}{AtomicFile.TempSuffix}");
        Directory.CreateDirectory(staging);
        bool swapped = false;
        try
        {
            var progress = new RunProgress(parts.Sum(p => p.Shards.Count), 0);
            var written = new List<ExportPart>();
            await using (showProgress(progress))
            {
                int shardIndex = 0;
                foreach (var part in parts)
                {
                    string folder = Path.Combine(staging, part.Name);
                    Directory.CreateDirectory(folder);
                    written.Add(await ExportPartAsync(part, folder, settings, progress, shardIndex, cancellationToken));
                    shardIndex += part.Shards.Count;
                }
            }

            SwapIn(staging, outDir);
            swapped = true;
            return new ExportJob(outDir, settings.Format, written, null, null);
        }
        catch (Exception e) when (Datasets.DatasetProblem.Is(e))
        {
            return new ExportJob(outDir, settings.Format, null, Datasets.DatasetProblem.Describe(dataset, e), null);
        }
        finally
        {
            if (!swapped)
            {
                Directory.Delete(created ? outDir : staging, recursive: true);
            }
        }
    }

    /// <summary>What an export writes into its folder (or left half-written under a temporary name): the only entries <c>--overwrite</c> removes.</summary>
    public static bool IsOwnOutput(string entry) =>
        entry.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal)
            ? entry.StartsWith(StagingPrefix, StringComparison.Ordinal) || IsOwnFinalOutput(entry[..^AtomicFile.TempSuffix.Length])
            : IsOwnFinalOutput(entry);

    /// <summary>The start of the staging folder's name; one left by an export that was killed is removed by the next <c>--overwrite</c>.</summary>
    private const string StagingPrefix = ".mella-export-";

    private static bool IsOwnFinalOutput(string entry) =>
        entry is IndexFile or ImageFolderWriter.MetadataFile or ImageFolderWriter.ReferencesFile or ImageFolderWriter.ImagesFolder
            or DatasetSplitter.TrainFolder or DatasetSplitter.EvalFolder
        || TarName().IsMatch(entry);

    /// <summary>
    /// Replaces what an earlier export left in <paramref name="outDir"/> (only entries it recognises as an export's;
    /// <see cref="OutputFolder.Refusal"/> checked there were no others) by the staging folder's entries, one rename each.
    /// </summary>
    private static void SwapIn(string staging, string outDir)
    {
        string stagingName = Path.GetFileName(staging);
        OutputFolder.Remove(outDir, entry => entry != stagingName && IsOwnOutput(entry));
        foreach (string entry in Directory.EnumerateFileSystemEntries(staging).ToArray())
        {
            string target = Path.Combine(outDir, Path.GetFileName(entry));
            if (Directory.Exists(entry))
            {
                Directory.Move(entry, target);
            }
            else
            {
                File.Move(entry, target);
            }
        }

        Directory.Delete(staging);
    }

    private static async Task<ExportPart> ExportPartAsync(
        DatasetPart part, string folder, ExportSettings settings, RunProgress progress, int firstShard, CancellationToken cancellationToken)
    {
        long rows = 0;
        if (settings.Format == ExportFormat.Jsonl)
        {
            using var images = new ImageFolderWriter(folder);
            await ForEachRowAsync(part, settings.Filter, progress, firstShard, record =>
            {
                images.Write(record);
                rows++;
                return Task.CompletedTask;
            }, cancellationToken);
            images.Commit();
            return new ExportPart(part.Name, rows, images.Images, images.ByReference, images.ImageBytes, []);
        }

        await using var tars = new WebDatasetWriter(folder, settings.MaxSamples, settings.MaxBytes);
        await ForEachRowAsync(part, settings.Filter, progress, firstShard, async record =>
        {
            await tars.WriteAsync(record, cancellationToken);
            rows++;
        }, cancellationToken);
        await tars.CompleteAsync();
        WriteIndex(folder, part.Name, tars.Shards);
        return new ExportPart(part.Name, rows, tars.ImageMembers, tars.ByReference, tars.Shards.Sum(s => s.FileSize), tars.Shards);
    }

    private static async Task ForEachRowAsync(
        DatasetPart part, RowFilter filter, RunProgress progress, int firstShard, Func<Records.PairRecord, Task> write, CancellationToken cancellationToken)
    {
        for (int s = 0; s < part.Shards.Count; s++)
        {
            var counters = new PipelineCounters();
            var exported = counters.For("export");
            progress.Started(firstShard + s, counters);
            try
            {
                await foreach (var record in ShardReader.ReadAsync(part.Shards[s], cancellationToken))
                {
                    exported.CountIn();
                    if (filter.Matches(record))
                    {
                        await write(record);
                        exported.CountOk();
                    }
                }
            }
            catch (Exception e) when (Datasets.DatasetProblem.Is(e) && !e.Message.StartsWith(part.Shards[s], StringComparison.Ordinal))
            {
                // The Parquet reader's messages do not say which file; the user needs to know which shard is broken.
                throw new InvalidDataException(Datasets.DatasetProblem.Describe(part.Shards[s], e), e);
            }

            progress.Finished(firstShard + s, ranNow: true);
        }
    }

    /// <summary>
    /// <c>index.json</c> in the shape of webdataset's <c>wids</c> shard index (<c>__kind__</c>, <c>wids_version</c>,
    /// <c>shardlist</c> of <c>url</c> relative to the index, <c>nsamples</c>, <c>filesize</c>), each tar with its SHA-256 too.
    /// </summary>
    private static void WriteIndex(string folder, string name, IReadOnlyList<TarShard> tars)
    {
        var index = new System.Text.Json.Nodes.JsonObject
        {
            ["__kind__"] = "wids-shard-index-v1",
            ["wids_version"] = 1,
            ["name"] = name.Length == 0 ? "mella" : name,
            ["nsamples"] = tars.Sum(t => t.NSamples),
            ["filesize"] = tars.Sum(t => t.FileSize),
            ["shardlist"] = new System.Text.Json.Nodes.JsonArray(tars.Select(t => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
            {
                ["url"] = t.Url,
                ["nsamples"] = t.NSamples,
                ["filesize"] = t.FileSize,
                ["sha256"] = t.Sha256,
            }).ToArray()),
        };
        AtomicFile.WriteAllBytes(Path.Combine(folder, IndexFile), System.Text.Encoding.UTF8.GetBytes(index.ToJsonString(MellaJson.Indented)));
    }

    [GeneratedRegex(@"^shard-[0-9]{6}\.tar$")]
    private static partial Regex TarName();
}
